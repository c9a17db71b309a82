import type { Deepgram } from '@deepgram/sdk';

// Type-only imports from the SDK: its shapes, none of its run-time cost.
export type ResultsMessage = Deepgram.listen.v1.ListenV1Results;
export type UtteranceEndMessage = Deepgram.listen.v1.ListenV1UtteranceEnd;
export type SpeechStartedMessage = Deepgram.listen.v1.ListenV1SpeechStarted;
export type MetadataMessage = Deepgram.listen.v1.ListenV1Metadata;
export type ResultWord = ResultsMessage['channel']['alternatives'][number]['words'][number];

export type ServerMessage =
  | { kind: 'results'; message: ResultsMessage }
  | { kind: 'utterance-end'; message: UtteranceEndMessage }
  | { kind: 'speech-started'; message: SpeechStartedMessage }
  | { kind: 'metadata'; message: MetadataMessage }
  | { kind: 'unknown'; text: string };

/** Parses one text frame. Malformed or unknown messages are returned as `unknown`, never thrown. */
export function parseServerMessage(text: string): ServerMessage {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { kind: 'unknown', text };
  }
  if (typeof data !== 'object' || data === null) return { kind: 'unknown', text };
  const type = (data as { type?: unknown }).type;
  if (type === 'Results' && isResults(data)) return { kind: 'results', message: data };
  if (type === 'UtteranceEnd') return { kind: 'utterance-end', message: data as UtteranceEndMessage };
  if (type === 'SpeechStarted') return { kind: 'speech-started', message: data as SpeechStartedMessage };
  if (type === 'Metadata') return { kind: 'metadata', message: data as MetadataMessage };
  return { kind: 'unknown', text };
}

function isResults(data: object): data is ResultsMessage {
  const channel = (data as { channel?: { alternatives?: unknown } }).channel;
  return Array.isArray(channel?.alternatives) && typeof (data as { start?: unknown }).start === 'number';
}
