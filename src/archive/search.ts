import { whileLocked, type Database } from './database.js';
import { likeEscape, rangeSql, type TimeRange } from './read.js';

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

/**
 * Ranking is over the most recent matching lines only: FTS5 computes bm25 for every row it ranks,
 * and a word said in half of 1,000 hours of lines would take seconds. The newest RANKED lines that
 * pass the filters are found in rowid order (cheap), then ranked.
 */
export const RANKED = 5_000;

/** Lines matching every word, best first (FTS5's bm25 rank) among the RANKED most recent matches. */
export function search(db: Database, path: string, text: string, filters: SearchFilters): SearchHit[] {
  const query = ftsQuery(text);
  if (query === undefined) return [];
  const values: (string | number)[] = [query];
  let where = `lines_fts MATCH ?${rangeSql(filters, 's.started_at', values)}`;
  if (filters.speaker) {
    where += ' AND l.speaker = ? COLLATE NOCASE';
    values.push(filters.speaker);
  }
  if (filters.source) {
    where += ` AND s.source LIKE ? ESCAPE '\\'`;
    values.push(`%${likeEscape(filters.source)}%`);
  }
  const from = 'FROM lines_fts JOIN lines l ON l.id = lines_fts.rowid JOIN sessions s ON s.id = l.session_id';
  return whileLocked(path, () => {
    // Without filters the FTS index alone answers, in rowid order (a join would make SQLite sort every match).
    const oldest =
      values.length === 1
        ? db.get('SELECT rowid AS id FROM lines_fts WHERE lines_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?', [query, RANKED - 1])
        : db.get(`SELECT lines_fts.rowid AS id ${from} WHERE ${where} ORDER BY lines_fts.rowid DESC LIMIT 1 OFFSET ?`, [...values, RANKED - 1]);
    const bound = oldest ? ` AND lines_fts.rowid >= ${Number(oldest.id)}` : '';
    const sql = `SELECT l.session_id AS session, s.started_at AS startedAt, s.source AS source, l.start AS start, l.end AS end,
        l.channel AS channel, l.speaker AS speaker, l.text AS text, snippet(lines_fts, 0, ?, ?, '…', 24) AS snippet
      ${from} WHERE ${where}${bound} ORDER BY rank LIMIT ?`;
    return db.all(sql, [MATCH_START, MATCH_END, ...values, filters.limit]) as unknown as SearchHit[];
  });
}
