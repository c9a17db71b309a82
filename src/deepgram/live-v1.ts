import type { Deepgram } from '@deepgram/sdk';
import type { Heard, HeardMetadata, HeardUnknown, HeardWord, HeardWords } from '../transcript/heard.js';
import { sanitizeServerText, serverSnippet } from './sanitize.js';
import { confidence, flag, Invalid, isObject, MAX_CHANNELS, string, time, whole, word, type CheckedWord } from './validate.js';

/** Deepgram's wire shape of a Results message (type only, from the SDK): what tests build. */
export type DeepgramResults = Deepgram.listen.v1.ListenV1Results;

// Deepgram's live v1 messages (/v1/listen), checked: every time finite and >= 0, every string
// sanitized, every array bounded, then said in the project's own terms (src/transcript/heard.ts).
type ResultWord = CheckedWord;
interface ResultsMessage {
  channel_index: [number, number];
  start: number;
  duration: number;
  is_final: boolean;
  speech_final: boolean;
  /** At most one alternative (the first: the only one we use). */
  channel: { alternatives: { transcript: string; confidence: number; words: ResultWord[] }[] };
}

/**
 * More words than any real Results holds: one covers a few seconds of audio (at most a
 * segment of about 30 s after a Finalize), a few words a second. Bigger is a broken server.
 */
export const MAX_WORDS_PER_RESULTS = 10_000;

/**
 * Parses one text frame of /v1/listen into what was heard. Malformed or unknown messages come back
 * as `unknown`, never thrown. A final also says how far the audio is settled (`confirmed`).
 */
export function parseLiveV1(text: string): Heard[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return [unknown(text, 'not JSON')];
  }
  if (!isObject(data)) return [unknown(text, 'not a JSON object')];
  try {
    switch (data.type) {
      case 'Results':
        return heardResults(results(data));
      case 'UtteranceEnd': {
        const end = lastWordEnd(data.last_word_end);
        return [{ kind: 'utterance-end', channel: channelPair(data.channel, 'channel')[0], ...(end < 0 ? {} : { lastWordEnd: end }) }];
      }
      case 'SpeechStarted':
        return [{ kind: 'speech-started', channel: channelPair(data.channel, 'channel')[0], at: time(data.timestamp, 'timestamp') }];
      case 'Metadata':
        return [metadata(data)];
      default:
        return [unknown(text, 'unknown type')];
    }
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    return [unknown(text, `${String(data.type)} with ${error.message}`)];
  }
}

function unknown(text: string, reason: string): HeardUnknown {
  return { kind: 'unknown', text: serverSnippet(text), reason };
}

function heardResults(message: ResultsMessage): Heard[] {
  const alternative = message.channel.alternatives[0];
  const words: HeardWord[] = (alternative?.words ?? []).map((word) => ({
    text: word.punctuated_word ?? word.word,
    start: word.start,
    end: word.end,
    confidence: word.confidence,
    ...(word.speaker === undefined ? {} : { speaker: word.speaker }),
  }));
  const heard: HeardWords = {
    kind: 'words',
    channel: message.channel_index[0],
    final: message.is_final,
    endsUtterance: message.is_final && message.speech_final,
    start: message.start,
    end: message.start + message.duration,
    text: (alternative?.transcript ?? '').trim(),
    confidence: alternative?.confidence ?? 0,
    words,
  };
  if (!message.is_final) return [heard];
  // A final covers its audio up to its last word. One without words only shows that nothing was
  // said before its start: a word may already be under way at its end, and a replay cut there would cut it.
  return [heard, { kind: 'confirmed', until: words.length ? words[words.length - 1]!.end : message.start }];
}

function results(data: Record<string, unknown>): ResultsMessage {
  const channel = data.channel;
  if (!isObject(channel) || !Array.isArray(channel.alternatives)) throw new Invalid('channel.alternatives missing');
  const first: unknown = channel.alternatives[0];
  const alternatives = first === undefined ? [] : [alternative(first)];
  return {
    channel_index: channelPair(data.channel_index, 'channel_index'),
    start: time(data.start, 'start'),
    duration: time(data.duration, 'duration'),
    is_final: flag(data.is_final, 'is_final'),
    speech_final: flag(data.speech_final ?? false, 'speech_final'),
    channel: { alternatives },
  };
}

function alternative(data: unknown): ResultsMessage['channel']['alternatives'][number] {
  if (!isObject(data)) throw new Invalid('alternatives[0] not an object');
  const words = data.words ?? [];
  if (!Array.isArray(words)) throw new Invalid('words not an array');
  if (words.length > MAX_WORDS_PER_RESULTS) throw new Invalid(`${words.length} words (at most ${MAX_WORDS_PER_RESULTS})`);
  return {
    transcript: string(data.transcript, 'transcript'),
    confidence: confidence(data.confidence ?? 0, 'confidence'),
    words: words.map((item, index) => word(item, `words[${index}]`)),
  };
}

function metadata(data: Record<string, unknown>): HeardMetadata {
  const channels = data.channels ?? 1;
  const models = Array.isArray(data.models)
    ? data.models
        .filter((model): model is string => typeof model === 'string')
        .slice(0, 16)
        .map(sanitizeServerText)
    : undefined;
  return {
    kind: 'metadata',
    requestId: string(data.request_id, 'request_id'),
    duration: time(data.duration, 'duration'),
    channels: whole(channels, 'channels', MAX_CHANNELS),
    ...(models ? { models } : {}),
    ...(typeof data.created === 'string' ? { created: sanitizeServerText(data.created) } : {}),
  };
}

/** `[channel, count]`, each a whole number up to MAX_CHANNELS. */
function channelPair(value: unknown, name: string): [number, number] {
  if (!Array.isArray(value) || value.length < 1) throw new Invalid(`${name} missing`);
  const [channel, count = 1] = value as unknown[];
  return [whole(channel, `${name}[0]`, MAX_CHANNELS), whole(count, `${name}[1]`, MAX_CHANNELS)];
}

/** -1 is Deepgram's "nothing pending"; anything else is a time. */
function lastWordEnd(value: unknown): number {
  return value === -1 ? -1 : time(value, 'last_word_end');
}
