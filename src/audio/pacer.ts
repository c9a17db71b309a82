/** Time for the streaming core: every timer goes through it, so tests can run 15 s in a millisecond. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Calls `fn` once after `ms`; returns the function that cancels it. */
  after(ms: number, fn: () => void): () => void;
  /** Calls `fn` every `ms` without keeping the process alive (KeepAlive, stall checks); returns the cancel function. */
  every(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

/**
 * Milliseconds to wait before sending more audio so that the audio sent so far never runs ahead of
 * `speed` x the wall time since the first frame. A producer slower than that is never delayed.
 */
export function pacingDelayMs(sentSeconds: number, speed: number, elapsedMs: number): number {
  if (!Number.isFinite(speed)) return 0;
  return Math.max(0, (sentSeconds / speed) * 1000 - elapsedMs);
}

/** Holds each frame back until the audio before it fits within `speed` x real time. */
export class Pacer {
  private startedAt: number | undefined;
  private sentSeconds = 0;

  constructor(
    private readonly speed: number,
    private readonly clock: Pick<Clock, 'now' | 'sleep'> = systemClock,
  ) {}

  async beforeFrame(frameSeconds: number): Promise<void> {
    const delay = this.reserve(frameSeconds);
    if (delay > 0) await this.clock.sleep(delay);
  }

  /**
   * Counts a frame as sent and returns how long to wait before sending it (0: at once). The
   * synchronous form of beforeFrame, for a caller that makes no promise when there is no wait.
   */
  reserve(frameSeconds: number): number {
    if (this.speed === Number.POSITIVE_INFINITY) return 0; // --speed max: no clock to read
    this.startedAt ??= this.clock.now();
    const delay = pacingDelayMs(this.sentSeconds, this.speed, this.clock.now() - this.startedAt);
    this.sentSeconds += frameSeconds;
    // Timers below ~1 ms are noise; waiting for them only costs CPU.
    return delay >= 1 ? delay : 0;
  }
}
