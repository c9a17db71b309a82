import { systemClock, type Clock } from '../audio/pacer.js';
import type { Heard } from '../transcript/heard.js';
import { LIVE_V1, type LiveProtocol } from '../deepgram/protocol.js';
import { LiveSession, type SessionClose } from '../deepgram/session.js';
import { NetworkError, type TranscribeError } from '../errors.js';
import { closeError, dropReason } from './close-error.js';
import {
  FINAL_WAIT_MS,
  FinalWait,
  ReconnectBudget,
  RECONNECT_CODES,
  STILL_RECONNECTING,
  StopRequest,
  type ConnectionEvents,
  type ConnectionOptions,
} from './reconnect-policy.js';
import { ReplaySender } from './replay-sender.js';
import { TurnEnding } from './turn-ending.js';
import { CleanEnd } from './clean-end.js';
import { openFirst, reconnectUntil, type Redial } from './reconnect-loop.js';

export { STILL_RECONNECTING, type ConnectionEvents, type ConnectionOptions } from './reconnect-policy.js';

type Closed = SessionClose & { timedOut: boolean };

/** Flux: before CloseStream (which drops the current turn), its end is asked for and waited for this long at most. */
const END_TURN_WAIT_MS = 3000;

/**
 * A Deepgram session that survives drops: audio goes through a replay buffer; after a drop (or a
 * stall: audio sent, nothing heard for the protocol's stall time) a new connection is opened with backoff, the audio
 * no final covered is sent again first (paced), and the caller shifts the new connection's times.
 */
export class DeepgramConnection {
  private session!: LiveSession;
  private readonly sender: ReplaySender;
  private state: 'open' | 'down' | 'closing' | 'failed' = 'open';
  /** Which connection's events count: those of older ones (already closed) are ignored. */
  private generation = 0;
  private reconnecting: Promise<void> | undefined;
  private readonly stopRequest = new StopRequest();
  /** Ctrl+C: no more new connections. */
  private stopped = false;
  private readonly clock: Clock;
  private readonly budget: ReconnectBudget;
  private lastMessageAt: number;
  /** Whether the current connection finished after our CloseStream, as its protocol shows it. */
  private readonly cleanEnd: CleanEnd;
  /** Flux: the turn under way is ended before CloseStream. */
  private readonly turn = new TurnEnding();
  private readonly protocol: LiveProtocol;
  /** The engine's last Error message on the current connection (Flux), for the close that follows it. */
  private lastFailure = '';
  private readonly finalWait: FinalWait;
  private readonly stopStallChecks: () => void;
  private readonly redial: Redial;
  private fail!: (error: TranscribeError) => void;
  /** Why the session cannot go on, once it cannot (what `failed` settles with). */
  failure: TranscribeError | undefined;
  /** Settles when the session cannot go on (a refused reconnection, a close we cannot recover from). */
  readonly failed = new Promise<TranscribeError>((resolve) => (this.fail = resolve));

  private constructor(
    private readonly options: ConnectionOptions,
    private readonly events: ConnectionEvents,
  ) {
    this.clock = options.clock ?? systemClock;
    this.protocol = options.session.protocol ?? LIVE_V1;
    this.cleanEnd = new CleanEnd(this.protocol, this.clock);
    this.finalWait = new FinalWait(this.clock);
    this.sender = new ReplaySender(options.format, options.bufferSeconds, options.live, options.paceSpeed ?? Infinity, this.clock);
    this.budget = new ReconnectBudget(this.clock, options.reconnectTimeoutMs, options.random ?? Math.random);
    this.lastMessageAt = this.clock.now();
    this.stopStallChecks = this.clock.every(1000, () => this.checkStall());
    this.redial = {
      clock: this.clock,
      budget: this.budget,
      options,
      events,
      stopped: () => this.stopped,
      failed: () => this.isFailed(),
      openSession: () => this.openSession(),
      adopt: (session, downSince) => this.adopt(session, downSince),
      giveUp: (error) => this.giveUp(error),
    };
  }

  /** Opens the first connection (see openFirst: a busy service is tried again, anything else is thrown). */
  static async open(options: ConnectionOptions, events: ConnectionEvents): Promise<DeepgramConnection> {
    const connection = new DeepgramConnection(options, events);
    try {
      connection.session = await openFirst(connection.redial);
    } catch (error) {
      connection.stopStallChecks();
      throw error;
    }
    connection.budget.connected();
    connection.sender.attach(connection.session, false);
    return connection;
  }

  /** Audio sent now still reaches Deepgram (now, or in the replay after a reconnection). */
  get takingAudio(): boolean {
    return this.state === 'open' || this.state === 'down';
  }

  /** The last connection finished after CloseStream: v1 answered with its Metadata (whatever its close code), Flux closed cleanly. */
  get finished(): boolean {
    return this.cleanEnd.finished;
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
    if (this.sender.mustWait && this.state !== 'failed') {
      this.awaitFinal();
      return this.sender.waitForRoom().then(() => this.send(frame));
    }
    // A promise only while something must be waited for (a full socket, a paced replay): the per-frame path makes none.
    return this.sender.push(frame);
  }

  /** Settle what was heard (v1 Finalize; Flux ForceEndTurn, which ends the turn: its end is what closeStream waits for). */
  finalize(): void {
    if (this.state !== 'open') return;
    this.session.finalize();
    this.turn.askedFor();
  }

  /**
   * The clean end: once reconnected (if down), the rest is sent, then CloseStream, bounded by
   * `timeoutMs`. A connection that drops here, or goes silent, with audio still unconfirmed is
   * replaced like any dropped one (with `retry`, until interrupted) and the rest sent again.
   */
  async closeStream(timeoutMs: number, retry: boolean): Promise<Closed> {
    this.finalWait.stop();
    for (;;) {
      // Stopping (Ctrl+C: no retry) waits for a reconnection only as long as it would for a close;
      // still down once that settled means the reconnection stopped trying (Ctrl+C).
      if (this.state === 'down' && (!(await this.stopRequest.waitFor(this.reconnecting, retry ? Infinity : timeoutMs, this.clock)) || this.isDown())) {
        this.abort();
        return { code: 1006, reason: STILL_RECONNECTING, timedOut: true };
      }
      if (this.state === 'failed') return { code: 1006, reason: 'failed', timedOut: false };
      await this.sender.flush();
      if (this.state !== 'open') continue; // dropped while the rest went out
      this.state = 'closing';
      this.sender.detach();
      this.stopStallChecks();
      if (this.protocol.endTurnFirst)
        await this.turn.end(
          () => this.session.finalize(),
          (ended) => this.stopRequest.waitFor(ended, Math.min(timeoutMs, END_TURN_WAIT_MS), this.clock),
        );
      const closed = await this.session.closeStream(timeoutMs, (done, ms) => this.stopRequest.waitFor(done, ms, this.clock));
      if (this.isFailed()) return closed;
      this.cleanEnd.closed(closed);
      const dropped = closed.timedOut || (RECONNECT_CODES.has(closed.code) && !this.finished);
      if (!dropped || !retry || this.stopped || !this.sender.unconfirmed || this.options.reconnectTimeoutMs === 0) return closed;
      this.goDown(closed.timedOut ? `no answer to CloseStream within ${timeoutMs / 1000} s` : dropReason(closed.code, closed.reason));
    }
  }

  /** Ctrl+C: no new connection is started, and a closeStream waits at most `graceMs` more (for a reconnection or the close). */
  interrupt(graceMs: number): void {
    this.stopped = true;
    this.stopRequest.stop(graceMs);
  }

  abort(): void {
    this.state = 'failed';
    this.sender.detach();
    this.sender.wake();
    this.stopStallChecks();
    this.finalWait.stop();
    this.session?.abort();
  }

  /** A method, not a comparison inline: TypeScript would narrow `state` across the awaits of the reconnect loop. */
  private isFailed(): boolean {
    return this.state === 'failed';
  }

  private isDown(): boolean {
    return this.state === 'down';
  }

  private handlers() {
    const generation = ++this.generation;
    this.cleanEnd.reset();
    this.turn.reset();
    this.lastFailure = '';
    return {
      onHeard: (list: Heard[]) => {
        if (generation !== this.generation) return;
        this.lastMessageAt = this.clock.now();
        for (const heard of list) this.take(heard);
      },
      onClose: (code: number, closeReason: string, local: boolean) => {
        if (generation !== this.generation || this.state === 'closing' || this.state === 'failed') return;
        // Flux says why in an Error message before it closes: that is the reason to show.
        const reason = closeReason || this.lastFailure;
        if (RECONNECT_CODES.has(code) && this.options.reconnectTimeoutMs > 0) this.goDown(dropReason(code, reason));
        else this.giveUp(closeError(code, reason, local));
      },
    };
  }

  private take(heard: Heard): void {
    if (heard.kind === 'metadata' && this.state === 'closing') this.cleanEnd.metadata(this.session);
    if (heard.kind === 'turn') this.turn.heard(heard);
    if (heard.kind === 'failure') this.lastFailure = heard.description ? `${heard.code}: ${heard.description}` : heard.code;
    if (heard.kind === 'confirmed') this.covered(heard.until);
    this.events.heard(heard);
  }

  private covered(until: number): void {
    this.sender.confirm(until);
    this.budget.progress();
    this.finalWait.stop();
  }

  /** A file's buffer is full: ask for the finals that free it, and give up if none comes (a server that never finalizes). */
  private awaitFinal(): void {
    if (this.state !== 'open') return;
    this.finalWait.arm(
      () => this.session.finalize(),
      () => {
        this.abort();
        this.giveUp(
          new NetworkError(
            `Deepgram sent no final transcript for ${this.options.bufferSeconds} s of audio, nor within ${FINAL_WAIT_MS / 1000} s of a Finalize`,
            'try again; if it persists, check status.deepgram.com',
          ),
        );
      },
    );
  }

  private checkStall(): void {
    const now = this.clock.now();
    // Audio went out since the last message, and nothing has come back for a while: a half-open socket.
    const stallMs = this.protocol.stallMs;
    if (this.state === 'open' && this.sender.lastSentAt >= this.lastMessageAt && now - this.lastMessageAt > stallMs) {
      this.generation += 1; // its close is ours, not news
      this.session.abort();
      const why = `no answer from Deepgram for ${stallMs / 1000} s`;
      if (this.options.reconnectTimeoutMs > 0) this.goDown(why);
      else this.giveUp(new NetworkError(why, 'check your network and try again'));
    }
  }

  /** The current connection is gone: reconnect, unless too many in a row did nothing. */
  private goDown(why: string): void {
    this.finalWait.stop();
    const tooMany = this.budget.lost();
    if (tooMany) return this.giveUp(new NetworkError(`${tooMany} (${why})`, 'try again later; if it persists, check status.deepgram.com'));
    this.state = 'down';
    this.sender.detach();
    this.reconnecting = reconnectUntil(this.redial, why);
  }

  private giveUp(error: TranscribeError): void {
    this.failure ??= error;
    this.state = 'failed';
    this.sender.detach();
    this.sender.wake();
    this.finalWait.stop();
    this.fail(error);
  }

  /** A new connection after a drop: the held audio goes to it first, once the caller has shifted its times. */
  private adopt(session: LiveSession, downSince: number): void {
    this.session = session;
    this.budget.connected();
    this.state = 'open';
    this.lastMessageAt = this.clock.now();
    const { lostSeconds, offsetSeconds, replayedSeconds } = this.sender.attach(session, true);
    // Audio past the last final that the buffer no longer held will never be transcribed.
    if (lostSeconds > 0) this.events.gap(lostSeconds);
    // Before the replay goes out: the caller shifts the new connection's times first.
    this.events.reconnected({ attempt: this.budget.attempt, offsetSeconds, replayedSeconds, downSeconds: (this.clock.now() - downSince) / 1000 });
    // A send that fails means this socket closed, which its onClose reports.
    this.sender.flush()?.catch(() => {});
    if (this.sender.mustWait) this.awaitFinal();
  }

  private openSession(): Promise<LiveSession> {
    return LiveSession.open({ ...this.options.session, clock: this.clock }, this.handlers(), this.options.factory);
  }
}
