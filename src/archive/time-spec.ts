/** `--since 7d`, `--until 2026-01-01`, `--older-than 90d`: a point in time. Pure. */

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/**
 * `30m`, `12h`, `7d`, `2w` (that long before `now`), a date `2026-01-01` (local midnight) or a
 * date and time `2026-01-01T09:30`. Throws a plain Error with the reason.
 */
export function parseTimeSpec(raw: string, now: Date): Date {
  const value = raw.trim();
  const relative = /^(\d+)\s*([mhdw])$/i.exec(value);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * UNITS[relative[2]!.toLowerCase()]!);
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (date) {
    const local = new Date(Number(date[1]), Number(date[2]) - 1, Number(date[3]));
    if (local.getMonth() === Number(date[2]) - 1 && local.getDate() === Number(date[3])) return local;
  } else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(value)) {
    const parsed = new Date(value.replace(' ', 'T'));
    if (!Number.isNaN(parsed.getTime())) return parsed;
  }
  throw new Error('must be a duration such as 30m, 12h, 7d or 2w, or a date such as 2026-01-01');
}

/** Seconds as `1:02:03` or `2:03`. */
export function clockTime(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const [h, m, s] = [Math.floor(whole / 3600), Math.floor((whole % 3600) / 60), whole % 60];
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}
