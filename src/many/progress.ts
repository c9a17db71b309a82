/** Where a run of many files is, for the progress line and the summary. */
export interface Tally {
  total: number;
  done: number;
  skipped: number;
  failed: number;
  /** Seconds of audio in the files done so far. */
  audioSeconds: number;
  /** Seconds of audio of the files to do, when known (estimated: "~"). */
  audioTotal?: { seconds: number; estimated: boolean } | undefined;
  /** Milliseconds since the first file started. */
  elapsedMs: number;
  inFlight: readonly string[];
}

export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Hours with the decimals the value (or `scale`) needs: `0.005`, `1.40`, `12.5`. */
const hours = (seconds: number, scale = seconds) => (seconds / 3600).toFixed(scale < 36 ? 3 : scale < 360 ? 2 : 1);

/** `1.40 h of audio`, or done/total: `1.40/~6.20 h of audio` (~: estimated). */
function audioPart({ audioSeconds, audioTotal }: Tally): string {
  if (!audioTotal) return `${hours(audioSeconds)} h of audio`;
  const scale = audioSeconds > 0 ? Math.min(audioSeconds, audioTotal.seconds) : audioTotal.seconds; // the smaller shows, and the pair matches
  return `${hours(audioSeconds, scale)}/${audioTotal.estimated ? '~' : ''}${hours(audioTotal.seconds, scale)} h of audio`;
}

/**
 * `12/200 files · 1.40/~6.20 h of audio · 2.1 h/min · ETA 3m20s · in flight: a.wav, b.wav +2`.
 * The ETA comes from the pace of files so far (skipped ones took no time and do not count).
 */
export function progressLine(tally: Tally): string {
  const finished = tally.done + tally.failed;
  const parts = [`${finished + tally.skipped}/${tally.total} files`, audioPart(tally)];
  const minutes = tally.elapsedMs / 60_000;
  if (tally.done > 0 && minutes > 0) parts.push(`${(tally.audioSeconds / 3600 / minutes).toFixed(2)} h/min`);
  const left = tally.total - finished - tally.skipped;
  if (finished > 0 && left > 0) parts.push(`ETA ${duration(((tally.elapsedMs / 1000) * left) / finished)}`);
  if (tally.inFlight.length > 0) {
    const names = tally.inFlight.slice(0, 2).join(', ');
    parts.push(`in flight: ${names}${tally.inFlight.length > 2 ? ` +${tally.inFlight.length - 2}` : ''}`);
  }
  return parts.join(' · ');
}

export interface Summary {
  done: number;
  skipped: number;
  failed: number;
  interrupted: number;
  notStarted: number;
}

/** `3 done, 2 skipped (already transcribed; --force redoes them), 1 failed, 4 not started`. */
export function summaryLine(summary: Summary): string {
  const parts = [`${summary.done} done`];
  if (summary.skipped) parts.push(`${summary.skipped} skipped (already transcribed; --force redoes them)`);
  if (summary.failed) parts.push(`${summary.failed} failed`);
  if (summary.interrupted) parts.push(`${summary.interrupted} interrupted`);
  if (summary.notStarted) parts.push(`${summary.notStarted} not started`);
  return parts.join(', ');
}
