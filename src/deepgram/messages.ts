import type { Deepgram } from '@deepgram/sdk';
import { sanitizeServerText, serverSnippet } from './sanitize.js';
import { confidence, flag, Invalid, isObject, MAX_CHANNELS, string, time, whole, word, type CheckedWord } from './validate.js';

/** Deepgram's wire shape of a Results message (type only, from the SDK): what tests build. */
export type DeepgramResults = Deepgram.listen.v1.ListenV1Results;

// Our own shapes, produced only by parseServerMessage: every time finite and >= 0, every
// string sanitized, every array bounded. The transcript model and the outputs trust them.
export type ResultWord = CheckedWord;
export interface ResultsMessage {
  type: 'Results';
  /** [channel, channel count] */
  channel_index: [number, number];
  start: number;
  duration: number;
  is_final: boolean;
  speech_final: boolean;
  from_finalize?: boolean;
  /** At most one alternative (the first: the only one we use). */
  channel: { alternatives: { transcript: string; confidence: number; words: ResultWord[] }[] };
}
export interface UtteranceEndMessage {
  type: 'UtteranceEnd';
  channel: [number, number];
  /** -1: nothing pending. */
  last_word_end: number;
}
export interface SpeechStartedMessage {
  type: 'SpeechStarted';
  channel: [number, number];
  timestamp: number;
}
export interface MetadataMessage {
  type: 'Metadata';
  request_id: string;
  duration: number;
  channels: number;
  models?: string[];
  created?: string;
}

export type ServerMessage =
  | { kind: 'results'; message: ResultsMessage }
  | { kind: 'utterance-end'; message: UtteranceEndMessage }
  | { kind: 'speech-started'; message: SpeechStartedMessage }
  | { kind: 'metadata'; message: MetadataMessage }
  /** Not JSON, an unknown type, or a known type with missing or wrong fields (`reason`). `text`: its start, sanitized. */
  | { kind: 'unknown'; text: string; reason: string };

/**
 * More words than any real Results holds: one covers a few seconds of audio (at most a
 * segment of about 30 s after a Finalize), a few words a second. Bigger is a broken server.
 */
export const MAX_WORDS_PER_RESULTS = 10_000;

/** Parses one text frame. Malformed or unknown messages are returned as `unknown`, never thrown. */
export function parseServerMessage(text: string): ServerMessage {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { kind: 'unknown', text: serverSnippet(text), reason: 'not JSON' };
  }
  if (!isObject(data)) return { kind: 'unknown', text: serverSnippet(text), reason: 'not a JSON object' };
  try {
    switch (data.type) {
      case 'Results':
        return { kind: 'results', message: results(data) };
      case 'UtteranceEnd':
        return {
          kind: 'utterance-end',
          message: { type: 'UtteranceEnd', channel: channelPair(data.channel, 'channel'), last_word_end: lastWordEnd(data.last_word_end) },
        };
      case 'SpeechStarted':
        return {
          kind: 'speech-started',
          message: { type: 'SpeechStarted', channel: channelPair(data.channel, 'channel'), timestamp: time(data.timestamp, 'timestamp') },
        };
      case 'Metadata':
        return { kind: 'metadata', message: metadata(data) };
      default:
        return { kind: 'unknown', text: serverSnippet(text), reason: 'unknown type' };
    }
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    return { kind: 'unknown', text: serverSnippet(text), reason: `${String(data.type)} with ${error.message}` };
  }
}

function results(data: Record<string, unknown>): ResultsMessage {
  const channel = data.channel;
  if (!isObject(channel) || !Array.isArray(channel.alternatives)) throw new Invalid('channel.alternatives missing');
  const first: unknown = channel.alternatives[0];
  const alternatives = first === undefined ? [] : [alternative(first)];
  return {
    type: 'Results',
    channel_index: channelPair(data.channel_index, 'channel_index'),
    start: time(data.start, 'start'),
    duration: time(data.duration, 'duration'),
    is_final: flag(data.is_final, 'is_final'),
    speech_final: flag(data.speech_final ?? false, 'speech_final'),
    ...(data.from_finalize === undefined ? {} : { from_finalize: flag(data.from_finalize, 'from_finalize') }),
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

function metadata(data: Record<string, unknown>): MetadataMessage {
  const channels = data.channels ?? 1;
  const models = Array.isArray(data.models)
    ? data.models
        .filter((model): model is string => typeof model === 'string')
        .slice(0, 16)
        .map(sanitizeServerText)
    : undefined;
  return {
    type: 'Metadata',
    request_id: string(data.request_id, 'request_id'),
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
