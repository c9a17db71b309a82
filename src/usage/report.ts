// `usage` as data: sessions grouped by local day and model, with the estimate and what Deepgram billed.
import { pricePerMinute, type PriceTable } from './prices.js';
import { localDay } from './range.js';
import type { UsageSession } from './source.js';

export interface UsageRow {
  day: string;
  model: string;
  sessions: number;
  audioSeconds: number;
  /** Audio minutes x the model's price; undefined when no price fits the model. */
  estimatedUsd: number | undefined;
  /** Sum of the billed amounts known (see billedRequests of requests). */
  billedUsd: number;
  billedRequests: number;
  requests: number;
}

/** Rows sorted by day, then model; `billed` gives a request's billed USD when known. */
export function usageRows(sessions: Iterable<UsageSession>, billed: (requestId: string) => number | undefined, prices: PriceTable): UsageRow[] {
  const rows = new Map<string, UsageRow>();
  for (const session of sessions) {
    const started = new Date(session.startedAt);
    if (Number.isNaN(started.getTime())) continue;
    const day = localDay(started);
    const model = session.model || 'unknown';
    const key = `${day}\u0000${model}`;
    const price = pricePerMinute(model, prices);
    const row = rows.get(key) ?? {
      day,
      model,
      sessions: 0,
      audioSeconds: 0,
      estimatedUsd: price === undefined ? undefined : 0,
      billedUsd: 0,
      billedRequests: 0,
      requests: 0,
    };
    const seconds = Number.isFinite(session.audioSeconds) && session.audioSeconds > 0 ? session.audioSeconds : 0;
    row.sessions += 1;
    row.audioSeconds += seconds;
    if (row.estimatedUsd !== undefined && price !== undefined) row.estimatedUsd += (seconds / 60) * price;
    for (const id of new Set(session.requestIds)) {
      row.requests += 1;
      const usd = billed(id);
      if (usd !== undefined) {
        row.billedUsd += usd;
        row.billedRequests += 1;
      }
    }
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => a.day.localeCompare(b.day) || a.model.localeCompare(b.model));
}

export interface UsageTotals {
  sessions: number;
  audioSeconds: number;
  /** Only rows with a price; `unpriced` counts the others. */
  estimatedUsd: number;
  unpriced: number;
  billedUsd: number;
  billedRequests: number;
  requests: number;
}

export function usageTotals(rows: readonly UsageRow[]): UsageTotals {
  const totals: UsageTotals = { sessions: 0, audioSeconds: 0, estimatedUsd: 0, unpriced: 0, billedUsd: 0, billedRequests: 0, requests: 0 };
  for (const row of rows) {
    totals.sessions += row.sessions;
    totals.audioSeconds += row.audioSeconds;
    if (row.estimatedUsd === undefined) totals.unpriced += 1;
    else totals.estimatedUsd += row.estimatedUsd;
    totals.billedUsd += row.billedUsd;
    totals.billedRequests += row.billedRequests;
    totals.requests += row.requests;
  }
  return totals;
}
