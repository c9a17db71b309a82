/** What a session sends to the archive writer (in a worker thread, or in-process in tests). */

/** Who the session is: written when it begins. */
export interface SessionMeta {
  command: 'live' | 'file';
  mode: 'stream' | 'batch';
  /** The file path, `-` for stdin, or the microphone device. */
  source: string;
  model: string;
  language: string;
  /** encodeSettings(): no secrets. */
  settings: string;
  /** `history-days`: sessions older than this are deleted when this one begins. */
  retentionDays?: number;
}

export type ArchiveMessage =
  | { kind: 'begin'; session: number; startedAt: string; meta: SessionMeta }
  /** One call on the session's TranscriptOutput (`final`, `metadata`, `close`, or one added later), its arguments as a JSON array. */
  | { kind: 'event'; session: number; method: string; args: string };

/** Which run a session is, as `history` lists it. */
export interface SessionOrigin {
  command: 'live' | 'file';
  mode: 'stream' | 'batch';
  source: string;
}

export type WorkerRequest = { kind: 'open'; path: string } | { kind: 'messages'; messages: ArchiveMessage[] } | { kind: 'flush'; id: number };

export type WorkerReply = { kind: 'unavailable'; reason: string } | { kind: 'flushed'; id: number };
