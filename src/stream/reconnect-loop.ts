// The two loops that get a DeepgramConnection a socket: the first one (a busy service is tried
// again within the bound), and a new one after a drop (with backoff, until the budget runs out).
import type { Clock } from '../audio/pacer.js';
import type { LiveSession } from '../deepgram/session.js';
import { AuthError, NetworkError, RequestRejectedError, ServiceBusyError, UsageError, type TranscribeError } from '../errors.js';
import { backoffMs, type ConnectionEvents, type ConnectionOptions, type ReconnectBudget } from './reconnect-policy.js';

/** What the loops need of the connection they serve. */
export interface Redial {
  readonly clock: Clock;
  readonly budget: ReconnectBudget;
  readonly options: ConnectionOptions;
  readonly events: ConnectionEvents;
  /** Ctrl+C: no new connection is started. */
  stopped(): boolean;
  /** Given up or aborted meanwhile. */
  failed(): boolean;
  openSession(): Promise<LiveSession>;
  /** A new connection after a drop that began at `downSince` (clock time): it becomes the current one. */
  adopt(session: LiveSession, downSince: number): void;
  giveUp(error: TranscribeError): void;
}

/**
 * The first connection. A busy service (429, 5xx) is tried again with backoff within the
 * reconnect bound; any other failure (refused key, unreachable host: likely a setting) is thrown at once.
 */
export async function openFirst(redial: Redial): Promise<LiveSession> {
  const { clock, options, events } = redial;
  const started = clock.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await redial.openSession();
    } catch (error) {
      // At least the wait Deepgram asked for (Retry-After), within the same bound.
      const asked = error instanceof ServiceBusyError ? (error.retryAfterMs ?? 0) : 0;
      const delay = Math.max(asked, backoffMs(attempt, options.random ?? Math.random));
      if (!(error instanceof ServiceBusyError) || options.retryOpen === false || clock.now() - started + delay > options.reconnectTimeoutMs) throw error;
      events.reconnecting(attempt, attempt === 1 ? error.message : '');
      await clock.sleep(delay);
    }
  }
}

/** After a drop: new connections with backoff until one is adopted, the budget runs out (give up), or Ctrl+C. */
export async function reconnectUntil(redial: Redial, why: string): Promise<void> {
  const { clock, budget, options, events } = redial;
  const started = clock.now();
  let lastError = why;
  let asked: number | undefined; // Retry-After of the last refusal
  for (let first = true; ; first = false) {
    if (redial.stopped()) return; // Ctrl+C: closeStream waits out its grace, then gives up
    const delay = budget.nextDelay(asked);
    if (delay === undefined) {
      const seconds = Math.round(options.reconnectTimeoutMs / 1000);
      return redial.giveUp(
        new NetworkError(
          `could not reconnect to Deepgram within ${seconds} s (${lastError})`,
          'check your network; --reconnect-timeout sets how long to keep trying',
        ),
      );
    }
    if (delay > 0) await clock.sleep(delay);
    if (redial.failed() || redial.stopped()) return; // stopped meanwhile (Ctrl+C while down)
    events.reconnecting(budget.attempt, first ? why : '');
    try {
      const session = await redial.openSession();
      if (redial.failed()) return session.abort();
      return redial.adopt(session, started);
    } catch (error) {
      if (redial.failed()) return; // stopped while this attempt was under way: nothing more to report
      if (error instanceof AuthError || error instanceof RequestRejectedError || error instanceof UsageError) return redial.giveUp(error);
      lastError = error instanceof Error ? error.message : String(error);
      asked = error instanceof ServiceBusyError ? error.retryAfterMs : undefined;
    }
  }
}
