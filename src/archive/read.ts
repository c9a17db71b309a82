import { ArchiveUnavailable, openDatabase, whileLocked, type Database } from './database.js';
import { decodeArgs } from './event-codec.js';
import { historyPath } from './paths.js';
import { ExitCode, TranscribeError } from '../errors.js';

/** Opens the archive to read or manage it (the history commands, usage); throws ArchiveUnavailable. */
export function openHistory(env: Record<string, string | undefined>, options: { create?: boolean } = {}): { db: Database; path: string } {
  const path = historyPath(env);
  return { db: openDatabase(path, { create: options.create ?? false, waitMs: 5_000 }), path };
}

/** The archive for reading commands (history, usage): undefined when nothing was ever archived; one clear error when it cannot be read. */
export function openExistingHistory(env: Record<string, string | undefined>): { db: Database; path: string } | undefined {
  try {
    return openHistory(env);
  } catch (error) {
    if (!(error instanceof ArchiveUnavailable)) throw error;
    if (error.message.startsWith('there is no archive yet')) return undefined;
    throw new TranscribeError(
      `the history archive cannot be read: ${error.message}`,
      ExitCode.internal,
      'try again when no other transcribe is using it; transcribe history path shows where it is',
    );
  }
}

export interface SessionRow {
  id: number;
  startedAt: string;
  endedAt: string | null;
  command: string;
  mode: string;
  source: string;
  model: string | null;
  language: string | null;
  settings: string;
  audioSeconds: number | null;
  exitCode: number | null;
  reason: string | null;
  firstWords: string | null;
}

export interface TimeRange {
  /** ISO times, inclusive start, exclusive end. */
  since?: string | undefined;
  until?: string | undefined;
}

const SESSION_COLUMNS = `id, started_at AS startedAt, ended_at AS endedAt, command, mode, source, model, language, settings,
  audio_seconds AS audioSeconds, exit_code AS exitCode, reason, first_words AS firstWords`;

/** ` AND column >= ? AND column < ?` for the ends `range` has, their values pushed onto `values`. */
export function rangeSql(range: TimeRange, column: string, values: (string | number)[]): string {
  let sql = '';
  if (range.since) {
    sql += ` AND ${column} >= ?`;
    values.push(range.since);
  }
  if (range.until) {
    sql += ` AND ${column} < ?`;
    values.push(range.until);
  }
  return sql;
}

/** Sessions, newest first (`limit`), or oldest first for export (`limit` undefined). */
export function listSessions(db: Database, path: string, range: TimeRange, options: { limit?: number; source?: string } = {}): SessionRow[] {
  const values: (string | number)[] = [];
  let sql = `SELECT ${SESSION_COLUMNS} FROM sessions WHERE 1=1${rangeSql(range, 'started_at', values)}`;
  if (options.source) {
    sql += ` AND source LIKE ? ESCAPE '\\'`;
    values.push(`%${likeEscape(options.source)}%`);
  }
  sql += options.limit === undefined ? ' ORDER BY started_at, id' : ' ORDER BY started_at DESC, id DESC LIMIT ?';
  if (options.limit !== undefined) values.push(options.limit);
  return whileLocked(path, () => db.all(sql, values) as unknown as SessionRow[]);
}

export function getSession(db: Database, path: string, id: number): SessionRow | undefined {
  return whileLocked(path, () => (db.get(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = ?`, [id]) as unknown as SessionRow | null) ?? undefined);
}

export interface RecordedEvent {
  kind: string;
  args: unknown[];
}

/** Every call the session made on its output, in order. */
export function sessionEvents(db: Database, path: string, id: number): RecordedEvent[] {
  const rows = whileLocked(path, () => db.all('SELECT kind, data FROM events WHERE session_id = ? ORDER BY seq', [id]));
  return rows.map((row) => ({ kind: row.kind as string, args: decodeArgs(row.kind as string, row.data as string) }));
}

export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
