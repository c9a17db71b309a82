/**
 * How many requests may be in flight: additive increase, multiplicative decrease. A 429 halves
 * the limit (from what was in flight) and, with Retry-After, pauses every start until then; each
 * success adds one back, up to --jobs. Only one decrease per round: a burst of 429s from requests
 * started before the last decrease does not halve it again and again.
 *
 * Against a hard account limit, growing by one per success straight back into the 429 makes a
 * sawtooth between half the limit and the limit: about 0.72x of it on average (measured). So the
 * count at the last 429 is remembered: one per success up to just below it, then one per
 * PROBE_ROUNDS rounds of successes above it (probing, as TCP's congestion avoidance does), so
 * that the limit is met again seldom and the run stays near it.
 */
/** Above the count of the last 429, one more in flight per this many rounds (a round: `limit` successes). */
export const PROBE_ROUNDS = 4;

export class Aimd {
  private current: number;
  private round = 0;
  private pausedUntil = -Infinity;
  /** In flight when the last 429 came: the account's limit as learned (Infinity: none yet). */
  private refusedAt = Infinity;
  /** Successes since the last increase, above refusedAt - 1. */
  private credit = 0;

  constructor(
    private readonly max: number,
    private readonly now: () => number,
  ) {
    this.current = max;
  }

  get limit(): number {
    return this.current;
  }

  /** The most it ever allows (--jobs). */
  get ceiling(): number {
    return this.max;
  }

  /** When starts may resume after a Retry-After (-Infinity: not paused). */
  get resumeAt(): number {
    return this.pausedUntil;
  }

  /** How many more may start now, with `inFlight` running. */
  room(inFlight: number): number {
    if (this.now() < this.pausedUntil) return 0;
    return Math.max(0, this.current - inFlight);
  }

  /** A request starts: the token says which round it belongs to. */
  start(): number {
    return this.round;
  }

  success(): void {
    if (this.current < this.refusedAt - 1) this.current = Math.min(this.max, this.current + 1);
    else if (++this.credit >= this.current * PROBE_ROUNDS) {
      this.credit = 0;
      this.current = Math.min(this.max, this.current + 1);
    }
  }

  /** A request of round `token` was refused as too many (429), with `inFlight` running when it was. */
  busy(token: number, inFlight: number, retryAfterMs?: number): void {
    if (retryAfterMs !== undefined) this.pausedUntil = Math.max(this.pausedUntil, this.now() + retryAfterMs);
    if (token !== this.round) return;
    this.round += 1;
    this.refusedAt = Math.max(1, Math.min(this.current, inFlight));
    this.current = Math.max(1, Math.floor(this.refusedAt / 2));
    this.credit = 0;
  }
}
