/**
 * How a recorded call's arguments are stored: JSON, numbers rounded to the millisecond (as the
 * NDJSON output rounds them), and a final's words as arrays rather than objects (the word
 * objects' keys would otherwise be most of the archive). Pure.
 */
import type { Utterance, Word } from '../transcript/model.js';

type PackedWord = [text: string, start: number, end: number, confidence: number, speaker?: number];
interface PackedUtterance {
  text: string;
  start: number;
  end: number;
  channel: number;
  confidence: number;
  words: PackedWord[];
}

function round3(value: number): number {
  const rounded = Math.round(value * 1000) / 1000;
  return Object.is(rounded, -0) ? 0 : rounded;
}

const rounding = (_key: string, value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? round3(value) : value);

export function encodeArgs(method: string, args: unknown[]): string {
  if (method !== 'final') return JSON.stringify(args, rounding);
  const utterance = args[0] as Utterance;
  const packed: PackedUtterance = {
    text: utterance.text,
    start: round3(utterance.start),
    end: round3(utterance.end),
    channel: utterance.channel,
    confidence: round3(utterance.confidence),
    words: utterance.words.map((word) => {
      const values: PackedWord = [word.text, round3(word.start), round3(word.end), round3(word.confidence)];
      if (word.speaker !== undefined) values.push(word.speaker);
      return values;
    }),
  };
  return JSON.stringify([packed]);
}

export function decodeArgs(method: string, json: string): unknown[] {
  const args = JSON.parse(json) as unknown[];
  if (method === 'metadata') return [metadataOf(args[0])];
  if (method !== 'final') return args;
  const packed = args[0] as PackedUtterance;
  const words = packed.words.map(([text, start, end, confidence, speaker]): Word => ({
    text,
    start,
    end,
    confidence,
    ...(speaker === undefined ? {} : { speaker }),
  }));
  return [{ ...packed, words } satisfies Utterance];
}

/** A session's metadata; sessions archived before 2026-12-02 kept Deepgram's own field name (`request_id`). */
function metadataOf(value: unknown): unknown {
  const old = value as { request_id?: unknown; requestId?: unknown } | undefined;
  if (!old || old.requestId !== undefined || old.request_id === undefined) return value;
  const { request_id: requestId, ...rest } = old;
  return { ...rest, requestId };
}
