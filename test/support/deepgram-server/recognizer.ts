// What the server "hears": a pure, deterministic timeline over the script, driven only by how
// many seconds of audio have arrived. No sockets, no clocks: the same audio gives the same
// events whatever the frame sizes.
import type { ScriptWord } from './types.js';

/** Float slack for comparing seconds computed from byte counts with script times. */
export const EPS = 1e-9;

export interface RecognizerSettings {
  /** Audio seconds between interims; null = interim_results off. */
  interimIntervalSec: number | null;
  /** Silence that ends an utterance (speech_final); null = endpointing=false. */
  endpointingSec: number | null;
  /** Silence after the last word that sends UtteranceEnd; null = off. */
  utteranceEndSec: number | null;
  vadEvents: boolean;
  /** A segment this long is finalized without ending the utterance. */
  maxSegmentSec: number;
}

/** `at` in every event: the audio time (seconds) at which the server sends it. */
export interface HeardResults {
  type: 'Results';
  at: number;
  start: number;
  duration: number;
  words: ScriptWord[];
  isFinal: boolean;
  speechFinal: boolean;
  fromFinalize: boolean;
}
export type Heard = HeardResults | { type: 'SpeechStarted'; at: number; timestamp: number } | { type: 'UtteranceEnd'; at: number; lastWordEnd: number };

/** The channel a script word is spoken on (default 0). */
export const channelOf = (word: ScriptWord): number => word.channel ?? 0;

/**
 * The script sorted by start (equal starts: lower channel first). Throws on words that end
 * before they start, on bad channel numbers, and on words of one channel that overlap; words
 * of different channels may overlap (crosstalk).
 */
export function checkScript(script: readonly ScriptWord[]): ScriptWord[] {
  for (const word of script) {
    if (word.end < word.start) throw new Error(`script word "${word.text}" ends before it starts`);
    if (word.channel !== undefined && !(Number.isInteger(word.channel) && word.channel >= 0)) {
      throw new Error(`script word "${word.text}" has channel ${word.channel}: use an integer >= 0`);
    }
  }
  const words = [...script].sort((a, b) => a.start - b.start || channelOf(a) - channelOf(b));
  const lastOnChannel = new Map<number, ScriptWord>();
  for (const word of words) {
    const previous = lastOnChannel.get(channelOf(word));
    if (previous && word.start < previous.end - EPS) {
      throw new Error(`script words "${previous.text}" and "${word.text}" overlap`);
    }
    lastOnChannel.set(channelOf(word), word);
  }
  return words;
}

interface TimelineEvent {
  at: number;
  run: (at: number, out: Heard[]) => void;
}

/**
 * One audio stream: one channel of a multichannel session, or the whole (downmixed) audio.
 * Words are taken in start order. When words of different channels overlap in a downmix,
 * speech goes on until the last of them ends: a word counts as ended (heard, and the start
 * of the silence after it) at the latest end among it and the words before it.
 */
export class ScriptRecognizer {
  private readonly words: ScriptWord[];
  /** heardAt[i]: when words[0..i] have all ended (words[i].end when nothing overlaps). */
  private readonly heardAt: number[];
  /** Start of the segment the next Results covers. */
  private segmentStart = 0;
  /** words[0..finalized) have been sent in finals. */
  private finalized = 0;
  /** Per-kind cursors: how many words' start / endpoint / utterance-end moments have passed. */
  private started = 0;
  private endpointsPassed = 0;
  private utteranceEndsPassed = 0;
  private interimsPassed = 0;
  /** Between SpeechStarted and the end of that utterance (speech_final or UtteranceEnd). */
  private speaking = false;
  /** Word whose UtteranceEnd is due but waits until the word is in a final. */
  private utteranceEndWaiting: number | undefined;

  constructor(
    script: readonly ScriptWord[],
    private readonly settings: RecognizerSettings,
  ) {
    if (!(settings.maxSegmentSec > 0)) throw new Error('maxSegmentSec must be > 0');
    if (settings.interimIntervalSec !== null && !(settings.interimIntervalSec > 0)) {
      throw new Error('interimIntervalSec must be > 0');
    }
    this.words = checkScript(script);
    let latest = -Infinity;
    this.heardAt = this.words.map((word) => (latest = Math.max(latest, word.end)));
  }

  /** Everything that happens on the timeline up to `audioSec`, in time order. */
  advance(audioSec: number): Heard[] {
    const out: Heard[] = [];
    for (let event = this.nextEvent(); event && event.at <= audioSec + EPS; event = this.nextEvent()) {
      event.run(event.at, out);
    }
    return out;
  }

  /** Finalize: flush what is heard as a final with from_finalize, even an empty one. */
  finalize(audioSec: number): Heard[] {
    const out = this.advance(audioSec);
    this.pushFinal(out, audioSec, { speechFinal: false, fromFinalize: true });
    return out;
  }

  /** CloseStream: the last final ends the utterance; nothing is sent for no audio at all. */
  closeStream(audioSec: number): Heard[] {
    const out = this.advance(audioSec);
    if (this.heardCount(audioSec) > this.finalized || audioSec > this.segmentStart + EPS) {
      this.pushFinal(out, audioSec, { speechFinal: true, fromFinalize: false });
    }
    return out;
  }

  /** The one utterance-splitting rule: word i ends an utterance when the next word has not started `silenceSec` after it. */
  private pauseFollows(i: number, silenceSec: number): boolean {
    const heardAt = this.heardAt[i];
    const next = this.words[i + 1];
    return heardAt !== undefined && (next === undefined || next.start > heardAt + silenceSec + EPS);
  }

  /** The earliest pending moment; on ties the first in this list goes first. */
  private nextEvent(): TimelineEvent | undefined {
    const { endpointingSec, utteranceEndSec, interimIntervalSec, maxSegmentSec } = this.settings;
    const candidates: (TimelineEvent | undefined)[] = [
      this.wordEvent(
        this.started,
        (i) => (this.words[i] as ScriptWord).start,
        (_at, out) => this.onWordStart(out),
      ),
      endpointingSec === null
        ? undefined
        : this.wordEvent(
            this.endpointsPassed,
            (i) => (this.heardAt[i] as number) + endpointingSec,
            (at, out) => this.onEndpoint(at, out),
          ),
      { at: this.segmentStart + maxSegmentSec, run: (at, out) => this.pushFinal(out, at, { speechFinal: false }) },
      utteranceEndSec === null
        ? undefined
        : this.wordEvent(
            this.utteranceEndsPassed,
            (i) => (this.heardAt[i] as number) + utteranceEndSec,
            (at, out) => this.onUtteranceEnd(at, out),
          ),
      interimIntervalSec === null ? undefined : { at: (this.interimsPassed + 1) * interimIntervalSec, run: (at, out) => this.onInterimTick(at, out) },
    ];
    let earliest: TimelineEvent | undefined;
    for (const event of candidates) if (event && (!earliest || event.at < earliest.at - EPS)) earliest = event;
    return earliest;
  }

  private wordEvent(index: number, moment: (index: number) => number, run: TimelineEvent['run']): TimelineEvent | undefined {
    return index < this.words.length ? { at: moment(index), run } : undefined;
  }

  private onWordStart(out: Heard[]): void {
    const word = this.words[this.started++] as ScriptWord;
    if (this.settings.vadEvents && !this.speaking) out.push({ type: 'SpeechStarted', at: word.start, timestamp: word.start });
    this.speaking = true;
  }

  private onEndpoint(at: number, out: Heard[]): void {
    const index = this.endpointsPassed++;
    if (!this.pauseFollows(index, this.settings.endpointingSec ?? 0)) return;
    this.pushFinal(out, at, { speechFinal: true });
    this.speaking = false;
  }

  /** Deepgram measures the gap "after the last finalized word": the UtteranceEnd never precedes that final. */
  private onUtteranceEnd(at: number, out: Heard[]): void {
    const index = this.utteranceEndsPassed++;
    if (!this.pauseFollows(index, this.settings.utteranceEndSec ?? 0)) return;
    this.speaking = false;
    this.utteranceEndWaiting = index;
    this.sendWaitingUtteranceEnd(out, at);
  }

  private sendWaitingUtteranceEnd(out: Heard[], at: number): void {
    const index = this.utteranceEndWaiting;
    if (index === undefined || index >= this.finalized) return;
    out.push({ type: 'UtteranceEnd', at, lastWordEnd: this.heardAt[index] as number });
    this.utteranceEndWaiting = undefined;
  }

  /** Interims come on a fixed audio grid, empty ones too (as in silence); none for an empty span. */
  private onInterimTick(at: number, out: Heard[]): void {
    this.interimsPassed++;
    if (at <= this.segmentStart + EPS) return;
    out.push(this.results(at, this.words.slice(this.finalized, this.heardCount(at)), { isFinal: false }));
  }

  private pushFinal(out: Heard[], at: number, flags: { speechFinal: boolean; fromFinalize?: boolean }): void {
    const heard = this.heardCount(at);
    out.push(this.results(at, this.words.slice(this.finalized, heard), { isFinal: true, ...flags }));
    this.finalized = heard;
    this.segmentStart = at;
    this.sendWaitingUtteranceEnd(out, at);
  }

  private results(end: number, words: ScriptWord[], flags: { isFinal: boolean; speechFinal?: boolean; fromFinalize?: boolean }): HeardResults {
    return {
      type: 'Results',
      at: end,
      start: this.segmentStart,
      duration: end - this.segmentStart,
      words,
      isFinal: flags.isFinal,
      speechFinal: flags.speechFinal ?? false,
      fromFinalize: flags.fromFinalize ?? false,
    };
  }

  /** Words heard by `at`: a word is heard once the audio reaches its end (see heardAt). */
  private heardCount(at: number): number {
    let count = this.finalized;
    while (count < this.words.length && (this.heardAt[count] as number) <= at + EPS) count++;
    return count;
  }
}
