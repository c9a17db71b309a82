import { whileLocked, type Database } from './database.js';
import { likeEscape, type TimeRange } from './read.js';

/** Marks around a match in a snippet (private-use characters: never control characters). */
export const MATCH_START = '\ue000';
export const MATCH_END = '\ue001';

export interface SearchFilters extends TimeRange {
  speaker?: string | undefined;
  source?: string | undefined;
  limit: number;
}

export interface SearchHit {
  session: number;
  startedAt: string;
  source: string;
  start: number;
  end: number;
  channel: number;
  speaker: string | null;
  text: string;
  /** The line around the match, the matched words between MATCH_START and MATCH_END. */
  snippet: string;
}

/**
 * The user's words as an FTS5 query: each word a quoted string (quotes doubled), so `AND`, `*`,
 * `"`, `(` or `:` are searched for as text, never parsed as syntax. All words must occur.
 */
export function ftsQuery(text: string): string | undefined {
  const words = text.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word));
  if (words.length === 0) return undefined;
  return words.map((word) => `"${word.replace(/"/g, '""')}"`).join(' ');
}

/** Lines matching every word, best first (FTS5's bm25 rank). */
export function search(db: Database, path: string, text: string, filters: SearchFilters): SearchHit[] {
  const query = ftsQuery(text);
  if (query === undefined) return [];
  const values: (string | number)[] = [MATCH_START, MATCH_END, query];
  let sql = `SELECT l.session_id AS session, s.started_at AS startedAt, s.source AS source, l.start AS start, l.end AS end,
      l.channel AS channel, l.speaker AS speaker, l.text AS text, snippet(lines_fts, 0, ?, ?, '…', 24) AS snippet
    FROM lines_fts JOIN lines l ON l.id = lines_fts.rowid JOIN sessions s ON s.id = l.session_id
    WHERE lines_fts MATCH ?`;
  if (filters.since) {
    sql += ' AND s.started_at >= ?';
    values.push(filters.since);
  }
  if (filters.until) {
    sql += ' AND s.started_at < ?';
    values.push(filters.until);
  }
  if (filters.speaker) {
    sql += ' AND l.speaker = ? COLLATE NOCASE';
    values.push(filters.speaker);
  }
  if (filters.source) {
    sql += ` AND s.source LIKE ? ESCAPE '\\'`;
    values.push(`%${likeEscape(filters.source)}%`);
  }
  sql += ' ORDER BY rank LIMIT ?';
  values.push(filters.limit);
  return whileLocked(path, () => db.all(sql, values) as unknown as SearchHit[]);
}
