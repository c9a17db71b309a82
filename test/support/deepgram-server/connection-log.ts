// The record kept of one connection attempt, which tests read through server.connections.
import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { AudioMeter } from './audio.js';
import type { ConnectionLog, FrameLog, SentLog, TextFrameLog } from './types.js';

export class ConnectionRecord implements ConnectionLog {
  readonly url: string;
  readonly query: URLSearchParams;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly authorization?: string;
  readonly openedAt = Date.now();
  rejectedWith?: number;
  bodyChunks = 0;
  responseStatus?: number;
  frames: FrameLog[] = [];
  audioBytes = 0;
  audioSeconds = 0;
  referenceOffset?: number;
  referenceOffsetSeconds?: number;
  referenceFound?: boolean;
  textFrames: unknown[] = [];
  textFrameLog: TextFrameLog[] = [];
  binaryEmptyFrames = 0;
  sent: SentLog[] = [];
  closeCode?: number;
  closeReason?: string;
  closedBy?: 'server' | 'client';
  closedAt?: number;
  /** Replaced by the session once the query says how to count the audio. */
  meter = new AudioMeter(undefined, undefined, 1);
  /** Resolves when the socket is gone, or at once for a refused handshake. */
  readonly closed: Promise<void>;

  private readonly openedAtPerf = performance.now();
  private resolveClosed!: () => void;

  constructor(
    readonly index: number,
    readonly requestId: string,
    request: IncomingMessage,
    readonly kind: 'live' | 'prerecorded' = 'live',
  ) {
    this.url = request.url ?? '/';
    this.query = new URL(this.url, 'http://localhost').searchParams;
    this.headers = { ...request.headers };
    this.authorization = request.headers.authorization;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  get audio(): Buffer {
    return this.meter.audio;
  }

  get sha256(): string {
    return this.meter.sha256;
  }

  /** Milliseconds since the handshake request arrived. */
  elapsed(): number {
    return performance.now() - this.openedAtPerf;
  }

  /** First caller wins: a server-initiated close keeps the code it sent, not the client's echo. */
  noteClosing(by: 'server' | 'client', code: number, reason: string): void {
    if (this.closedBy !== undefined) return;
    this.closedBy = by;
    this.closeCode = code;
    this.closeReason = reason;
  }

  markRefused(status: number): void {
    this.rejectedWith = status;
    this.closedBy = 'server';
    this.markClosed();
  }

  markClosed(): void {
    this.closedAt ??= Date.now();
    this.resolveClosed();
  }
}
