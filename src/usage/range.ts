import { UsageError } from '../errors.js';
import type { UsageRange } from './source.js';

const DAY_MS = 24 * 3600 * 1000;
const SPAN = /^(\d{1,5})([dhw])$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The span `usage` covers, ending now: `--month` (since the 1st of this month, local time),
 * `--since 7d|12h|2w` (back from now) or `--since 2026-01-31` (local midnight); default 30 days.
 */
export function usageRange(flags: { month?: boolean; since?: string }, now: Date): UsageRange {
  if (flags.month && flags.since !== undefined) throw new UsageError('--month and --since both set the start', 'use one of them');
  if (flags.month) return { since: new Date(now.getFullYear(), now.getMonth(), 1), until: now };
  if (flags.since === undefined) return { since: new Date(now.getTime() - 30 * DAY_MS), until: now };
  const raw = flags.since.trim();
  const span = SPAN.exec(raw);
  if (span) {
    const unit = span[2] === 'h' ? 3600 * 1000 : span[2] === 'w' ? 7 * DAY_MS : DAY_MS;
    return { since: new Date(now.getTime() - Number(span[1]) * unit), until: now };
  }
  const date = DATE.exec(raw);
  if (date) {
    const since = new Date(Number(date[1]), Number(date[2]) - 1, Number(date[3]));
    const valid = since.getFullYear() === Number(date[1]) && since.getMonth() === Number(date[2]) - 1 && since.getDate() === Number(date[3]);
    if (valid && since.getTime() <= now.getTime()) return { since, until: now };
    if (valid) throw new UsageError(`--since ${raw} is in the future`, 'give a date up to today');
  }
  throw new UsageError(`invalid value "${flags.since}" for --since`, 'give a date (2026-01-31) or a span back from now (7d, 12h, 2w)');
}

/** The local calendar day of an instant: `2026-11-30`. */
export function localDay(instant: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${instant.getFullYear()}-${pad(instant.getMonth() + 1)}-${pad(instant.getDate())}`;
}
