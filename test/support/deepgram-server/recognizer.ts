// What the server "hears": a pure, deterministic timeline over the script, driven only by how
// many seconds of audio have arrived. No sockets, no clocks: the same audio gives the same
// events whatever the frame sizes.
import type { ScriptWord } from './types.js';

/** Float slack for comparing seconds computed from byte counts with script times. */
const EPS = 1e-9;

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

export interface HeardResults {
  type: 'Results';
  start: number;
  duration: number;
  words: ScriptWord[];
  isFinal: boolean;
  speechFinal: boolean;
  fromFinalize: boolean;
}
export type Heard =
  | HeardResults
  | { type: 'SpeechStarted'; timestamp: number }
  | { type: 'UtteranceEnd'; lastWordEnd: number };

/**
 * The one utterance-splitting rule, shared by the server and expectedLines(): word i ends an
 * utterance for a silence of `silenceSec` when the next word has not started by then.
 */
export function pauseFollows(words: readonly ScriptWord[], i: number, silenceSec: number): boolean {
  const word = words[i];
  const next = words[i + 1];
  return word !== undefined && (next === undefined || next.start > word.end + silenceSec + EPS);
}

/** The script sorted by start; throws on words that overlap or end before they start. */
export function checkScript(script: readonly ScriptWord[]): ScriptWord[] {
  const words = [...script].sort((a, b) => a.start - b.start);
  words.forEach((word, i) => {
    const previous = words[i - 1];
    if (word.end < word.start) throw new Error(`script word "${word.text}" ends before it starts`);
    if (previous && word.start < previous.end - EPS) {
      throw new Error(`script words "${previous.text}" and "${word.text}" overlap`);
    }
  });
  return words;
}

interface TimelineEvent {
  at: number;
  run: (at: number, out: Heard[]) => void;
}

export class ScriptRecognizer {
  private readonly words: ScriptWord[];
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

  /** The earliest pending moment; on ties the first in this list goes first. */
  private nextEvent(): TimelineEvent | undefined {
    const { endpointingSec, utteranceEndSec, interimIntervalSec, maxSegmentSec } = this.settings;
    const candidates: (TimelineEvent | undefined)[] = [
      this.wordEvent(this.started, (word) => word.start, (_at, out) => this.onWordStart(out)),
      endpointingSec === null
        ? undefined
        : this.wordEvent(this.endpointsPassed, (word) => word.end + endpointingSec, (at, out) => this.onEndpoint(at, out)),
      { at: this.segmentStart + maxSegmentSec, run: (at, out) => this.pushFinal(out, at, { speechFinal: false }) },
      utteranceEndSec === null
        ? undefined
        : this.wordEvent(this.utteranceEndsPassed, (word) => word.end + utteranceEndSec, (_at, out) => this.onUtteranceEnd(out)),
      interimIntervalSec === null
        ? undefined
        : { at: (this.interimsPassed + 1) * interimIntervalSec, run: (at, out) => this.onInterimTick(at, out) },
    ];
    let earliest: TimelineEvent | undefined;
    for (const event of candidates) if (event && (!earliest || event.at < earliest.at - EPS)) earliest = event;
    return earliest;
  }

  private wordEvent(
    index: number,
    moment: (word: ScriptWord) => number,
    run: TimelineEvent['run'],
  ): TimelineEvent | undefined {
    const word = this.words[index];
    return word && { at: moment(word), run };
  }

  private onWordStart(out: Heard[]): void {
    const word = this.words[this.started++] as ScriptWord;
    if (this.settings.vadEvents && !this.speaking) out.push({ type: 'SpeechStarted', timestamp: word.start });
    this.speaking = true;
  }

  private onEndpoint(at: number, out: Heard[]): void {
    const index = this.endpointsPassed++;
    if (!pauseFollows(this.words, index, this.settings.endpointingSec ?? 0)) return;
    this.pushFinal(out, at, { speechFinal: true });
    this.speaking = false;
  }

  /** Deepgram measures the gap "after the last finalized word": the UtteranceEnd never precedes that final. */
  private onUtteranceEnd(out: Heard[]): void {
    const index = this.utteranceEndsPassed++;
    if (!pauseFollows(this.words, index, this.settings.utteranceEndSec ?? 0)) return;
    this.speaking = false;
    this.utteranceEndWaiting = index;
    this.sendWaitingUtteranceEnd(out);
  }

  private sendWaitingUtteranceEnd(out: Heard[]): void {
    const index = this.utteranceEndWaiting;
    if (index === undefined || index >= this.finalized) return;
    out.push({ type: 'UtteranceEnd', lastWordEnd: (this.words[index] as ScriptWord).end });
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
    this.sendWaitingUtteranceEnd(out);
  }

  private results(
    end: number,
    words: ScriptWord[],
    flags: { isFinal: boolean; speechFinal?: boolean; fromFinalize?: boolean },
  ): HeardResults {
    return {
      type: 'Results',
      start: this.segmentStart,
      duration: end - this.segmentStart,
      words,
      isFinal: flags.isFinal,
      speechFinal: flags.speechFinal ?? false,
      fromFinalize: flags.fromFinalize ?? false,
    };
  }

  /** Words heard by `at`: a word is heard once the audio reaches its end. */
  private heardCount(at: number): number {
    let count = this.finalized;
    while (count < this.words.length && (this.words[count] as ScriptWord).end <= at + EPS) count++;
    return count;
  }
}
