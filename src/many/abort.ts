import type { StopSignal } from '../context.js';

/** Tells the running sessions to stop now: streams through their signal listener, uploads through `until`. */
export class Abort {
  private readonly listeners = new Set<(signal: StopSignal) => void>();
  private signal: StopSignal | undefined;

  subscribe(listener: (signal: StopSignal) => void): () => void {
    this.listeners.add(listener);
    if (this.signal) this.stop(listener, this.signal);
    return () => this.listeners.delete(listener);
  }

  /**
   * `work`'s result, or 'interrupted' as soon as the run is aborted. The listener goes when `work`
   * settles: a race with one promise that lives as long as the run would keep every file's result
   * (and each 429's error with its stack) reachable from it, megabytes over 10,000 files.
   */
  until<T>(work: Promise<T>): Promise<T | 'interrupted'> {
    let unsubscribe: () => void = () => {};
    const aborted = new Promise<'interrupted'>((resolve) => (unsubscribe = this.subscribe(() => resolve('interrupted'))));
    return Promise.race([work, aborted]).finally(unsubscribe);
  }

  /** How many sessions listen (a finished one never does). */
  get listening(): number {
    return this.listeners.size;
  }

  now(signal: StopSignal): void {
    this.signal ??= signal;
    for (const listener of this.listeners) this.stop(listener, signal);
  }

  /** Twice: a stream stops waiting for Deepgram's last words (they are not kept anyway). */
  private stop(listener: (signal: StopSignal) => void, signal: StopSignal): void {
    listener(signal);
    listener(signal);
  }
}
