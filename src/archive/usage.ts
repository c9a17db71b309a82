import { transaction, whileLocked, type Database } from './database.js';
import { rangeSql, type TimeRange } from './read.js';

/** What `transcribe usage` needs of one archived session. */
export interface UsageSession {
  id: number;
  /** ISO 8601. */
  startedAt: string;
  /** The model asked for (`--model`), e.g. nova-3. */
  model: string;
  /** Seconds of audio sent (for a killed run: what its connections' Metadata reported, else 0). */
  audioSeconds: number;
  /** Each connection's Deepgram request id (a reconnecting session has several). */
  requestIds: string[];
}

/** The archived sessions that started in `range` (ISO times; both optional), oldest first. */
export function usageSessions(db: Database, path: string, range: TimeRange = {}): UsageSession[] {
  const values: (string | number)[] = [];
  let sql = `SELECT s.id AS id, s.started_at AS startedAt, coalesce(s.model, '') AS model,
      coalesce(s.audio_seconds, (SELECT sum(c.audio_seconds) FROM connections c WHERE c.session_id = s.id), 0) AS audioSeconds,
      (SELECT group_concat(c.request_id, ' ') FROM connections c WHERE c.session_id = s.id) AS requestIds
    FROM sessions s WHERE 1=1${rangeSql(range, 's.started_at', values)}`;
  sql += ' ORDER BY s.started_at, s.id';
  return whileLocked(path, () => db.all(sql, values)).map((row) => ({
    id: Number(row.id),
    startedAt: row.startedAt as string,
    model: row.model as string,
    audioSeconds: Number(row.audioSeconds),
    requestIds: typeof row.requestIds === 'string' ? row.requestIds.split(' ') : [],
  }));
}

/** The billed amount in USD cached for a request id, or undefined when not fetched yet. */
export function billedCost(db: Database, path: string, requestId: string): number | undefined {
  const row = whileLocked(path, () => db.get('SELECT usd FROM billed_costs WHERE request_id = ?', [requestId]));
  return row ? Number(row.usd) : undefined;
}

/** Caches the billed amount Deepgram reported for a request id (a later fetch replaces it). */
export function saveBilledCost(db: Database, path: string, requestId: string, usd: number, fetchedAt: Date = new Date()): void {
  transaction(db, path, () =>
    db.run('INSERT OR REPLACE INTO billed_costs (request_id, usd, fetched_at) VALUES (?, ?, ?)', [requestId, usd, fetchedAt.toISOString()]),
  );
}
