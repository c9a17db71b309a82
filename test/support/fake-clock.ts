import type { Clock } from '../../src/audio/pacer.js';

interface Timer {
  at: number;
  fn: () => void;
  /** Set for a repeating timer. */
  every?: number;
}

/** Lets pending promise callbacks and the fake sockets' events (a few turns of the event loop) run. */
export async function settle(): Promise<void> {
  for (let turn = 0; turn < 4; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * A clock that moves only when the test says so: timers fire in order as `advance` passes their
 * time, with promises settled between them, so 15 s of stall detection takes a millisecond.
 */
export class FakeClock implements Clock {
  private time = 0;
  private timers: Timer[] = [];

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }

  after(ms: number, fn: () => void): () => void {
    return this.add({ at: this.time + Math.max(0, ms), fn });
  }

  every(ms: number, fn: () => void): () => void {
    return this.add({ at: this.time + ms, fn, every: ms });
  }

  /** Timers still waiting (cancelled ones are gone). */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing each timer due on the way at its own time. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await settle();
      const next = this.timers.reduce<Timer | undefined>(
        (soonest, timer) => (timer.at <= end && (!soonest || timer.at < soonest.at) ? timer : soonest),
        undefined,
      );
      if (!next) break;
      this.time = next.at;
      if (next.every) next.at += next.every;
      else this.timers = this.timers.filter((timer) => timer !== next);
      next.fn();
    }
    this.time = end;
    await settle();
  }

  /** Advances in `stepMs` steps until `done()` holds; throws after `limitMs` of fake time. */
  async until(done: () => boolean, limitMs = 600_000, stepMs = 10): Promise<number> {
    const from = this.time;
    while (!done()) {
      if (this.time - from >= limitMs) throw new Error(`not done after ${limitMs} ms of fake time`);
      await this.advance(stepMs);
    }
    return this.time - from;
  }

  private add(timer: Timer): () => void {
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((other) => other !== timer);
    };
  }
}
