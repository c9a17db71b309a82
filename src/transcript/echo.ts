import type { Utterance } from './model.js';

/**
 * Echo: without headphones the microphone also hears the speakers, so what the system plays
 * arrives twice, once on each channel. A microphone utterance is an echo when its words, normalised,
 * are the same words the system channel said (as a whole utterance or a run of words inside one:
 * the two channels may end their utterances at different places), at times overlapping within
 * ECHO_WINDOW_SECONDS.
 */

export const ECHO_WINDOW_SECONDS = 1.5;

export interface TimedWord {
  /** Normalised: lower case, letters and digits only. */
  word: string;
  start: number;
  end: number;
}

/** "Hello, World!" -> "hello world"; apostrophes and punctuation go, so "It's" and "its" match. */
export function normaliseWord(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** An utterance's words, normalised, with their times (an utterance without word times: its text spread over its span). */
export function timedWords(utterance: Pick<Utterance, 'text' | 'start' | 'end' | 'words'>): TimedWord[] {
  const words = utterance.words.length
    ? utterance.words.map((word) => ({ word: normaliseWord(word.text), start: word.start, end: word.end }))
    : utterance.text.split(/\s+/).map((text) => ({ word: normaliseWord(text), start: utterance.start, end: utterance.end }));
  return words.filter((word) => word.word !== '');
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }, window: number) =>
  a.start <= b.end + window && b.start <= a.end + window;

/** True when `mic`'s words are a run of `system`'s words (in order, none between), and the run's times overlap the mic's within `window`. */
export function isEcho(mic: TimedWord[], system: TimedWord[], window = ECHO_WINDOW_SECONDS): boolean {
  if (mic.length === 0) return false;
  const span = { start: mic[0]!.start, end: mic[mic.length - 1]!.end };
  for (let at = 0; at + mic.length <= system.length; at++) {
    let same = true;
    for (let i = 0; i < mic.length && same; i++) same = system[at + i]!.word === mic[i]!.word;
    if (!same) continue;
    const run = { start: system[at]!.start, end: system[at + mic.length - 1]!.end };
    if (overlaps(span, run, window)) return true;
  }
  return false;
}
