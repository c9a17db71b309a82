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

/**
 * Turns Deepgram's Results / UtteranceEnd messages into utterances. Finals accumulate until
 * speech_final, an UtteranceEnd, or the end of the stream; interims only replace the tail.
 * Pure: no I/O, no clock.
 */
export class TranscriptModel {
  private readonly pending = new Map<number, Segment[]>();
  private readonly shownInterim = new Map<number, string>();

  /** `offset` (seconds) is added to every time, keeping several connections on one timeline. */
  constructor(private offset = 0) {}

  setOffset(seconds: number): void {
    this.offset = seconds;
  }

  /** A time of the current connection on the session timeline (negative "none" values stay as they are). */
  onTimeline(seconds: number): number {
    return seconds < 0 ? seconds : seconds + this.offset;
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
    if (!results.is_final) return this.showInterim(channel, joinText([...this.segments(channel), segment]));
    if (segment.text) this.segments(channel).push(segment);
    if (results.speech_final) return this.complete(channel);
    return this.showInterim(channel, joinText(this.segments(channel)));
  }

  private complete(channel: number): TranscriptEvent[] {
    const segments = this.segments(channel);
    this.pending.delete(channel);
    this.shownInterim.delete(channel);
    if (segments.length === 0) return [];
    const first = segments[0]!;
    const last = segments[segments.length - 1]!;
    const words = segments.flatMap((segment) => segment.words);
    const confidence = words.length
      ? words.reduce((sum, word) => sum + word.confidence, 0) / words.length
      : segments.reduce((sum, segment) => sum + segment.confidence, 0) / segments.length;
    const utterance: Utterance = { text: joinText(segments), start: first.start, end: last.end, channel, confidence, words };
    return [{ type: 'final', utterance }];
  }

  private showInterim(channel: number, text: string): TranscriptEvent[] {
    if ((this.shownInterim.get(channel) ?? '') === text) return [];
    this.shownInterim.set(channel, text);
    return [{ type: 'interim', channel, text }];
  }

  private segments(channel: number): Segment[] {
    let segments = this.pending.get(channel);
    if (!segments) this.pending.set(channel, (segments = []));
    return segments;
  }

  private segmentOf(results: ResultsMessage): Segment {
    const alternative = results.channel.alternatives[0];
    const words: Word[] = (alternative?.words ?? []).map((word) => ({
      text: word.punctuated_word ?? word.word,
      start: word.start + this.offset,
      end: word.end + this.offset,
      confidence: word.confidence,
      ...(word.speaker === undefined ? {} : { speaker: word.speaker }),
    }));
    const start = words[0]?.start ?? results.start + this.offset;
    const end = words[words.length - 1]?.end ?? results.start + results.duration + this.offset;
    return { text: (alternative?.transcript ?? '').trim(), start, end, confidence: alternative?.confidence ?? 0, words };
  }
}

function joinText(segments: { text: string }[]): string {
  return segments
    .map((segment) => segment.text)
    .filter(Boolean)
    .join(' ');
}
