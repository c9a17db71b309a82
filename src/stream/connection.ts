import { BYTES_PER_SAMPLE } from '../audio/format.js';
import { systemClock, type Clock } from '../audio/pacer.js';
import type { ServerMessage } from '../deepgram/messages.js';
import { LiveSession } from '../deepgram/session.js';
import { AuthError, NetworkError, RequestRejectedError, ServiceBusyError, UsageError, type TranscribeError } from '../errors.js';
import { closeError } from './close-error.js';
import { backoffMs, RECONNECT_CODES, STALL_MS, STILL_RECONNECTING, StopRequest, type ConnectionEvents, type ConnectionOptions } from './reconnect-policy.js';
import { ReplayBuffer } from './replay-buffer.js';

export { STILL_RECONNECTING, type ConnectionEvents, type ConnectionOptions } from './reconnect-policy.js';

/**
 * A Deepgram session that survives drops: audio goes through a replay buffer; after a drop (or a
 * stall: audio sent, nothing heard for 15 s) a new connection is opened with backoff, the audio
 * no final covered is sent again first, and the caller shifts the new connection's times.
 */
export class DeepgramConnection {
  private session!: LiveSession;
  private readonly buffer: ReplayBuffer;
  /** Session byte positions: where the current connection's audio starts, and how far it was sent. */
  private offset = 0;
  private sent = 0;
  private state: 'open' | 'down' | 'closing' | 'failed' = 'open';
  /** The running send loop, if any: one at a time, and everyone waits for the same one. */
  private drainer: Promise<void> | undefined;
  /** Session position up to which finals have confirmed the audio. */
  private confirmed = 0;
  private spaceWaiters: (() => void)[] = [];
  /** Which connection's events count: those of older ones (already closed) are ignored. */
  private generation = 0;
  private reconnecting: Promise<void> | undefined;
  private readonly stopRequest = new StopRequest();
  private readonly clock: Clock;
  private lastMessageAt: number;
  private lastAudioAt = 0;
  private readonly stopStallChecks: () => void;
  private fail!: (error: TranscribeError) => void;
  /** Settles when the session cannot go on (a refused reconnection, a close we cannot recover from). */
  readonly failed = new Promise<TranscribeError>((resolve) => (this.fail = resolve));

  private constructor(
    private readonly options: ConnectionOptions,
    private readonly events: ConnectionEvents,
  ) {
    const block = options.format.channels * BYTES_PER_SAMPLE;
    this.buffer = new ReplayBuffer(Math.ceil(options.bufferSeconds * options.format.sampleRate) * block, block);
    this.clock = options.clock ?? systemClock;
    this.lastMessageAt = this.clock.now();
    this.stopStallChecks = this.clock.every(1000, () => this.checkStall());
  }

  /**
   * Opens the first connection. A busy service (429, 5xx) is tried again with backoff within the
   * reconnect bound; any other failure (refused key, unreachable host: likely a setting) is thrown at once.
   */
  static async open(options: ConnectionOptions, events: ConnectionEvents): Promise<DeepgramConnection> {
    const connection = new DeepgramConnection(options, events);
    const started = connection.clock.now();
    for (let attempt = 1; ; attempt++) {
      try {
        connection.session = await connection.openSession();
        return connection;
      } catch (error) {
        const delay = backoffMs(attempt, options.random ?? Math.random);
        if (!(error instanceof ServiceBusyError) || connection.clock.now() - started + delay > options.reconnectTimeoutMs) {
          connection.stopStallChecks();
          throw error;
        }
        events.reconnecting(attempt, error.message);
        await connection.clock.sleep(delay);
      }
    }
  }

  get requestId(): string | undefined {
    return this.session.requestId;
  }

  /**
   * Queues a frame and sends what the current connection has not had yet. A file waits while the
   * replay buffer is full (until finals confirm audio); a live source cannot wait, and the oldest
   * audio is dropped (reported as a gap if a reconnection then needs it).
   */
  send(frame: Buffer): Promise<void> | undefined {
    if (!this.options.live && this.buffer.full && this.state !== 'failed')
      return new Promise<void>((resolve) => this.spaceWaiters.push(resolve)).then(() => this.send(frame));
    this.buffer.append(frame);
    this.buffer.takeDropped();
    // A promise only while something must be waited for (a full buffer): the per-frame path makes none.
    return this.drain();
  }

  finalize(): void {
    if (this.state === 'open') this.session.finalize();
  }

  /**
   * The clean end: once reconnected (if down), the rest is sent, then CloseStream, bounded by
   * `timeoutMs`. A connection that goes silent here with audio still unconfirmed is half-open: with
   * `retry`, it is replaced like a dropped one and the rest sent again.
   */
  async closeStream(timeoutMs: number, retry: boolean): Promise<{ code: number; reason: string; timedOut: boolean }> {
    for (;;) {
      // Stopping (Ctrl+C: no retry) waits for a reconnection only as long as it would for a close.
      if (this.state === 'down' && !(await this.stopRequest.waitFor(this.reconnecting, retry ? Infinity : timeoutMs, this.clock))) {
        this.abort();
        return { code: 1006, reason: STILL_RECONNECTING, timedOut: true };
      }
      if (this.state === 'failed') return { code: 1006, reason: 'failed', timedOut: false };
      await this.drain();
      this.state = 'closing';
      this.stopStallChecks();
      const closed = await this.session.closeStream(timeoutMs);
      const unconfirmed = this.buffer.start < this.buffer.produced;
      if (!closed.timedOut || !retry || !unconfirmed || this.options.reconnectTimeoutMs === 0) return closed;
      this.state = 'down';
      this.reconnecting = this.reconnect(`no answer to CloseStream within ${timeoutMs / 1000} s`);
    }
  }

  /** Ctrl+C: a closeStream waiting for a reconnection waits at most `graceMs` more. */
  interrupt(graceMs: number): void {
    this.stopRequest.stop(graceMs);
  }

  abort(): void {
    this.state = 'failed';
    this.wakeSenders();
    this.stopStallChecks();
    this.session?.abort();
  }

  /** A method, not a comparison inline: TypeScript would narrow `state` across the awaits of the reconnect loop. */
  private isFailed(): boolean {
    return this.state === 'failed';
  }

  private get bytesPerSecond(): number {
    return this.options.format.sampleRate * this.options.format.channels * BYTES_PER_SAMPLE;
  }

  /**
   * Sends what the current connection has not had yet, including what is appended meanwhile.
   * Undefined when all of it went out at once; else a promise that settles when all of it has
   * (one send loop at a time: everyone waits for the same one).
   */
  private drain(): Promise<void> | undefined {
    if (this.drainer) return this.drainer;
    const blocked = this.sendPending();
    if (!blocked) return undefined;
    return (this.drainer = blocked.then(() => {
      this.drainer = undefined;
      return this.drain();
    }));
  }

  /** Sends until done or until the socket's buffer is full: then the promise of that send. */
  private sendPending(): Promise<void> | undefined {
    while (this.state === 'open' && this.session.accepting && this.sent < this.buffer.produced) {
      // A live source overflowed the buffer while the socket was full: the dropped audio is gone.
      if (this.sent < this.buffer.start) this.sent = this.buffer.start;
      // Looked up afresh each time: finals may release frames while a send waits.
      const piece = this.buffer.pieceAt(this.sent);
      if (!piece) return undefined;
      this.sent += piece.length;
      this.lastAudioAt = this.clock.now();
      const blocked = this.session.send(piece);
      if (blocked) return blocked;
    }
    return undefined;
  }

  private handlers() {
    const generation = ++this.generation;
    return {
      onMessage: (message: ServerMessage) => {
        if (generation !== this.generation) return;
        this.lastMessageAt = this.clock.now();
        if (message.kind === 'results' && message.message.is_final) this.covered(message.message);
        this.events.message(message);
      },
      onClose: (code: number, reason: string) => {
        if (generation !== this.generation || this.state === 'closing' || this.state === 'failed') return;
        if (RECONNECT_CODES.has(code) && this.options.reconnectTimeoutMs > 0) {
          this.state = 'down';
          this.reconnecting = this.reconnect(`the connection dropped (code ${code}${reason ? `: ${reason}` : ''})`);
        } else {
          this.state = 'failed';
          this.wakeSenders();
          this.fail(closeError(code, reason));
        }
      },
    };
  }

  /**
   * A final covers its audio up to its last word: no need to send that again. A final without
   * words only shows that nothing was said before its start: a word may already be under way at
   * its end, and cutting the replay there would cut that word.
   */
  private covered(results: { start: number; duration: number; channel: { alternatives: { words: { end: number }[] }[] } }): void {
    const words = results.channel.alternatives[0]?.words ?? [];
    const end = words.length ? words[words.length - 1]!.end : results.start;
    const { sampleRate, channels } = this.options.format;
    const position = this.offset + Math.round(end * sampleRate) * channels * BYTES_PER_SAMPLE;
    this.confirmed = Math.max(this.confirmed, position);
    this.buffer.release(position);
    this.wakeSenders();
  }

  private wakeSenders(): void {
    const waiters = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const wake of waiters) wake();
  }

  private checkStall(): void {
    const now = this.clock.now();
    // Audio went out after the last message, and nothing has come back for 15 s: a half-open socket.
    if (this.state === 'open' && this.lastAudioAt > this.lastMessageAt && now - this.lastMessageAt > STALL_MS) {
      this.lastMessageAt = now;
      this.session.abort();
    }
  }

  private async reconnect(why: string): Promise<void> {
    const started = this.clock.now();
    const random = this.options.random ?? Math.random;
    let lastError = why;
    for (let attempt = 1; ; attempt++) {
      if (this.isFailed()) return; // stopped meanwhile (Ctrl+C while down)
      this.events.reconnecting(attempt, why);
      try {
        const session = await this.openSession();
        if (this.state === 'failed') return session.abort();
        this.session = session;
        // Audio past the last final that the buffer no longer holds will never be transcribed.
        const lost = this.buffer.start - this.confirmed;
        if (lost > 0) this.events.gap(lost / this.bytesPerSecond);
        this.confirmed = Math.max(this.confirmed, this.buffer.start);
        this.offset = this.buffer.start;
        this.sent = this.offset;
        this.state = 'open';
        this.lastMessageAt = this.clock.now();
        this.events.reconnected({
          attempt,
          offsetSeconds: this.offset / this.bytesPerSecond,
          replayedSeconds: (this.buffer.produced - this.offset) / this.bytesPerSecond,
          downSeconds: (this.clock.now() - started) / 1000,
        });
        void this.drain();
        return;
      } catch (error) {
        if (this.isFailed()) return; // stopped while this attempt was under way: nothing more to report
        if (error instanceof AuthError || error instanceof RequestRejectedError || error instanceof UsageError) {
          this.state = 'failed';
          this.wakeSenders();
          return this.fail(error);
        }
        lastError = error instanceof Error ? error.message : String(error);
      }
      const delay = backoffMs(attempt, random);
      if (this.clock.now() - started + delay > this.options.reconnectTimeoutMs || this.state === 'failed') {
        this.state = 'failed';
        this.wakeSenders();
        const seconds = Math.round(this.options.reconnectTimeoutMs / 1000);
        return this.fail(new NetworkError(`could not reconnect to Deepgram within ${seconds} s (${lastError})`, 'check your network; --reconnect-timeout sets how long to keep trying'));
      }
      await this.clock.sleep(delay);
    }
  }

  private openSession(): Promise<LiveSession> {
    return LiveSession.open({ ...this.options.session, clock: this.clock }, this.handlers(), this.options.factory);
  }
}
