import type { Database } from './database.js';

/** Removes one session and everything recorded for it (its search index entries by trigger). */
export function deleteSession(db: Database, id: number): boolean {
  db.run('DELETE FROM lines WHERE session_id = ?', [id]);
  db.run('DELETE FROM events WHERE session_id = ?', [id]);
  db.run('DELETE FROM connections WHERE session_id = ?', [id]);
  return db.run('DELETE FROM sessions WHERE id = ?', [id]).changes > 0;
}

/** The ids of the sessions that started before `iso`. */
export function sessionsBefore(db: Database, iso: string): number[] {
  return db.all('SELECT id FROM sessions WHERE started_at < ? ORDER BY id', [iso]).map((row) => Number(row.id));
}

export function daysBefore(days: number, now: Date): string {
  return new Date(now.getTime() - days * 86_400_000).toISOString();
}
