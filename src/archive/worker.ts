// The archive writer's thread: SQLite (WebAssembly) is loaded and written here, so a session's
// audio and output never wait for the disk, and runs start as fast as before.
import { parentPort } from 'node:worker_threads';
import { ArchiveUnavailable, openDatabase } from './database.js';
import type { ArchiveMessage, WorkerReply, WorkerRequest } from './messages.js';
import { ArchiveWriter } from './writer.js';

const port = parentPort!;
let writer: ArchiveWriter | undefined;
let failed = false;
let queue: ArchiveMessage[] = [];
let scheduled = false;

function reply(message: WorkerReply): void {
  port.postMessage(message);
}

function fail(error: unknown): void {
  failed = true;
  queue = [];
  reply({ kind: 'unavailable', reason: error instanceof ArchiveUnavailable ? error.message : `cannot write the archive (${(error as Error).message})` });
}

/** Everything that arrived since the last commit goes in one transaction. */
function drain(): void {
  scheduled = false;
  if (failed || !writer) return;
  const batch = queue;
  queue = [];
  try {
    writer.apply(batch);
  } catch (error) {
    fail(error);
  }
}

port.on('message', (request: WorkerRequest) => {
  if (request.kind === 'open') {
    try {
      const db = openDatabase(request.path, { create: true });
      writer = new ArchiveWriter(db, request.path);
    } catch (error) {
      fail(error);
    }
  } else if (request.kind === 'messages') {
    if (failed) return;
    queue.push(...request.messages);
    if (!scheduled) {
      scheduled = true;
      setImmediate(drain);
    }
  } else {
    drain();
    reply({ kind: 'flushed', id: request.id });
  }
});
