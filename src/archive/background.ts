import type { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type { ArchiveMessage, WorkerReply, WorkerRequest } from './messages.js';

/** Where a session's archive messages go. */
export interface ArchiveChannel {
  post(message: ArchiveMessage): void;
}

const FLUSH_TIMEOUT_MS = 5_000;
const START_DELAY_MS = 500;
/**
 * The writer's messages are small and short-lived: a 2 MB young generation holds them, where V8's
 * default grows to 16 MB semi-spaces (3-7 MB of a many-files run's peak RSS, docs/performance.md).
 */
export const WORKER_LIMITS = { maxYoungGenerationSizeMb: 2 };

/**
 * The one archive writer of this process (every session of a many-files run shares it): a worker
 * thread, started half a second after first use (or when the run ends). Its first refusal (locked, corrupt, read-only) is said once.
 */
class WorkerChannel implements ArchiveChannel {
  private worker: Worker | undefined;
  /** Messages posted before the thread started. */
  private waiting: ArchiveMessage[] = [];
  private readonly startTimer: NodeJS.Timeout;
  private readonly flushes = new Map<number, () => void>();
  private nextFlush = 0;
  private unavailable = false;

  constructor(
    private readonly path: string,
    private readonly warn: (message: string) => void,
  ) {
    // Creating a thread blocks this one for ~10 ms: not while the session opens and sends its first audio.
    this.startTimer = setTimeout(() => this.start(), START_DELAY_MS).unref();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    clearTimeout(this.startTimer);
    const { Worker } = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
    const worker = new Worker(new URL('./archive-worker.js', import.meta.url), { resourceLimits: WORKER_LIMITS });
    this.worker = worker;
    worker.unref(); // never keeps the process alive: settleArchive() waits for it instead
    worker.on('message', (reply: WorkerReply) => {
      if (reply.kind === 'flushed') {
        this.flushes.get(reply.id)?.();
        this.flushes.delete(reply.id);
      } else {
        this.fail(`${reply.reason}; the transcript goes on without it (--no-history skips it)`);
      }
    });
    worker.on('error', (error) => this.fail(`${error.message}; the transcript goes on without it`));
    worker.postMessage({ kind: 'open', path: this.path } satisfies WorkerRequest);
    if (this.waiting.length > 0) worker.postMessage({ kind: 'messages', messages: this.waiting } satisfies WorkerRequest);
    this.waiting = [];
    return worker;
  }

  private fail(why: string): void {
    if (this.unavailable) return;
    this.unavailable = true;
    this.warn(`transcribe: warning: the history archive is unavailable: ${why}`);
  }

  post(message: ArchiveMessage): void {
    if (this.unavailable) return;
    if (this.worker) this.worker.postMessage({ kind: 'messages', messages: [message] } satisfies WorkerRequest);
    else this.waiting.push(message);
  }

  /** Resolves when everything posted so far is committed (or after a timeout: exiting never hangs on the disk). */
  async settle(): Promise<void> {
    const id = this.nextFlush++;
    const worker = this.start();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, FLUSH_TIMEOUT_MS);
      worker.once('exit', () => resolve());
      this.flushes.set(id, () => {
        clearTimeout(timer);
        resolve();
      });
      worker.postMessage({ kind: 'flush', id } satisfies WorkerRequest);
    });
    await worker.terminate();
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
