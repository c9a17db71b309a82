import { BYTES_PER_SAMPLE, type PcmFormat } from '../audio/format.js';
import { pacingDelayMs, type Clock } from '../audio/pacer.js';
import type { LiveSession } from '../deepgram/session.js';
import { ReplayBuffer } from './replay-buffer.js';

/**
 * The audio side of a DeepgramConnection: every frame goes through the replay buffer and out to
 * the current connection's socket, with backpressure; after a reconnection the audio no final
 * covered goes out again, paced (Deepgram's limit on speed holds for re-sent audio too).
 */
export class ReplaySender {
  private readonly buffer: ReplayBuffer;
  /** The connection audio goes to; none while down or closing. */
  private target: LiveSession | undefined;
  /** Session byte positions: where the current connection's audio starts, and how far it was sent. */
  private offset = 0;
  private sent = 0;
  /** Session position up to which finals have confirmed the audio. */
  private confirmed = 0;
  /** The running send loop, if any: one at a time, and everyone waits for the same one. */
  private drainer: Promise<void> | undefined;
  private spaceWaiters: (() => void)[] = [];
  /** Pacing of a replayed connection: since when, from which position. */
  private paced: { at: number; from: number } | undefined;
  /** When audio last went out (clock time): a stall is audio sent and nothing heard. */
  lastSentAt = -Infinity;

  constructor(
    private readonly format: PcmFormat,
    bufferSeconds: number,
    private readonly live: boolean,
    private readonly paceSpeed: number,
    private readonly clock: Clock,
  ) {
    const block = format.channels * BYTES_PER_SAMPLE;
    this.buffer = new ReplayBuffer(Math.ceil(bufferSeconds * format.sampleRate) * block, block);
  }

  /** A file must wait: its audio is all held for a replay until finals confirm it. */
  get mustWait(): boolean {
    return !this.live && this.buffer.full;
  }

  get unconfirmed(): boolean {
    return this.buffer.start < this.buffer.produced;
  }

  /** Resolves once there is room again (or `wake`). */
  waitForRoom(): Promise<void> {
    return new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
  }

  wake(): void {
    const waiters = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Holds the frame and sends what the connection has not had: a promise only when something must be waited for. */
  push(frame: Buffer): Promise<void> | undefined {
    this.buffer.append(frame);
    this.buffer.takeDropped();
    const draining = this.drain();
    // A live source is never held back by the pacing of a replay: the buffer takes the audio meanwhile.
    return this.live && this.paced ? undefined : draining;
  }

  /** Audio stops going out (down, closing, failed). */
  detach(): void {
    this.target = undefined;
  }

  /** Sends what the current connection has not had: a promise while that takes time. */
  flush(): Promise<void> | undefined {
    return this.drain();
  }

  /**
   * A new connection: the held audio goes to it first (paced), once `flush` starts it. Returns the seconds lost (audio past
   * the last final that the buffer no longer held), where its audio starts and how much is replayed.
   */
  attach(session: LiveSession, replay: boolean): { lostSeconds: number; offsetSeconds: number; replayedSeconds: number } {
    const lost = this.buffer.start - this.confirmed;
    this.confirmed = Math.max(this.confirmed, this.buffer.start);
    this.offset = this.sent = this.buffer.start;
    this.target = session;
    this.paced = replay && Number.isFinite(this.paceSpeed) ? { at: this.clock.now(), from: this.offset } : undefined;
    return {
      lostSeconds: Math.max(0, lost) / this.bytesPerSecond,
      offsetSeconds: this.offset / this.bytesPerSecond,
      replayedSeconds: (this.buffer.produced - this.offset) / this.bytesPerSecond,
    };
  }

  /** The engine settled the audio up to `end` (seconds of the current connection): no need to send that again. */
  confirm(end: number): void {
    const position = this.offset + Math.round(end * this.format.sampleRate) * this.format.channels * BYTES_PER_SAMPLE;
    this.confirmed = Math.max(this.confirmed, position);
    this.buffer.release(position);
    this.wake();
  }

  private get bytesPerSecond(): number {
    return this.format.sampleRate * this.format.channels * BYTES_PER_SAMPLE;
  }

  /**
   * Sends what the current connection has not had yet, including what is appended meanwhile.
   * Undefined when all of it went out at once; else a promise that settles when all of it has.
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

  /** Sends until done, until the socket's buffer is full, or until a replay must wait for its pace: then what to wait for. */
  private sendPending(): Promise<void> | undefined {
    while (this.target?.accepting && this.sent < this.buffer.produced) {
      // A live source overflowed the buffer while the socket was full: the dropped audio is gone.
      if (this.sent < this.buffer.start) this.sent = this.buffer.start;
      const wait = this.paced ? pacingDelayMs((this.sent - this.paced.from) / this.bytesPerSecond, this.paceSpeed, this.clock.now() - this.paced.at) : 0;
      if (wait >= 1) return this.clock.sleep(wait);
      // Looked up afresh each time: finals may release frames while a send waits.
      const piece = this.buffer.pieceAt(this.sent);
      if (!piece) return undefined;
      this.sent += piece.length;
      this.lastSentAt = this.clock.now();
      const blocked = this.target.send(piece);
      if (blocked) return blocked;
    }
    return undefined;
  }
}
