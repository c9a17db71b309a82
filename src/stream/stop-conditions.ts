/**
 * `--stop-after` and `--stop-on-silence`: when a session ends by itself. Counted in audio time
 * (the recorder's clock: real time for a microphone), pauses included for --stop-after and not
 * for --stop-on-silence (a paused session is not listening). Pure: fed frame by frame.
 */

/** RMS level (dBFS, per frame) under which the input counts as silence: below a quiet room on a working microphone, far below speech. */
export const SILENCE_DBFS = -50;

export interface StopLimits {
  /** Seconds on the session timeline. */
  stopAfter?: number | undefined;
  /** Seconds of input below SILENCE_DBFS in a row. */
  stopOnSilence?: number | undefined;
}

export class StopConditions {
  private elapsed = 0;
  private quiet = 0;

  constructor(private readonly limits: StopLimits) {}

  /** Whether frames need a level at all (it costs a pass over the samples). */
  get needsLevel(): boolean {
    return this.limits.stopOnSilence !== undefined;
  }

  /** One frame of `seconds` at `levelDbfs` (ignored unless needsLevel); why the session should end now, if it should. */
  push(seconds: number, levelDbfs: number, paused: boolean): string | undefined {
    this.elapsed += seconds;
    const { stopAfter, stopOnSilence } = this.limits;
    if (stopAfter !== undefined && this.elapsed >= stopAfter - 1e-9) return `--stop-after ${formatSeconds(stopAfter)} reached`;
    if (stopOnSilence === undefined) return undefined;
    this.quiet = paused || levelDbfs >= SILENCE_DBFS ? 0 : this.quiet + seconds;
    if (this.quiet >= stopOnSilence - 1e-9) return `${formatSeconds(stopOnSilence)} of silence (--stop-on-silence)`;
    return undefined;
  }
}

/** `90` -> `1m30s`, `3600` -> `1h`, `2.5` -> `2.5s`. */
export function formatSeconds(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round((seconds % 60) * 1000) / 1000;
  return [h ? `${h}h` : '', m ? `${m}m` : '', s || (!h && !m) ? `${s}s` : ''].join('');
}
