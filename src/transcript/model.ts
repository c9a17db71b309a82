import type { Heard, HeardWord, HeardWords } from './heard.js';
import { TurnTracker, type TurnNews } from './turns.js';

export interface Word {
  text: string;
  start: number;
  end: number;
  confidence: number;
  speaker?: number;
}

/** A finished utterance on the session timeline (seconds from the start of the audio). */
export interface Utterance {
  text: string;
  start: number;
  end: number;
  channel: number;
  confidence: number;
  words: Word[];
}

export type TranscriptEvent =
  /** The current utterance as it stands: finalized words plus the interim tail. Empty text clears it. `tentative`: a turn that may be over. */
  | { type: 'interim'; channel: number; text: string; tentative?: true }
  | { type: 'final'; utterance: Utterance }
  /** A turn-based engine's turn began, may have ended, resumed, or ended (after its `final`). */
  | { type: 'turn'; turn: TurnNews };

interface Segment {
  text: string;
  start: number;
  end: number;
  confidence: number;
  words: Word[];
}

/** The finals of an utterance still open, and their text joined as they came (not again per message). */
interface Pending {
  segments: Segment[];
  text: string;
}

/**
 * The longest line: an utterance that never ends (a server that sends no speech_final nor
 * UtteranceEnd, endpointing off) ends here, about ten minutes of speech; each message costs
 * at most this much (joining every final again per message made a flood of finals quadratic).
 */
export const MAX_UTTERANCE_CHARS = 10_000;

/**
 * Turns what the engine heard into utterances. Words: finals accumulate until one ends the
 * utterance, an utterance end, the end of the stream, or MAX_UTTERANCE_CHARS; interims only
 * replace the tail. Turns (src/transcript/turns.ts): one utterance per turn. Pure: no I/O, no clock.
 */
export class TranscriptModel {
  private readonly pending = new Map<number, Pending>();
  private readonly shownInterim = new Map<number, string>();
  private readonly turns = new TurnTracker();

  /**
   * `offset` (seconds) is added to every time, keeping several connections on one timeline;
   * `timeline` then maps that audio position to the session timeline (pauses: src/stream/pause.ts).
   */
  constructor(
    private offset = 0,
    private readonly timeline: (seconds: number) => number = (seconds) => seconds,
  ) {}

  /** A new connection, whose audio starts at `seconds` on the timeline: what the old one had not settled is heard again. */
  setOffset(seconds: number): void {
    this.offset = seconds;
    this.turns.reconnected();
  }

  /** A time of the current connection on the session timeline (negative "none" values stay as they are). */
  onTimeline(seconds: number): number {
    return seconds < 0 ? seconds : this.timeline(seconds + this.offset);
  }

  apply(heard: Heard): TranscriptEvent[] {
    if (heard.kind === 'words') return this.applyWords(heard);
    if (heard.kind === 'utterance-end') return this.complete(heard.channel);
    if (heard.kind === 'turn')
      return this.turns.apply(
        heard,
        (word) => this.wordOf(word),
        (seconds) => this.onTimeline(seconds),
      );
    return [];
  }

  /**
   * End of stream: whatever was finalized becomes an utterance; v1's interim text is dropped (Deepgram
   * never confirmed it); a turn never ended keeps its last text (Flux's CloseStream does not end it).
   */
  flush(): TranscriptEvent[] {
    return [...[...this.pending.keys()].flatMap((channel) => this.complete(channel)), ...this.turns.flush()];
  }

  private applyWords(heard: HeardWords): TranscriptEvent[] {
    const { channel } = heard;
    const segment = this.segmentOf(heard);
    const pending = this.pendingOf(channel);
    if (!heard.final) return this.showInterim(channel, joinText(pending.text, segment.text));
    if (segment.text) {
      pending.segments.push(segment);
      pending.text = joinText(pending.text, segment.text);
    }
    if (heard.endsUtterance || pending.text.length >= MAX_UTTERANCE_CHARS) return this.complete(channel);
    return this.showInterim(channel, pending.text);
  }

  private complete(channel: number): TranscriptEvent[] {
    const { segments, text } = this.pendingOf(channel);
    this.pending.delete(channel);
    this.shownInterim.delete(channel);
    if (segments.length === 0) return [];
    const first = segments[0]!;
    const last = segments[segments.length - 1]!;
    const words = segments.flatMap((segment) => segment.words);
    const confidence = words.length
      ? words.reduce((sum, word) => sum + word.confidence, 0) / words.length
      : segments.reduce((sum, segment) => sum + segment.confidence, 0) / segments.length;
    const utterance: Utterance = { text, start: first.start, end: last.end, channel, confidence, words };
    return [{ type: 'final', utterance }];
  }

  private showInterim(channel: number, text: string): TranscriptEvent[] {
    if ((this.shownInterim.get(channel) ?? '') === text) return [];
    this.shownInterim.set(channel, text);
    return [{ type: 'interim', channel, text }];
  }

  private pendingOf(channel: number): Pending {
    let pending = this.pending.get(channel);
    if (!pending) this.pending.set(channel, (pending = { segments: [], text: '' }));
    return pending;
  }

  private wordOf(word: HeardWord): Word {
    return { ...word, start: this.onTimeline(word.start), end: this.onTimeline(word.end) };
  }

  private segmentOf(heard: HeardWords): Segment {
    const words = heard.words.map((word) => this.wordOf(word));
    const start = words[0]?.start ?? this.onTimeline(heard.start);
    const end = words[words.length - 1]?.end ?? this.onTimeline(heard.end);
    return { text: heard.text, start, end, confidence: heard.confidence, words };
  }
}

function joinText(before: string, after: string): string {
  return before && after ? `${before} ${after}` : before || after;
}
