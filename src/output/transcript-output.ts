import type { SessionMetadata } from '../transcript/heard.js';
import type { Utterance } from '../transcript/model.js';
import type { TurnNews } from '../transcript/turns.js';

export interface SessionInfo {
  requestId?: string;
  /** Wall-clock time of the first audio: `--timestamps wall` and captions count from here. */
  startedAt: Date;
}

export interface CloseInfo {
  exitCode: number;
  /** `end`, `interrupted`, `stdout closed`, or the error's message. */
  reason: string;
  /** Seconds of audio sent. */
  audioSeconds: number;
}

/**
 * Where a session's transcript goes, whatever the format (text lines, NDJSON events, SRT/WebVTT
 * captions). The stream calls these in order: open, then events, then close exactly once.
 */
export interface TranscriptOutput {
  open(info: SessionInfo): void;
  interim(channel: number, text: string): void;
  final(utterance: Utterance): void;
  /** A microphone line the echo filter dropped (`--capture both`): only outputs that keep every event take it. */
  echo?(utterance: Utterance): void;
  utteranceEnd(channel: number, lastWordEnd: number): void;
  speechStarted(channel: number, timestamp: number): void;
  metadata(message: SessionMetadata): void;
  /** A new connection after a drop; its audio starts at `offset` (seconds on the session timeline). */
  reconnect(attempt: number, offset: number, replayedSeconds: number): void;
  /** Seconds of audio lost during an outage. */
  gap(seconds: number): void;
  /** Steering a live session (keys): times on the session timeline. Optional: a reader that has no use for them leaves them out. */
  pause?(at: number): void;
  resume?(at: number, pausedSeconds: number): void;
  mark?(at: number): void;
  /** A turn-based engine's turn news (Flux), times on the session timeline. Optional, like the steering events. */
  turn?(turn: TurnNews): void;
  close(info: CloseInfo): void;
  /** Resolves when the reader went away (`| head -3`): the run should stop quietly. */
  readonly readerGone: Promise<void>;
}
