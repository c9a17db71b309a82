// Helpers for writing tests: a script from plain text, and the lines a correct client prints.
import { round6, transcriptOf } from './messages.js';
import { DEFAULT_ENDPOINTING_MS } from './query.js';
import { ChannelRecognizers, type ChannelHeard } from './channels.js';
import { channelOf } from './recognizer.js';
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
  /** Channel of every word (see ScriptWord.channel); omitted = 0. */
  channel?: number;
}

export const ENDS_SENTENCE = /[.!?]["')\]]*$/;

/** "Hello world. Bye." -> words with evenly spaced times, a longer pause after each sentence. */
export function scriptFromText(text: string, timing: ScriptTiming = {}): ScriptWord[] {
  const { startAt = 0.5, wordSec = 0.4, gapSec = 0, pauseAfterSentenceSec = 1.0, speaker, channel } = timing;
  const words: ScriptWord[] = [];
  let at = startAt;
  for (const token of text.split(/\s+/).filter(Boolean)) {
    const end = round6(at + wordSec);
    words.push({
      text: token,
      start: round6(at),
      end,
      ...(speaker === undefined ? {} : { speaker }),
      ...(channel === undefined ? {} : { channel }),
    });
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

export interface ExpectedUtterancesOptions extends ExpectedLinesOptions {
  /** The client asks for multichannel=true: each channel is transcribed on its own. Default false (one downmixed stream). */
  multichannel?: boolean;
  /** The `channels` the client declares; default: the highest channel in the script + 1. Words on channels >= this are never heard with multichannel. */
  channels?: number;
}

export interface ExpectedUtterance {
  /** The `channel_index[0]` of its Results (always 0 for one downmixed stream). */
  channel: number;
  /** The finals of the line joined by spaces (punctuated or bare as asked). */
  text: string;
  /** Start of its first word and end of its last word (seconds of audio). */
  start: number;
  end: number;
  /** Audio time of the message that ends the line: its speech_final Results, UtteranceEnd, or the CloseStream final. */
  endedAt: number;
  /** Speakers of its words (default 0) in order of first appearance, as diarize=true reports them. */
  speakers: number[];
}

/**
 * The utterances a correct client prints, in the order it prints them (by `endedAt`; on a tie,
 * lower channel first, which is also the order the server sends them). With multichannel each
 * channel has its own lines: finals of channel c accumulate until a speech_final Results or an
 * UtteranceEnd of channel c (or the end of the stream). Computed like expectedLines() (same
 * recognizer, same channel split as the server, whole script then CloseStream).
 */
export function expectedUtterances(script: readonly ScriptWord[], options: ExpectedUtterancesOptions = {}): ExpectedUtterance[] {
  const { punctuated = true, endpointingMs = DEFAULT_ENDPOINTING_MS, utteranceEndMs, maxSegmentSec = 5 } = options;
  const endpointingSec = endpointingMs === false ? null : endpointingMs / 1000;
  const utteranceEndSec = utteranceEndMs === undefined ? null : utteranceEndMs / 1000;
  const channels = options.channels ?? Math.max(0, ...script.map(channelOf)) + 1;
  const recognizers = new ChannelRecognizers(
    script,
    { interimIntervalSec: null, vadEvents: false, endpointingSec, utteranceEndSec, maxSegmentSec },
    { channels, multichannel: options.multichannel === true },
  );
  // Enough trailing silence for every pause rule to fire after the last word.
  const audioSec = Math.max(0, ...script.map((word) => word.end)) + (endpointingSec ?? 0) + (utteranceEndSec ?? 0) + 1;
  const events = [...recognizers.advance(audioSec), ...recognizers.closeStream(audioSec)];
  return utterancesOf(events, punctuated).sort((a, b) => a.endedAt - b.endedAt || a.channel - b.channel);
}

/**
 * The lines a correct client prints for one stream (no multichannel): finals accumulate, and a
 * line ends at speech_final (or UtteranceEnd when asked for) and at the end of the stream.
 * Computed by running the server's own recognizer over the whole script followed by
 * CloseStream, so it cannot drift from it. With endpointing on, Finalize calls do not change
 * the lines; with endpointing=false the lines depend on when finals come (maxSegmentSec,
 * Finalize), as with the real service. Words of every channel are heard as one stream.
 */
export function expectedLines(script: readonly ScriptWord[], options: ExpectedLinesOptions = {}): string[] {
  return expectedUtterances(script, { ...options, multichannel: false }).map((utterance) => utterance.text);
}

function utterancesOf(events: readonly ChannelHeard[], punctuated: boolean): ExpectedUtterance[] {
  const utterances: ExpectedUtterance[] = [];
  const pending = new Map<number, ScriptWord[]>();
  const endLine = (channel: number, endedAt: number): void => {
    const words = pending.get(channel) ?? [];
    pending.delete(channel);
    const [first, last] = [words[0], words.at(-1)];
    if (!first || !last) return;
    const speakers = [...new Set(words.map((word) => word.speaker ?? 0))];
    utterances.push({ channel, text: transcriptOf(words, punctuated), start: first.start, end: last.end, endedAt: round6(endedAt), speakers });
  };
  for (const {
    channelIndex: [channel],
    heard,
  } of events) {
    if (heard.type === 'Results' && heard.isFinal) pending.set(channel, [...(pending.get(channel) ?? []), ...heard.words]);
    if ((heard.type === 'Results' && heard.speechFinal) || heard.type === 'UtteranceEnd') endLine(channel, heard.at);
  }
  const lastAt = events.at(-1)?.heard.at ?? 0;
  for (const channel of [...pending.keys()].sort((a, b) => a - b)) endLine(channel, lastAt);
  return utterances;
}
