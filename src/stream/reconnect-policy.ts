// What a DeepgramConnection is told and tells, and when it reconnects: which closes, how soon, when to give up on a silent socket.
import type { PcmFormat } from '../audio/format.js';
import type { Clock } from '../audio/pacer.js';
import type { Heard } from '../transcript/heard.js';
import type { SessionOptions, WebSocketFactory } from '../deepgram/session.js';
import { settlesWithin } from '../settles-within.js';

/**
 * Drops worth a new connection: no close frame, server error, going away (a server shutting down),
 * restart, try again later, bad gateway. 1000 (done), 1008 (bad audio) and refused handshakes are not.
 */
export const RECONNECT_CODES = new Set([1001, 1006, 1011, 1012, 1013, 1014]);
/**
 * A file's replay buffer is full: Finalize is sent if no final came for this long (at --speed max
 * the buffer is full most of the time, and a Finalize on every fill would cut utterances short)...
 */
export const FINALIZE_AFTER_MS = 5_000;
/** ...and the run fails if none came this long after the Finalize. */
export const FINAL_WAIT_MS = 15_000;

/** A file's replay buffer is full: `finalize` if no final comes for FINALIZE_AFTER_MS, then `giveUp` if none comes FINAL_WAIT_MS later. */
export class FinalWait {
  private cancel: (() => void) | undefined;

  constructor(private readonly clock: Clock) {}

  arm(finalize: () => void, giveUp: () => void): void {
    if (this.cancel) return;
    this.cancel = this.clock.after(FINALIZE_AFTER_MS, () => {
      finalize();
      this.cancel = this.clock.after(FINAL_WAIT_MS, giveUp);
    });
  }

  /** A final came (or the run ends): no Finalize, no deadline. */
  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }
}

export interface ConnectionEvents {
  /** What the server said; its times are relative to the current connection. */
  heard(heard: Heard): void;
  /** `why` is given on the first attempt after a loss, empty on the attempts after it. */
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
  /** false: a busy service at the first connection is the caller's to retry (a queue of files adapts its concurrency). */
  retryOpen?: boolean;
  /** A live source keeps producing while we are down (the buffer may overflow); a file waits. */
  live: boolean;
  /** The most audio a connection may be sent, as a multiple of real time, counted from its start (a replay is paced); Infinity: unpaced. */
  paceSpeed?: number;
  random?: () => number;
  /** Every timer (stall checks, backoff, close waits) runs on it; the system clock by default. */
  clock?: Clock;
}

/** About 0.5 s doubling to 10 s, with jitter so that many clients do not come back at once. */
export function backoffMs(attempt: number, random: () => number): number {
  return Math.min(10_000, 500 * 2 ** (attempt - 1)) * (0.75 + random() * 0.5);
}

/** A connection that lived this long without a final was not a failed one (the backoff starts over); longer than a stall. */
export const STABLE_MS = 30_000;
/** Accepted connections in a row that produced no final and died young: the service is not working for us. */
export const MAX_UNPRODUCTIVE = 5;

/**
 * How long to keep reconnecting, and how soon. The `--reconnect-timeout` budget counts from the
 * last progress (a final), across reconnect cycles, so a server that accepts every connection and
 * never answers cannot keep us going; the backoff starts over only after a connection proved
 * itself (a final, or a long life), so a server that closes each one at once is not stormed.
 */
export class ReconnectBudget {
  private attempts = 0;
  private unproductive = 0;
  private lastProgressAt: number;
  private connectedAt: number;
  private productive = false;

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number,
    private readonly random: () => number,
  ) {
    this.lastProgressAt = this.connectedAt = clock.now();
  }

  /** The number of the attempt under way (counted across cycles until one succeeds for real). */
  get attempt(): number {
    return this.attempts;
  }

  /** A final arrived. */
  progress(): void {
    this.lastProgressAt = this.clock.now();
    this.productive = true;
    this.attempts = 0;
    this.unproductive = 0;
  }

  connected(): void {
    this.connectedAt = this.clock.now();
    this.productive = false;
  }

  /** The current connection is gone: why to give up now, if too many in a row did nothing. */
  lost(): string | undefined {
    if (this.productive || this.clock.now() - this.connectedAt >= STABLE_MS) {
      this.attempts = 0;
      this.unproductive = 0;
      return undefined;
    }
    this.unproductive += 1;
    return this.unproductive >= MAX_UNPRODUCTIVE ? `Deepgram accepted ${this.unproductive} connections in a row and transcribed nothing` : undefined;
  }

  /**
   * The wait before the next attempt, at least `minimumMs` (a Retry-After); undefined once that
   * would pass the budget. The first try after a working connection is at once.
   */
  nextDelay(minimumMs = 0): number | undefined {
    this.attempts += 1;
    if (this.attempts === 1) return 0;
    const delay = Math.max(minimumMs, backoffMs(this.attempts - 1, this.random));
    return this.clock.now() - this.lastProgressAt + delay > this.timeoutMs ? undefined : delay;
  }
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
