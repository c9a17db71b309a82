import type { ResultsMessage, ServerMessage } from '../deepgram/messages.js';

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
  /** The current utterance as it stands: finalized words plus the interim tail. Empty text clears it. */
  { type: 'interim'; channel: number; text: string } | { type: 'final'; utterance: Utterance };

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
 * Turns Deepgram's Results / UtteranceEnd messages into utterances. Finals accumulate until
 * speech_final, an UtteranceEnd, the end of the stream, or MAX_UTTERANCE_CHARS; interims only
 * replace the tail. Pure: no I/O, no clock.
 */
export class TranscriptModel {
  private readonly pending = new Map<number, Pending>();
  private readonly shownInterim = new Map<number, string>();

  /**
   * `offset` (seconds) is added to every time, keeping several connections on one timeline;
   * `timeline` then maps that audio position to the session timeline (pauses: src/stream/pause.ts).
   */
  constructor(
    private offset = 0,
    private readonly timeline: (seconds: number) => number = (seconds) => seconds,
  ) {}

  setOffset(seconds: number): void {
    this.offset = seconds;
  }

  /** A time of the current connection on the session timeline (negative "none" values stay as they are). */
  onTimeline(seconds: number): number {
    return seconds < 0 ? seconds : this.timeline(seconds + this.offset);
  }

  apply(message: ServerMessage): TranscriptEvent[] {
    if (message.kind === 'results') return this.applyResults(message.message);
    if (message.kind === 'utterance-end') return this.complete(message.message.channel[0] ?? 0);
    return [];
  }

  /** End of stream: whatever was finalized becomes an utterance; interim text is dropped (Deepgram never confirmed it). */
  flush(): TranscriptEvent[] {
    return [...this.pending.keys()].flatMap((channel) => this.complete(channel));
  }

  private applyResults(results: ResultsMessage): TranscriptEvent[] {
    const channel = results.channel_index[0] ?? 0;
    const segment = this.segmentOf(results);
    const pending = this.pendingOf(channel);
    if (!results.is_final) return this.showInterim(channel, joinText(pending.text, segment.text));
    if (segment.text) {
      pending.segments.push(segment);
      pending.text = joinText(pending.text, segment.text);
    }
    if (results.speech_final || pending.text.length >= MAX_UTTERANCE_CHARS) return this.complete(channel);
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

  private segmentOf(results: ResultsMessage): Segment {
    const alternative = results.channel.alternatives[0];
    const words: Word[] = (alternative?.words ?? []).map((word) => ({
      text: word.punctuated_word ?? word.word,
      start: this.onTimeline(word.start),
      end: this.onTimeline(word.end),
      confidence: word.confidence,
      ...(word.speaker === undefined ? {} : { speaker: word.speaker }),
    }));
    const start = words[0]?.start ?? this.onTimeline(results.start);
    const end = words[words.length - 1]?.end ?? this.onTimeline(results.start + results.duration);
    return { text: (alternative?.transcript ?? '').trim(), start, end, confidence: alternative?.confidence ?? 0, words };
  }
}

function joinText(before: string, after: string): string {
  return before && after ? `${before} ${after}` : before || after;
}
