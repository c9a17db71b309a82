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

/**
 * A file's place among the requests counted against `--jobs` and the AIMD limit. `ready()` waits
 * for one (just before the request is sent; it rejects with NotStarted once the run stops);
 * `answered()` gives it back as soon as the answer has arrived, while the file is still being
 * written. The queue gives it back anyway when the work settles.
 */
export interface Slot {
  ready(): Promise<void>;
  answered(): void;
}

/** What `ready()` rejects with after a stop: the file was prepared but never sent; it is given back as not started. */
export class NotStarted extends Error {
  constructor() {
    super('not started: the run is stopping');
  }
}

export interface QueueOptions<T> {
  clock: Clock;
  aimd: Aimd;
  /** Does the file; 'interrupted' when a stop cut it short. */
  work(item: T, slot: Slot): Promise<'done' | 'interrupted'>;
  classify(error: unknown): Verdict;
  /** The file's request may start (it has its slot). */
  onStart?(item: T): void;
  onResult(result: Result<T>): void;
  /**
   * Files that may be under way beyond the limit: prepared before their slot (work up to
   * `ready()`) or written after it (after `answered()`), so that a slot never waits on local work.
   * 0 (the default): the slot is taken when the work starts, as one whole.
   */
  ahead?: number;
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

/** One launch of an entry: whether it holds a slot, and what a 429 on it needs to know. */
interface Launch<T> {
  item: T;
  /** Set once the file is prepared and waits for its slot. */
  waiter?: { resolve: () => void; reject: (error: Error) => void } | undefined;
  granted: boolean;
  released: boolean;
  /** The AIMD round the request started in. */
  token: number;
  /** Requests in flight when its answer came (with it). */
  inFlightAtAnswer: number;
}

export const defaultBackoffMs = (attempt: number): number => Math.min(30_000, 1000 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);

/**
 * Runs work on items with at most `aimd.room()` requests in flight, and at most `ahead` more files
 * being prepared or written. A stop starts nothing more and lets the running items end (a
 * prepared file that has no slot yet is not sent); `run()` resolves with the items never started.
 */
export class Queue<T> {
  private readonly waiting: Entry<T>[];
  private readonly notStarted: T[] = [];
  /** Launched files without a slot yet, in launch order: slots go in that order, to the first once it is prepared. */
  private readonly pending: Launch<T>[] = [];
  /** Launched and not settled: preparing, waiting, requesting or being written. */
  private active = 0;
  /** Slots held: requests sent and not answered. */
  private requests = 0;
  /** Launched items that have had a slot and are not settled yet. */
  private started = 0;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(
    items: readonly T[],
    private readonly options: QueueOptions<T>,
  ) {
    this.waiting = items.map((item) => ({ item, attempts: 0, failures: 0, busy: 0, notBefore: -Infinity }));
  }

  /** Files whose request has been sent and that have not ended: what a stop lets finish. */
  get running(): number {
    return this.started;
  }

  stop(): void {
    this.stopped = true;
    for (const launch of this.pending) launch.waiter?.reject(new NotStarted());
    this.wake?.();
  }

  async run(): Promise<T[]> {
    const { clock } = this.options;
    while (this.active > 0 || (!this.stopped && this.waiting.length > 0)) {
      this.grant();
      while (!this.stopped && this.mayLaunch()) {
        const index = this.waiting.findIndex((entry) => entry.notBefore <= clock.now());
        if (index < 0) break;
        const [entry] = this.waiting.splice(index, 1);
        this.launch(entry!);
      }
      const woken = new Promise<void>((resolve) => (this.wake = resolve));
      const next = this.stopped ? Infinity : this.nextStart();
      const cancel = Number.isFinite(next) ? clock.after(Math.max(0, next - clock.now()), () => this.wake?.()) : undefined;
      await woken;
      cancel?.();
    }
    return [...this.notStarted, ...this.waiting.map((entry) => entry.item)];
  }

  private get ahead(): number {
    return this.options.ahead ?? 0;
  }

  private mayLaunch(): boolean {
    const { aimd } = this.options;
    if (this.ahead === 0) return aimd.room(this.requests) > 0 && this.active < aimd.limit;
    // Not the current limit: after a 429 halves it, files go on being prepared for when it grows back.
    return this.active < aimd.ceiling + this.ahead;
  }

  /** Slots to the prepared files waiting, as far as the limit allows. */
  private grant(): void {
    while (this.pending[0]?.waiter && !this.stopped && this.options.aimd.room(this.requests) > 0) {
      const launch = this.pending.shift()!;
      this.take(launch);
      launch.waiter!.resolve();
    }
  }

  private take(launch: Launch<T>): void {
    this.requests += 1;
    this.started += 1;
    launch.granted = true;
    launch.token = this.options.aimd.start();
    this.options.onStart?.(launch.item);
  }

  private release(launch: Launch<T>): void {
    if (!launch.granted || launch.released) return;
    launch.released = true;
    launch.inFlightAtAnswer = this.requests;
    this.requests -= 1;
    this.grant();
    this.wake?.();
  }

  /** When something waiting could start without a completion: a backoff or a Retry-After ends. */
  private nextStart(): number {
    const { aimd } = this.options;
    const paused = this.pending[0]?.waiter !== undefined && aimd.limit > this.requests ? Math.max(aimd.resumeAt, this.options.clock.now()) : Infinity;
    if (this.waiting.length === 0) return paused;
    const earliest = Math.min(...this.waiting.slice(0, 1000).map((entry) => entry.notBefore));
    if (this.ahead > 0) return Math.min(paused, this.active < aimd.ceiling + this.ahead ? earliest : Infinity);
    const roomLater = aimd.limit > this.requests;
    if (!roomLater) return Infinity; // a completion wakes us
    // Already due is still a time to wake at: time passes between reading room() and this (a loaded
    // machine, a timer that fires a little early), and nothing else would ever wake the queue.
    return Math.max(earliest, aimd.resumeAt);
  }

  private launch(entry: Entry<T>): void {
    const { aimd, clock } = this.options;
    this.active += 1;
    const launch: Launch<T> = { item: entry.item, granted: false, released: false, token: 0, inFlightAtAnswer: 0 };
    if (this.ahead === 0) this.take(launch);
    else this.pending.push(launch);
    const slot: Slot = {
      ready: () => {
        if (launch.granted) return Promise.resolve();
        if (this.stopped) return Promise.reject(new NotStarted());
        return new Promise<void>((resolve, reject) => {
          launch.waiter = { resolve, reject };
          this.grant();
        });
      },
      answered: () => this.release(launch),
    };
    entry.attempts += 1;
    const attempts = () => entry.attempts;
    const settled = () => {
      if (!launch.granted) this.unpend(launch);
      this.release(launch);
      if (launch.granted) this.started -= 1;
      this.active -= 1;
    };
    void this.options.work(entry.item, slot).then(
      (outcome) => {
        settled();
        if (outcome === 'done') aimd.success();
        this.finish(outcome === 'done' ? { item: entry.item, status: 'done', attempts: attempts() } : { item: entry.item, status: 'interrupted' });
      },
      (error: unknown) => {
        settled();
        if (error instanceof NotStarted) {
          entry.attempts -= 1;
          this.notStarted.push(entry.item);
          return this.wake?.();
        }
        const verdict = this.options.classify(error);
        const failed = () => this.finish({ item: entry.item, status: 'failed', error, attempts: attempts() });
        if (verdict.kind === 'busy') {
          aimd.busy(launch.token, launch.inFlightAtAnswer, verdict.retryAfterMs);
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
        if (verdict.kind === 'fail-all') this.stop();
        failed();
      },
    );
  }

  /** A file that ended without its slot (it failed being prepared, or was not sent) no longer holds up those after it. */
  private unpend(launch: Launch<T>): void {
    const index = this.pending.indexOf(launch);
    if (index >= 0) this.pending.splice(index, 1);
    this.grant();
  }

  private backoff(attempt: number): number {
    return (this.options.backoffMs ?? defaultBackoffMs)(attempt);
  }

  private requeue(entry: Entry<T>): void {
    this.waiting.push(entry);
    this.wake?.();
  }

  private finish(result: Result<T>): void {
    this.options.onResult(result);
    this.wake?.();
  }
}
