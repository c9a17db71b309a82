// Helpers for writing tests: a script from plain text, and the lines a correct client prints.
import { round6, transcriptOf } from './messages.js';
import { DEFAULT_ENDPOINTING_MS } from './query.js';
import { ScriptRecognizer, type Heard } from './recognizer.js';
import type { ScriptWord } from './types.js';

export interface ScriptTiming {
  /** When the first word starts; default 0.5 s. */
  startAt?: number;
  /** Length of every word; default 0.4 s. */
  wordSec?: number;
  /** Silence between words of one sentence; default 0 (Deepgram's word times usually touch). */
  gapSec?: number;
  /** Silence after a word ending in . ! or ?; default 1.0 s. */
  pauseAfterSentenceSec?: number;
  /** Speaker of every word (reported with diarize=true). */
  speaker?: number;
}

const ENDS_SENTENCE = /[.!?]["')\]]*$/;

/** "Hello world. Bye." -> words with evenly spaced times, a longer pause after each sentence. */
export function scriptFromText(text: string, timing: ScriptTiming = {}): ScriptWord[] {
  const { startAt = 0.5, wordSec = 0.4, gapSec = 0, pauseAfterSentenceSec = 1.0, speaker } = timing;
  const words: ScriptWord[] = [];
  let at = startAt;
  for (const token of text.split(/\s+/).filter(Boolean)) {
    const end = round6(at + wordSec);
    words.push({ text: token, start: round6(at), end, ...(speaker === undefined ? {} : { speaker }) });
    at = end + (ENDS_SENTENCE.test(token) ? pauseAfterSentenceSec : gapSec);
  }
  return words;
}

export interface ExpectedLinesOptions {
  /** Transcripts with punctuation (the query sets punctuate or smart_format); default true. */
  punctuated?: boolean;
  /** The endpointing the client asks for; default Deepgram's 10 ms; false = none. */
  endpointingMs?: number | false;
  /** The client asks for utterance_end_ms and ends a line on UtteranceEnd too. */
  utteranceEndMs?: number;
  /** As given to the server; default 5. Matters only when endpointing is off or long. */
  maxSegmentSec?: number;
}

/**
 * The lines a correct client prints: finals accumulate, and a line ends at speech_final (or
 * UtteranceEnd when asked for) and at the end of the stream. Computed by running the server's
 * own recognizer over the whole script followed by CloseStream, so it cannot drift from it.
 * With endpointing on, Finalize calls do not change the lines; with endpointing=false the lines
 * depend on when finals come (maxSegmentSec, Finalize), as with the real service.
 */
export function expectedLines(script: readonly ScriptWord[], options: ExpectedLinesOptions = {}): string[] {
  const { punctuated = true, endpointingMs = DEFAULT_ENDPOINTING_MS, utteranceEndMs, maxSegmentSec = 5 } = options;
  const endpointingSec = endpointingMs === false ? null : endpointingMs / 1000;
  const utteranceEndSec = utteranceEndMs === undefined ? null : utteranceEndMs / 1000;
  const recognizer = new ScriptRecognizer(script, {
    interimIntervalSec: null,
    vadEvents: false,
    endpointingSec,
    utteranceEndSec,
    maxSegmentSec,
  });
  // Enough trailing silence for every pause rule to fire after the last word.
  const audioSec = Math.max(0, ...script.map((word) => word.end)) + (endpointingSec ?? 0) + (utteranceEndSec ?? 0) + 1;
  return linesOf([...recognizer.advance(audioSec), ...recognizer.closeStream(audioSec)], punctuated);
}

function linesOf(events: readonly Heard[], punctuated: boolean): string[] {
  const lines: string[] = [];
  let parts: string[] = [];
  const endLine = (): void => {
    if (parts.length > 0) lines.push(parts.join(' '));
    parts = [];
  };
  for (const event of events) {
    if (event.type === 'Results' && event.words.length > 0) parts.push(transcriptOf(event.words, punctuated));
    if ((event.type === 'Results' && event.speechFinal) || event.type === 'UtteranceEnd') endLine();
  }
  endLine();
  return lines;
}
