/**
 * The archive's tables. `events` keeps every call a session made on its transcript output, in
 * order, so `history show` replays them through the same formatters; `lines` is the searchable
 * text (one row per speaker turn, like the NDJSON finals) with an FTS5 index over it.
 */
export const SCHEMA_VERSION = 1;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS sessions (
  id INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: \`history show 42\` is always the same session
  started_at TEXT NOT NULL,
  ended_at TEXT,
  command TEXT NOT NULL,
  mode TEXT NOT NULL,
  source TEXT NOT NULL,
  model TEXT,
  language TEXT,
  settings TEXT NOT NULL,
  audio_seconds REAL,
  exit_code INTEGER,
  reason TEXT,
  first_words TEXT
);
CREATE INDEX IF NOT EXISTS sessions_started ON sessions(started_at);
CREATE TABLE IF NOT EXISTS events (
  session_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS lines (
  id INTEGER PRIMARY KEY,
  session_id INTEGER NOT NULL,
  start REAL NOT NULL,
  end REAL NOT NULL,
  channel INTEGER NOT NULL,
  speaker TEXT,
  text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS lines_session ON lines(session_id);
CREATE VIRTUAL TABLE IF NOT EXISTS lines_fts USING fts5(text, content='lines', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER IF NOT EXISTS lines_ai AFTER INSERT ON lines BEGIN
  INSERT INTO lines_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER IF NOT EXISTS lines_ad AFTER DELETE ON lines BEGIN
  INSERT INTO lines_fts(lines_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TABLE IF NOT EXISTS connections (
  session_id INTEGER NOT NULL,
  request_id TEXT NOT NULL,
  audio_seconds REAL,
  PRIMARY KEY (session_id, request_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS billed_costs (
  request_id TEXT PRIMARY KEY,
  usd REAL NOT NULL,
  fetched_at TEXT NOT NULL
) WITHOUT ROWID;
`;
