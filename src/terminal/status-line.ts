import type { SteeringSnapshot } from '../stream/steering.js';

/** Level bar cells, from FLOOR_DBFS to 0 dBFS. */
const BAR_CELLS = 8;
const FLOOR_DBFS = -60;

/**
 * The status line of a steered live session, plain ASCII, e.g.
 * `listening 12:31  lag 0.8s  [####----]  ? keys`. Parts that do not fit in `columns - 1` cells
 * are left out, least useful first (the hint, the level, the lag, the time); the state always shows.
 * `flash` (what a key just did) takes the place of the lag, the level and the hint.
 */
export function statusLine(snapshot: SteeringSnapshot, columns: number, flash?: string): string {
  const state = snapshot.state === 'paused' ? 'PAUSED' : snapshot.state;
  const parts = [state, clock(snapshot.elapsed)];
  if (flash) parts.push(flash);
  else {
    if (snapshot.lag !== undefined) parts.push(`lag ${snapshot.lag.toFixed(1)}s`);
    parts.push(levelBar(snapshot.levelDbfs), '? keys');
  }
  const room = Math.max(0, columns - 1);
  while (parts.length > 1 && parts.join('  ').length > room) parts.pop();
  return parts.join('  ').slice(0, room);
}

/** `[####----]`: the RMS level from -60 to 0 dBFS. */
export function levelBar(dbfs: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, (dbfs - FLOOR_DBFS) / -FLOOR_DBFS)) * BAR_CELLS);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_CELLS - filled)}]`;
}

/** `75.4` -> `1:15`, `3725` -> `1:02:05`. */
export function clock(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
