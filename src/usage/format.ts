import { table } from '../account/models-format.js';
import { PRICES_TAKEN } from './prices.js';
import type { UsageRow, UsageTotals } from './report.js';

/** Audio time as h:mm:ss (0:02:05). */
export function formatAudio(seconds: number): string {
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

/** Dollars with four decimals (an audio minute costs fractions of a cent). */
export function formatUsd(usd: number): string {
  return `$${usd.toFixed(4)}`;
}

/** Billed: the sum, "—" when nothing is known, and "*" when some requests are not billed (yet). */
function billedCell(row: Pick<UsageRow, 'billedUsd' | 'billedRequests' | 'requests'>): string {
  if (row.billedRequests === 0) return '—';
  return `${formatUsd(row.billedUsd)}${row.billedRequests < row.requests ? '*' : ''}`;
}

export function usageTable(rows: readonly UsageRow[], totals: UsageTotals): string {
  const body = rows.map((row) => [
    row.day,
    row.model,
    String(row.sessions),
    formatAudio(row.audioSeconds),
    row.estimatedUsd === undefined ? '?' : formatUsd(row.estimatedUsd),
    billedCell(row),
  ]);
  const total = ['total', '', String(totals.sessions), formatAudio(totals.audioSeconds), formatUsd(totals.estimatedUsd), billedCell(totals)];
  return table(['DAY', 'MODEL', 'SESSIONS', 'AUDIO', 'ESTIMATED', 'BILLED'], [...body, total]);
}

/** The notes under the table (stderr): what the estimate is, and what is missing. */
export function usageNotes(totals: UsageTotals): string[] {
  const notes = [
    `estimated: Deepgram's pay-as-you-go streaming list prices of ${PRICES_TAKEN}, an estimate; set your own with transcribe config set prices "nova-3=0.0077"`,
  ];
  if (totals.unpriced > 0) notes.push('?: no price for that model; add it with transcribe config set prices "<model>=<USD per minute>"');
  if (totals.billedRequests > 0 && totals.billedRequests < totals.requests)
    notes.push('*: some requests are not billed yet (Deepgram lists a request a while after it ends); run again later');
  return notes;
}

/** `--format json`: one object a line, numbers unrounded but for the cents' dust. */
export function usageNdjson(rows: readonly UsageRow[]): string {
  const round = (usd: number) => Math.round(usd * 1e6) / 1e6;
  return rows
    .map(
      (row) =>
        JSON.stringify({
          day: row.day,
          model: row.model,
          sessions: row.sessions,
          audio_seconds: Math.round(row.audioSeconds * 1000) / 1000,
          estimated_usd: row.estimatedUsd === undefined ? null : round(row.estimatedUsd),
          billed_usd: row.billedRequests === 0 ? null : round(row.billedUsd),
          billed_requests: row.billedRequests,
          requests: row.requests,
        }) + '\n',
    )
    .join('');
}
