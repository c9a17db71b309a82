/**
 * Pausing a live session: no audio is sent while paused, yet the transcript's times stay on the
 * real-time timeline. Deepgram's clock (and so the session's audio positions) stops while nothing
 * is sent, so each pause is kept as where it began in the audio sent and how much audio was held
 * back; a time after that point moves on by that much. Positions in the audio sent survive a
 * reconnection (its offset is also counted in audio sent), so both shifts add up. Pure: no clock.
 */
export class PauseTimeline {
  /** Pauses in order: the audio position (seconds sent) where each began and the seconds held back. */
  private readonly pauses: { at: number; seconds: number }[] = [];
  private current: { at: number; seconds: number } | undefined;
  /** Seconds held back by every pause so far, the current one included. */
  private held = 0;

  get paused(): boolean {
    return this.current !== undefined;
  }

  /** Starts a pause at `sentSeconds` of audio sent; false if already paused. */
  pause(sentSeconds: number): boolean {
    if (this.current) return false;
    this.current = { at: sentSeconds, seconds: 0 };
    this.pauses.push(this.current);
    return true;
  }

  /** Ends the pause; the seconds it held back, or undefined if not paused. */
  resume(): number | undefined {
    const ended = this.current;
    this.current = undefined;
    return ended?.seconds;
  }

  /** Audio captured while paused: not sent, but its time passes. */
  hold(seconds: number): void {
    if (!this.current) return;
    this.current.seconds += seconds;
    this.held += seconds;
  }

  /** Seconds of audio sent -> seconds on the timeline: every pause that began before it counts. Negative "none" values stay. */
  map(sentSeconds: number): number {
    if (sentSeconds < 0 || this.pauses.length === 0) return sentSeconds;
    let shift = 0;
    for (const pause of this.pauses) {
      if (pause.at >= sentSeconds) break;
      shift += pause.seconds;
    }
    return sentSeconds + shift;
  }

  /** Now on the timeline, `sentSeconds` having been sent: every pause counts, the current one too. */
  now(sentSeconds: number): number {
    return sentSeconds + this.held;
  }
}
