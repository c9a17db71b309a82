// Checks for what Deepgram sends (live messages, batch answers): each returns the value in our
// own terms or throws Invalid with what did not fit. Strings come back sanitized.
import { sanitizeServerText } from './sanitize.js';

/** A field that does not fit; the message says which, in words that follow "... with". */
export class Invalid extends Error {}

/** More audio channels than Deepgram takes in one stream. */
export const MAX_CHANNELS = 1024;

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function object(value: unknown, name: string): Record<string, unknown> {
  if (!isObject(value)) throw new Invalid(`${name} not an object`);
  return value;
}

export function array(value: unknown, name: string): unknown[] {
  if (!Array.isArray(value)) throw new Invalid(`${name} not an array`);
  return value;
}

/** Seconds of audio: a finite number >= 0. */
export function time(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Invalid(`${name} not a time >= 0`);
  return value;
}

export function confidence(value: unknown, name: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new Invalid(`${name} not between 0 and 1`);
  return value;
}

export function flag(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw new Invalid(`${name} not true or false`);
  return value;
}

/** A string, sanitized (no control characters but tab). */
export function string(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new Invalid(`${name} not a string`);
  return sanitizeServerText(value);
}

/** A whole number from 0 to `max`. */
export function whole(value: unknown, name: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > max) throw new Invalid(`${name} not a whole number from 0 to ${max}`);
  return value as number;
}

/** A word with times (live Results and batch answers alike). */
export interface CheckedWord {
  word: string;
  start: number;
  end: number;
  confidence: number;
  punctuated_word?: string;
  speaker?: number;
}

export function word(value: unknown, name: string): CheckedWord {
  const data = object(value, name);
  const start = time(data.start, `${name}.start`);
  const end = time(data.end, `${name}.end`);
  if (end < start) throw new Invalid(`${name} ending before it starts`);
  return {
    word: string(data.word, `${name}.word`),
    start,
    end,
    confidence: confidence(data.confidence ?? 0, `${name}.confidence`),
    ...(data.punctuated_word === undefined ? {} : { punctuated_word: string(data.punctuated_word, `${name}.punctuated_word`) }),
    ...(data.speaker === undefined ? {} : { speaker: whole(data.speaker, `${name}.speaker`) }),
  };
}
