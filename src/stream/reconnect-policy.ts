// What a DeepgramConnection is told and tells, and when it reconnects: which closes, how soon, when to give up on a silent socket.
import type { PcmFormat } from '../audio/format.js';
import type { Clock } from '../audio/pacer.js';
import type { ServerMessage } from '../deepgram/messages.js';
import type { SessionOptions, WebSocketFactory } from '../deepgram/session.js';
import { settlesWithin } from '../settles-within.js';

/** Drops worth a new connection; 1000 (done), 1008 (bad audio) and refused handshakes are not. */
export const RECONNECT_CODES = new Set([1006, 1011, 1012, 1013]);
/** Audio sent and nothing heard for this long: a half-open socket. */
export const STALL_MS = 15_000;

export interface ConnectionEvents {
  /** A server message; its times are relative to the current connection. */
  message(message: ServerMessage): void;
  reconnecting(attempt: number, why: string): void;
  /** Called before the replay is sent, so that times of the new connection can be shifted by `offsetSeconds`. */
  reconnected(info: { attempt: number; offsetSeconds: number; replayedSeconds: number; downSeconds: number }): void;
  /** Audio dropped from the replay buffer during a long outage: it will never be transcribed. */
  gap(seconds: number): void;
}

export interface ConnectionOptions {
  session: SessionOptions;
  factory: WebSocketFactory;
  format: PcmFormat;
  /** Audio held for a replay (default 60 s). */
  bufferSeconds: number;
  /** Give up reconnecting after this long; 0: never reconnect. */
  reconnectTimeoutMs: number;
  /** A live source keeps producing while we are down (the buffer may overflow); a file waits. */
  live: boolean;
  random?: () => number;
  /** Every timer (stall checks, backoff, close waits) runs on it; the system clock by default. */
  clock?: Clock;
}

/** About 0.5 s doubling to 10 s, with jitter so that many clients do not come back at once. */
export function backoffMs(attempt: number, random: () => number): number {
  return Math.min(10_000, 500 * 2 ** (attempt - 1)) * (0.75 + random() * 0.5);
}

/** The reason closeStream gives when it stopped waiting for a reconnection. */
export const STILL_RECONNECTING = 'still reconnecting';

/** A stop request (Ctrl+C) that a wait for a reconnection honours: after it, at most `graceMs` more. */
export class StopRequest {
  private request: (graceMs: number) => void = () => {};
  private readonly requested = new Promise<number>((resolve) => (this.request = resolve));

  stop(graceMs: number): void {
    this.request(graceMs);
  }

  /** Whether `reconnecting` settles within `limitMs`, or within the grace once stop() is called. */
  waitFor(reconnecting: Promise<unknown> | undefined, limitMs: number, clock?: Clock): Promise<boolean> {
    return Promise.race([settlesWithin(reconnecting, limitMs, clock), this.requested.then((graceMs) => settlesWithin(reconnecting, graceMs, clock))]);
  }
}
