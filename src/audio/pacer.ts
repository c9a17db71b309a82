export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
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
    private readonly clock: Clock = systemClock,
  ) {}

  async beforeFrame(frameSeconds: number): Promise<void> {
    this.startedAt ??= this.clock.now();
    const delay = pacingDelayMs(this.sentSeconds, this.speed, this.clock.now() - this.startedAt);
    // Timers below ~1 ms are noise; waiting for them only costs CPU.
    if (delay >= 1) await this.clock.sleep(delay);
    this.sentSeconds += frameSeconds;
  }
}
