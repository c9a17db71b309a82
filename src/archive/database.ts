import { chmodSync, closeSync, mkdirSync, openSync, rmdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import type { Database } from 'node-sqlite3-wasm';
import { SCHEMA, SCHEMA_VERSION } from './schema.js';

export type { Database } from 'node-sqlite3-wasm';

/** Why the archive cannot be used: said in one warning line, the session goes on. */
export class ArchiveUnavailable extends Error {}

/**
 * node-sqlite3-wasm's lock is a directory `<db>.lock` (its Node VFS has no shared memory and no
 * fcntl locks). A process killed inside a transaction leaves it behind; our transactions last
 * milliseconds, so a lock older than this belongs to no living writer.
 */
export const STALE_LOCK_MS = 10_000;
const BUSY_WAIT_MS = 2_000;

/**
 * V8's flag for SQLite's WebAssembly: its baseline compiler only. By default V8 also recompiles the
 * hot functions with its optimising compiler in background threads, whose memory glibc keeps: 40-45
 * MB more peak RSS for SQLite's 1.3 MB of code (docs/performance.md, "Many files"), and no faster
 * here, where the writes wait for the disk. Process-wide, but SQLite is the only WebAssembly we run.
 */
export const WASM_FLAGS = '--liftoff-only';

/** Loaded on first use (~40 ms to compile the WebAssembly): runs that never touch the archive never pay. */
function sqlite(): typeof import('node-sqlite3-wasm') {
  setFlagsFromString(WASM_FLAGS);
  return createRequire(import.meta.url)('node-sqlite3-wasm') as typeof import('node-sqlite3-wasm');
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function isBusy(error: unknown): boolean {
  return error instanceof Error && /database is locked|SQLITE_BUSY/i.test(error.message);
}

/** Removes the lock directory of a dead process (checked twice, so a fresh lock taken in between is left alone). */
export function removeStaleLock(path: string, now = Date.now()): boolean {
  const lock = `${path}.lock`;
  try {
    const first = statSync(lock);
    if (now - first.mtimeMs < STALE_LOCK_MS) return false;
    const second = statSync(lock);
    if (second.ino !== first.ino || second.mtimeMs !== first.mtimeMs) return false;
    rmdirSync(lock);
    return true;
  } catch {
    return false;
  }
}

/** Runs `action`, waiting while another process holds the lock (a stale lock is removed); then ArchiveUnavailable. */
export function whileLocked<T>(path: string, action: () => T, waitMs = BUSY_WAIT_MS): T {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return action();
    } catch (error) {
      if (!isBusy(error)) throw error;
      if (removeStaleLock(path)) continue;
      if (Date.now() >= deadline) throw new ArchiveUnavailable(`${path} is locked by another process`);
      sleep(15);
    }
  }
}

/**
 * Opens (creating when asked: 0600 in a 0700 directory) the archive and its tables. A rollback
 * journal, not WAL: see docs/architecture.md ("The archive") for why.
 */
export function openDatabase(path: string, options: { create: boolean; waitMs?: number }): Database {
  if (options.create) {
    const dir = dirname(path);
    try {
      statSync(dir);
    } catch {
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        chmodSync(dir, 0o700); // mkdir's mode is filtered by the umask
      } catch (error) {
        throw new ArchiveUnavailable(`cannot create ${dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      }
    }
    try {
      closeSync(openSync(path, 'a', 0o600));
      // Ours: one that others may read (an older copy, a restore) is tightened.
      if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    } catch (error) {
      throw new ArchiveUnavailable(`cannot open ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  } else {
    try {
      if (!statSync(path).isFile()) throw new ArchiveUnavailable(`${path} is not a file`);
    } catch (error) {
      if (error instanceof ArchiveUnavailable) throw error;
      throw new ArchiveUnavailable(`there is no archive yet at ${path}`);
    }
  }
  let db: Database;
  try {
    db = new (sqlite().Database)(path);
  } catch (error) {
    throw new ArchiveUnavailable(`cannot open ${path} (${(error as Error).message})`);
  }
  try {
    whileLocked(
      path,
      () => {
        db.exec('PRAGMA journal_mode=TRUNCATE; PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF');
        const version = db.get('PRAGMA user_version')?.user_version;
        if (version === SCHEMA_VERSION) return;
        if (typeof version === 'number' && version > SCHEMA_VERSION)
          throw new ArchiveUnavailable(`${path} was written by a newer transcribe (schema ${version})`);
        db.exec(`BEGIN IMMEDIATE; ${SCHEMA} PRAGMA user_version=${SCHEMA_VERSION}; COMMIT`);
      },
      options.waitMs,
    );
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    db.close();
    if (error instanceof ArchiveUnavailable) throw error;
    throw new ArchiveUnavailable(`cannot use ${path} (${(error as Error).message})`);
  }
  return db;
}

/** Runs `work` in one write transaction, waiting for the lock like every statement. */
export function transaction<T>(db: Database, path: string, work: () => T): T {
  return whileLocked(path, () => {
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      db.exec('COMMIT');
      return result;
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    }
  });
}
