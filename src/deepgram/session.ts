import type WebSocket from 'ws';
import { systemClock, type Clock } from '../audio/pacer.js';
import { NetworkError } from '../errors.js';
import { connectError, readRejection, readRejectionBody, rejectionError, type KeyDescription } from './handshake-errors.js';
import type { Heard } from '../transcript/heard.js';
import { LIVE_V1, type LiveProtocol } from './protocol.js';
import { sanitizeServerText, serverSnippet } from './sanitize.js';
import { settlesWithin } from '../settles-within.js';

export interface SessionOptions {
  url: string;
  apiKey?: string;
  /** Where the key came from, for an actionable 401 message. */
  key?: KeyDescription;
  connectTimeoutMs?: number;
  /** Idle time after which a KeepAlive is sent (Deepgram closes after ~10 s without any frame). */
  keepAliveMs?: number;
  /** Every timer of the session (connect timeout, KeepAlive, close wait) runs on it. */
  clock?: Clock;
  /** The engine's wire protocol (default: Deepgram live v1). */
  protocol?: LiveProtocol;
}

export interface SessionHandlers {
  /** What one server message said, in our terms (src/transcript/heard.ts). */
  onHeard(heard: Heard[]): void;
  /** `local`: we closed it because the server broke the WebSocket protocol; `reason` says how. */
  onClose(code: number, reason: string, local: boolean): void;
}

export type WebSocketFactory = (url: string, headers: Record<string, string>) => Promise<WebSocket>;

/** Starts loading `ws` (about 40 ms) so that it overlaps other start-up work; the module loader keeps the one load. */
export function preloadTransport(): void {
  import('ws').catch(() => {});
}

/** `ws` is Deepgram's own transport; we own it directly to read the error text of a rejected handshake. */
export const defaultWebSocketFactory: WebSocketFactory = async (url, headers) => {
  const { default: WebSocketClass } = await import('ws');
  return new WebSocketClass(url, { headers, perMessageDeflate: false, handshakeTimeout: 10_000, maxPayload: MAX_MESSAGE_BYTES });
};

/**
 * The largest message taken from Deepgram. A real one is a few KB (a Results of a 30 s segment
 * with 100 words is about 15 KB; MAX_WORDS_PER_RESULTS words about 1.5 MB); `ws` would take 100 MiB
 * (a 99 MB message took RSS to 445 MB). A bigger one closes the socket: 1009, a server error.
 */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
const OVERSIZE_REASON = `Deepgram sent a message larger than ${MAX_MESSAGE_BYTES / 1024 / 1024} MB, more than any real answer`;

export interface SessionClose {
  code: number;
  reason: string;
  /** We closed it: the server broke the WebSocket protocol. */
  local?: true;
}

/**
 * A frame from the server that breaks the protocol (`ws` reports it as an error, sends a close
 * frame, stops reading and waits up to 30 s for the server's close): the code and what to say.
 */
function protocolFault(error: NodeJS.ErrnoException): { code: number; reason: string } | undefined {
  if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return { code: 1009, reason: OVERSIZE_REASON };
  if (error.code === 'WS_ERR_INVALID_UTF8') return { code: 1007, reason: 'Deepgram sent a text message that is not valid UTF-8' };
  if (error.code?.startsWith('WS_ERR_'))
    return { code: 1002, reason: `Deepgram broke the WebSocket protocol: ${error.message.charAt(0).toLowerCase()}${error.message.slice(1)}` };
  return undefined;
}

const HIGH_WATER_BYTES = 256 * 1024;
/** A masked client frame's header: 2 bytes, 8 for the 64-bit length, 4 for the mask. */
const MAX_FRAME_HEADER_BYTES = 14;
const BINARY = { binary: true } as const;

/** One live connection (v1 or Flux, by its protocol): honest handshake errors, backpressure, KeepAlive, a clean close. */
export class LiveSession {
  private lastSentAt: number;
  private readonly stopKeepAlive: () => void;
  /** Settles when the socket has closed, with its code and reason. */
  readonly closed: Promise<SessionClose>;
  private closeStreamSent = false;

  private constructor(
    private readonly socket: WebSocket,
    handlers: SessionHandlers,
    keepAliveMs: number,
    private readonly clock: Clock,
    private readonly protocol: LiveProtocol,
    /** Deepgram's id for this session (`dg-request-id` of the handshake), for support and logs. */
    readonly requestId: string | undefined,
  ) {
    socket.on('message', (data, isBinary) => {
      // Text frames arrive as one Buffer (ws's default binaryType, 'nodebuffer').
      if (!isBinary) handlers.onHeard(protocol.parse((data as Buffer).toString()));
    });
    let fault: { code: number; reason: string } | undefined;
    this.lastSentAt = clock.now();
    this.closed = new Promise((resolve) => {
      socket.on('close', (wireCode, reason) => {
        this.stopKeepAlive();
        // The reason is server text that may be printed: no escape sequences.
        const closed: SessionClose = fault ? { ...fault, local: true } : { code: wireCode, reason: sanitizeServerText(reason.toString()).slice(0, 200) };
        resolve(closed);
        handlers.onClose(closed.code, closed.reason, closed.local === true);
      });
    });
    // A failure after open arrives as a close (1006); a frame that breaks the protocol (too big,
    // invalid UTF-8, a bad opcode...) is told apart and ends at once: no 30 s wait for a close.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      fault ??= protocolFault(error);
      if (fault) socket.terminate();
    });
    const keepAlive = protocol.keepAlive;
    this.stopKeepAlive = keepAlive
      ? clock.every(Math.min(1000, keepAliveMs), () => {
          if (clock.now() - this.lastSentAt >= keepAliveMs) this.control(keepAlive);
        })
      : () => {};
  }

  static async open(options: SessionOptions, handlers: SessionHandlers, factory = defaultWebSocketFactory): Promise<LiveSession> {
    const clock = options.clock ?? systemClock;
    const headers: Record<string, string> = options.apiKey ? { Authorization: `Token ${options.apiKey}` } : {};
    const socket = await factory(options.url, headers);
    let requestId: string | undefined;
    socket.once('upgrade', (response) => {
      const id = response.headers['dg-request-id'];
      const first = Array.isArray(id) ? id[0] : id;
      requestId = first === undefined ? undefined : serverSnippet(first, 100); // shown in logs and NDJSON: no escape sequences
    });
    await new Promise<void>((resolve, reject) => {
      const cancelTimer = clock.after(options.connectTimeoutMs ?? 10_000, () => {
        socket.terminate();
        reject(
          new NetworkError(
            `no answer from ${new URL(options.url).host} within ${(options.connectTimeoutMs ?? 10_000) / 1000} s`,
            'check your network and --api-url',
          ),
        );
      });
      socket.once('open', () => {
        cancelTimer();
        resolve();
      });
      socket.once('unexpected-response', (_request, response) => {
        cancelTimer(); // the answer came; reading its body is bounded on its own
        readRejectionBody(response).then((body) => {
          reject(rejectionError(readRejection(response.statusCode ?? 0, response.headers, body), options.key, options.url));
          socket.terminate();
        }, reject);
      });
      // `on`, not `once`: aborting a rejected handshake emits a second error that must not go unhandled.
      socket.on('error', (error: NodeJS.ErrnoException) => {
        cancelTimer();
        reject(connectError(error, options.url));
      });
    });
    return new LiveSession(socket, handlers, options.keepAliveMs ?? 4000, clock, options.protocol ?? LIVE_V1, requestId);
  }

  get isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  /** Open and not closing: audio sent now will be transcribed. */
  get accepting(): boolean {
    return this.isOpen && !this.closeStreamSent;
  }

  /**
   * Sends one audio frame. Returns a promise only when the socket's buffer is full (backpressure):
   * it resolves once that frame is written. Most frames carry no callback and make no promise.
   */
  send(frame: Buffer): Promise<void> | undefined {
    if (!this.accepting || frame.length === 0) return undefined;
    this.lastSentAt = this.clock.now();
    // Even with the largest frame header added, the buffer stays under the mark: nothing to wait for.
    if (this.socket.bufferedAmount + frame.length + MAX_FRAME_HEADER_BYTES < HIGH_WATER_BYTES) {
      this.socket.send(frame, BINARY);
      return undefined;
    }
    return new Promise((resolve) => {
      this.socket.send(frame, BINARY, () => resolve());
      if (this.socket.bufferedAmount < HIGH_WATER_BYTES) resolve();
    });
  }

  /** Settle what was heard so far: v1's Finalize, Flux's ForceEndTurn. */
  finalize(): void {
    this.control(this.protocol.finalize);
  }

  /**
   * The clean end: Deepgram sends the last Results and Metadata, then closes. Bounded by
   * `timeoutMs`, or by `waitFor` (which may cut the wait short, as a Ctrl+C does).
   */
  async closeStream(
    timeoutMs: number,
    waitFor: (closed: Promise<unknown>, ms: number) => Promise<boolean> = (closed, ms) => settlesWithin(closed, ms, this.clock),
  ): Promise<SessionClose & { timedOut: boolean }> {
    if (!this.closeStreamSent) this.control(this.protocol.closeStream);
    this.closeStreamSent = true;
    if (await waitFor(this.closed, timeoutMs)) return { ...(await this.closed), timedOut: false };
    this.socket.terminate();
    return { ...(await this.closed), timedOut: true };
  }

  /** Ends the connection now, without waiting for Deepgram (second Ctrl+C, fatal error). */
  abort(): void {
    this.stopKeepAlive();
    this.socket.terminate();
  }

  private control(message: string): void {
    if (!this.isOpen) return;
    this.lastSentAt = this.clock.now();
    this.socket.send(message);
  }
}
