/**
 * How many requests may be in flight: additive increase, multiplicative decrease. A 429 halves
 * the limit (from what was in flight) and, with Retry-After, pauses every start until then; each
 * success adds one back, up to --jobs. Only one decrease per round: a burst of 429s from requests
 * started before the last decrease does not halve it again and again.
 */
export class Aimd {
  private current: number;
  private round = 0;
  private pausedUntil = -Infinity;

  constructor(
    private readonly max: number,
    private readonly now: () => number,
  ) {
    this.current = max;
  }

  get limit(): number {
    return this.current;
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
    this.current = Math.min(this.max, this.current + 1);
  }

  /** A request of round `token` was refused as too many (429), with `inFlight` running when it was. */
  busy(token: number, inFlight: number, retryAfterMs?: number): void {
    if (retryAfterMs !== undefined) this.pausedUntil = Math.max(this.pausedUntil, this.now() + retryAfterMs);
    if (token !== this.round) return;
    this.round += 1;
    this.current = Math.max(1, Math.floor(Math.min(this.current, inFlight) / 2));
  }
}
