/** Times as people and caption files write them. Pure: the only clock is the Date you pass in. */

/** Whole milliseconds, never negative: the resolution of every timecode we print. */
export function toMilliseconds(seconds: number): number {
  return Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : 0;
}

/**
 * `72.48` -> `00:01:12.480`: hours, minutes, seconds and milliseconds from the session start.
 * SRT wants `,` before the milliseconds, WebVTT and text lines `.`. Hours grow past 99 if they
 * must; negative or non-finite input prints as zero.
 */
export function formatTimecode(seconds: number, separator: '.' | ',' = '.'): string {
  const ms = toMilliseconds(seconds);
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor(ms / 60_000) % 60;
  const secs = Math.floor(ms / 1000) % 60;
  return `${pad(hours, 2)}:${pad(minutes, 2)}:${pad(secs, 2)}${separator}${pad(ms % 1000, 3)}`;
}

/** Formats a moment as a clock reading; injectable so tests need no time zone. */
export type ClockFormatter = (date: Date) => string;

/** `14:03:55` in the process's local time zone (what the user's own clock shows). */
export const formatLocalClock: ClockFormatter = (date) => `${pad(date.getHours(), 2)}:${pad(date.getMinutes(), 2)}:${pad(date.getSeconds(), 2)}`;

/** `14:03:55` in UTC. */
export const formatUtcClock: ClockFormatter = (date) => `${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}`;

/** The wall-clock moment at which `offset` seconds of the session had been spoken. */
export function wallTime(startedAt: Date, offset: number): Date {
  return new Date(startedAt.getTime() + toMilliseconds(offset));
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
