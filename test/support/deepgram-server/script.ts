// Helpers for writing tests: a script from plain text, and the lines a correct client prints.
import { round6, transcriptOf } from './messages.js';
import { DEFAULT_ENDPOINTING_MS } from './query.js';
import { checkScript, pauseFollows } from './recognizer.js';
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
  /** When the client asks for utterance_end_ms, an UtteranceEnd also ends a line. */
  utteranceEndMs?: number;
}

/**
 * One line per utterance, split by the server's own rule: a line ends after a word when the
 * next word starts more than the endpointing silence later (speech_final), or more than
 * utterance_end_ms later (UtteranceEnd). Forced and Finalize finals do not end a line.
 */
export function expectedLines(script: readonly ScriptWord[], options: ExpectedLinesOptions = {}): string[] {
  const { punctuated = true, endpointingMs = DEFAULT_ENDPOINTING_MS, utteranceEndMs } = options;
  const silences = [endpointingMs === false ? undefined : endpointingMs, utteranceEndMs]
    .filter((ms): ms is number => ms !== undefined)
    .map((ms) => ms / 1000);
  const words = checkScript(script);
  const lines: string[] = [];
  let lineStart = 0;
  words.forEach((_word, i) => {
    const endsLine = i === words.length - 1 || silences.some((silence) => pauseFollows(words, i, silence));
    if (!endsLine) return;
    lines.push(transcriptOf(words.slice(lineStart, i + 1), punctuated));
    lineStart = i + 1;
  });
  return lines;
}
