import type { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type { ArchiveMessage, WorkerReply, WorkerRequest } from './messages.js';

/** Where a session's archive messages go. */
export interface ArchiveChannel {
  post(message: ArchiveMessage): void;
}

const FLUSH_TIMEOUT_MS = 5_000;

/**
 * The one archive writer of this process (every session of a many-files run shares it): a worker
 * thread, started on first use. Its first refusal (locked, corrupt, read-only) is said once.
 */
class WorkerChannel implements ArchiveChannel {
  private readonly worker: Worker;
  private readonly flushes = new Map<number, () => void>();
  private nextFlush = 0;
  private unavailable = false;

  constructor(path: string, warn: (message: string) => void) {
    const { Worker } = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
    this.worker = new Worker(new URL('./archive-worker.js', import.meta.url));
    this.worker.unref(); // never keeps the process alive: settleArchive() waits for it instead
    this.worker.on('message', (reply: WorkerReply) => {
      if (reply.kind === 'flushed') {
        this.flushes.get(reply.id)?.();
        this.flushes.delete(reply.id);
      } else if (!this.unavailable) {
        this.unavailable = true;
        warn(`transcribe: warning: the history archive is unavailable: ${reply.reason}; the transcript goes on without it (--no-history skips it)`);
      }
    });
    this.worker.on('error', (error) => {
      if (this.unavailable) return;
      this.unavailable = true;
      warn(`transcribe: warning: the history archive is unavailable: ${error.message}; the transcript goes on without it`);
    });
    this.send({ kind: 'open', path });
  }

  private send(request: WorkerRequest): void {
    this.worker.postMessage(request);
  }

  post(message: ArchiveMessage): void {
    if (!this.unavailable) this.send({ kind: 'messages', messages: [message] });
  }

  /** Resolves when everything posted so far is committed (or after a timeout: exiting never hangs on the disk). */
  async settle(): Promise<void> {
    const id = this.nextFlush++;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, FLUSH_TIMEOUT_MS);
      this.worker.once('exit', resolve);
      this.flushes.set(id, () => {
        clearTimeout(timer);
        resolve();
      });
      this.send({ kind: 'flush', id });
    });
    await this.worker.terminate();
  }
}

let current: WorkerChannel | undefined;

export function archiveChannel(path: string, warn: (message: string) => void): ArchiveChannel {
  current ??= new WorkerChannel(path, warn);
  return current;
}

/** Before the process exits: waits for the archive to have written every session (cli.ts calls this). */
export async function settleArchive(): Promise<void> {
  const channel = current;
  current = undefined;
  await channel?.settle();
}
