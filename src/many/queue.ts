import type { Clock } from '../audio/pacer.js';
import type { Aimd } from './aimd.js';

/** What one failed attempt means for the file and for the run. */
export type Verdict =
  | { kind: 'busy'; retryAfterMs?: number | undefined } // 429: fewer in flight, try this file again
  | { kind: 'retry' } // 5xx, a dropped connection: try again after a backoff
  | { kind: 'fail' } // this file cannot be done (undecodable, rejected)
  | { kind: 'fail-all' }; // no file can be done (a refused key): start nothing more

export type Result<T> =
  { item: T; status: 'done'; attempts: number } | { item: T; status: 'failed'; error: unknown; attempts: number } | { item: T; status: 'interrupted' };

export interface QueueOptions<T> {
  clock: Clock;
  aimd: Aimd;
  /** Does the file; 'interrupted' when a stop cut it short. */
  work(item: T): Promise<'done' | 'interrupted'>;
  classify(error: unknown): Verdict;
  onStart?(item: T): void;
  onResult(result: Result<T>): void;
  /** Failures (other than 429) before a file is reported and skipped. Default 3. */
  maxAttempts?: number;
  /** 429s for one file before it is reported and skipped: never retried forever. Default 20. */
  maxBusy?: number;
  /** The pause before retry `attempt` (1-based) of a failing file. */
  backoffMs?(attempt: number): number;
}

interface Entry<T> {
  item: T;
  attempts: number;
  failures: number;
  busy: number;
  notBefore: number;
}

export const defaultBackoffMs = (attempt: number): number => Math.min(30_000, 1000 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);

/**
 * Runs work on items with at most `aimd.room()` in flight. A stop starts nothing more and lets
 * the running items end; `run()` resolves with the items never started.
 */
export class Queue<T> {
  private readonly waiting: Entry<T>[];
  private inFlight = 0;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(
    items: readonly T[],
    private readonly options: QueueOptions<T>,
  ) {
    this.waiting = items.map((item) => ({ item, attempts: 0, failures: 0, busy: 0, notBefore: -Infinity }));
  }

  get running(): number {
    return this.inFlight;
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  async run(): Promise<T[]> {
    const { clock, aimd } = this.options;
    while (this.inFlight > 0 || (!this.stopped && this.waiting.length > 0)) {
      let room = this.stopped ? 0 : aimd.room(this.inFlight);
      while (room > 0) {
        const index = this.waiting.findIndex((entry) => entry.notBefore <= clock.now());
        if (index < 0) break;
        const [entry] = this.waiting.splice(index, 1);
        this.launch(entry!);
        room -= 1;
      }
      const woken = new Promise<void>((resolve) => (this.wake = resolve));
      const next = this.stopped ? Infinity : this.nextStart();
      const cancel = Number.isFinite(next) ? clock.after(Math.max(0, next - clock.now()), () => this.wake?.()) : undefined;
      await woken;
      cancel?.();
    }
    return this.waiting.map((entry) => entry.item);
  }

  /** When something waiting could start without a completion: a backoff or a Retry-After ends. */
  private nextStart(): number {
    const { aimd } = this.options;
    if (this.waiting.length === 0) return Infinity;
    const earliest = Math.min(...this.waiting.slice(0, 1000).map((entry) => entry.notBefore));
    const roomLater = aimd.limit > this.inFlight;
    if (!roomLater) return Infinity; // a completion wakes us
    // Already due is still a time to wake at: time passes between reading room() and this (a loaded
    // machine, a timer that fires a little early), and nothing else would ever wake the queue.
    return Math.max(earliest, aimd.resumeAt);
  }

  private launch(entry: Entry<T>): void {
    const { aimd, clock } = this.options;
    this.inFlight += 1;
    const token = aimd.start();
    this.options.onStart?.(entry.item);
    entry.attempts += 1;
    const attempts = () => entry.attempts;
    void this.options.work(entry.item).then(
      (outcome) => {
        if (outcome === 'done') aimd.success();
        this.finish(outcome === 'done' ? { item: entry.item, status: 'done', attempts: attempts() } : { item: entry.item, status: 'interrupted' });
      },
      (error: unknown) => {
        const verdict = this.options.classify(error);
        const failed = () => this.finish({ item: entry.item, status: 'failed', error, attempts: attempts() });
        if (verdict.kind === 'busy') {
          aimd.busy(token, this.inFlight, verdict.retryAfterMs);
          entry.busy += 1;
          if (entry.busy >= (this.options.maxBusy ?? 20)) return failed();
          // Retry-After is a minimum: a file refused again and again also backs off, so 20 refusals take minutes, not a burst.
          entry.notBefore = clock.now() + Math.max(verdict.retryAfterMs ?? 0, this.backoff(entry.busy));
          return this.requeue(entry);
        }
        if (verdict.kind === 'retry') {
          entry.failures += 1;
          if (entry.failures >= (this.options.maxAttempts ?? 3)) return failed();
          entry.notBefore = clock.now() + this.backoff(entry.failures);
          return this.requeue(entry);
        }
        if (verdict.kind === 'fail-all') this.stopped = true;
        failed();
      },
    );
  }

  private backoff(attempt: number): number {
    return (this.options.backoffMs ?? defaultBackoffMs)(attempt);
  }

  private requeue(entry: Entry<T>): void {
    this.waiting.push(entry);
    this.inFlight -= 1;
    this.wake?.();
  }

  private finish(result: Result<T>): void {
    this.inFlight -= 1;
    this.options.onResult(result);
    this.wake?.();
  }
}
