// The adversarial profile: a server that is still Deepgram but as awkward as the real one may
// be. Every behaviour is seeded (the same seed and connection index give the same choices) and
// each can be switched on or off alone. README.md beside this file lists them.
import { CLOSE } from './errors.js';
import type { AdversarialOptions, DropFault } from './types.js';

export interface Adversarial {
  latency: { minMs: number; maxMs: number } | null;
  revisions: boolean;
  paceLimit: { speed: number; aheadSec: number } | null;
  brokenMessages: { messages: readonly string[]; rate: number; perMessage: number } | null;
  randomClose: { connections: number; probability: number; withinSec: number; during: readonly ('audio' | 'close-stream')[] } | null;
}

/** Known message types with a field missing or wrong: a client must ignore each of them. */
export const BROKEN_MESSAGES: readonly string[] = [
  '{"type":"Results","channel_index":[0,1],"start":0,"duration":1,"is_final":true,"speech_final":true}',
  '{"type":"Results","start":0,"duration":1,"is_final":true,"speech_final":true,"channel":{"alternatives":[{"transcript":"ghost","confidence":1,"words":[]}]}}',
  '{"type":"Results","channel_index":[0,1],"start":-3,"duration":1,"is_final":true,"speech_final":true,"channel":{"alternatives":[{"transcript":"ghost","confidence":1,"words":[]}]}}',
  '{"type":"Results","channel_index":[0,1],"start":"NaN","duration":1,"is_final":true,"speech_final":true,"channel":{"alternatives":[{"transcript":"ghost","confidence":1,"words":[]}]}}',
  '{"type":"Results","channel_index":[0,1],"start":0,"duration":1e999,"is_final":true,"speech_final":true,"channel":{"alternatives":[{"transcript":"ghost","confidence":1,"words":[]}]}}',
  '{"type":"Results","channel_index":[0,1],"start":0,"duration":1,"is_final":true,"speech_final":true,"channel":{"alternatives":[{"transcript":"ghost","confidence":1,"words":{"0":"ghost"}}]}}',
  '{"type":"Results","channel_index":[0,1],"start":0,"duration":1,"is_final":true,"speech_final":true,"channel":{"alternatives":[{"transcript":"ghost","confidence":1,"words":[{"word":"ghost","start":0,"confidence":1}]}]}}',
  '{"type":"Results","channel_index":[0,1],"start":0,"duration":1,"is_final":"true","speech_final":true,"channel":{"alternatives":[{"transcript":"ghost","confidence":1,"words":[]}]}}',
  '{"type":"Results","channel_index":[0,1],"start":0,"duration":1,"is_final":true,"speech_final":true,"channel":{"alternatives":[{"transcript":null,"confidence":1,"words":[]}]}}',
  '{"type":"UtteranceEnd","last_word_end":1}',
  '{"type":"UtteranceEnd","channel":[0,1],"last_word_end":-7}',
  '{"type":"SpeechStarted","channel":[0,1]}',
  '{"type":"Metadata","request_id":"ghost","channels":1}',
  '{"type":"Metadata","duration":-1,"request_id":"ghost","channels":1}',
];

/** Options as given -> the behaviours in force. `profile: 'adversarial'` turns every one on; a `false` turns one off. */
export function resolveAdversarial(profile: 'faithful' | 'adversarial' | undefined, options: AdversarialOptions = {}): Adversarial {
  const all = profile === 'adversarial';
  const pick = <T extends object>(value: boolean | Partial<T> | undefined, defaults: T): T | null =>
    value === false || (value === undefined && !all) ? null : { ...defaults, ...(typeof value === 'object' ? value : {}) };
  return {
    latency: pick(options.latency, { minMs: 200, maxMs: 900 }),
    revisions: options.revisions ?? all,
    paceLimit: pick(options.paceLimit, { speed: 1.25, aheadSec: 5 }),
    brokenMessages: pick(options.brokenMessages, { messages: BROKEN_MESSAGES, rate: 0.3, perMessage: 1 }),
    randomClose: pick<NonNullable<Adversarial['randomClose']>>(options.randomClose, {
      connections: 1,
      probability: 1,
      withinSec: 5,
      during: ['audio', 'close-stream'],
    }),
  };
}

/** mulberry32: small, fast, and the same numbers on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Where and how one connection is closed by `randomClose`. */
export interface ClosePlan {
  /** Close once this many audio bytes have arrived (0: at the first frame). */
  afterBytes?: number;
  /** At CloseStream: close after this many of the final messages went out (before Metadata). */
  afterFinals?: number;
  abrupt: boolean;
}

/** One connection's adversary: its own random stream (seed and connection index), its choices. */
export class Adversary {
  readonly random: () => number;
  readonly closePlan: ClosePlan | undefined;
  private firstAudioAt: number | undefined;
  private nextBroken: number | undefined;

  constructor(
    readonly behaviours: Adversarial,
    seed: number,
    index: number,
    bytesPerSecond: number,
  ) {
    this.random = seededRandom(seed * 1009 + index);
    this.closePlan = this.planClose(index, bytesPerSecond);
  }

  /** Delay of one Results message: latency after the audio it covers. */
  resultsDelayMs(fixedMs: number): number {
    const latency = this.behaviours.latency;
    return latency ? latency.minMs + this.random() * (latency.maxMs - latency.minMs) : fixedMs;
  }

  /** Broken messages to send before a real one: with chance `rate`, the next `perMessage` of the list (cyclic, from a seeded start). */
  brokenBefore(): string[] {
    const broken = this.behaviours.brokenMessages;
    if (!broken || broken.messages.length === 0 || this.random() >= broken.rate) return [];
    this.nextBroken ??= Math.floor(this.random() * broken.messages.length);
    return Array.from({ length: broken.perMessage }, () => broken.messages[this.nextBroken!++ % broken.messages.length]!);
  }

  /**
   * An interim that revises an earlier word: one of its words (not the last) is misheard; the
   * final for the span has it right. A client that appends interims instead of replacing them shows it.
   */
  revise(message: object): void {
    const results = message as {
      type?: string;
      is_final?: boolean;
      channel: { alternatives: { transcript: string; words: { word: string; punctuated_word: string }[] }[] };
    };
    if (!this.behaviours.revisions || results.type !== 'Results' || results.is_final) return;
    const alternative = results.channel.alternatives[0];
    if (!alternative || alternative.words.length < 2) return;
    const word = alternative.words[Math.floor(this.random() * (alternative.words.length - 1))]!;
    word.word = misheard(word.word);
    word.punctuated_word = misheard(word.punctuated_word);
    alternative.transcript = alternative.words.map((w) => w.punctuated_word).join(' ');
  }

  /** After an audio frame: the random close point is reached, or the audio is too far ahead of real time (1008). */
  dropNow(audioBytes: number, audioSeconds: number, now: number): DropFault | undefined {
    const plan = this.closePlan;
    if (plan?.afterBytes !== undefined && audioBytes >= plan.afterBytes) return { bytes: 0, abrupt: plan.abrupt };
    return this.paceExceeded(audioSeconds, now) ? { bytes: 0, code: CLOSE.tooFast.code, reason: CLOSE.tooFast.reason } : undefined;
  }

  /** Audio more than `aheadSec` ahead of `speed` x real time since the first frame: a strict service closes. */
  private paceExceeded(audioSeconds: number, now: number): boolean {
    const limit = this.behaviours.paceLimit;
    if (!limit) return false;
    this.firstAudioAt ??= now;
    return audioSeconds - ((now - this.firstAudioAt) / 1000) * limit.speed > limit.aheadSec;
  }

  private planClose(index: number, bytesPerSecond: number): ClosePlan | undefined {
    const close = this.behaviours.randomClose;
    if (!close || index >= close.connections || this.random() >= close.probability || close.during.length === 0) return undefined;
    const during = close.during[Math.floor(this.random() * close.during.length)];
    const abrupt = this.random() < 0.5;
    if (during === 'close-stream') return { afterFinals: Math.floor(this.random() * 3), abrupt };
    return { afterBytes: Math.floor(this.random() * close.withinSec * bytesPerSecond), abrupt };
  }
}

/** "fox" -> "fux": the first vowel shifted, so the word is wrong but still a word-like string. */
function misheard(text: string): string {
  const next: Record<string, string> = { a: 'e', e: 'i', i: 'o', o: 'u', u: 'a', A: 'E', E: 'I', I: 'O', O: 'U', U: 'A' };
  const at = text.search(/[aeiouAEIOU]/);
  return at < 0 ? `${text}h` : text.slice(0, at) + next[text[at]!]! + text.slice(at + 1);
}
