import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { UsageError } from '../errors.js';
import { checkAccess } from './access.js';
import { origin, type ServeAddress } from './address.js';
import { EventHistory, parseLastEventId, sseFrame, sseHello } from './sse.js';
import { loadPages, SECURITY_HEADERS, type StaticFile } from './static-pages.js';

export interface CaptionServerOptions {
  address: ServeAddress;
  /** Required for every request when set (servers on other interfaces). */
  token?: string;
  /** Events kept for late and reconnecting clients. */
  historyBytes?: number;
  /** A client that has this much unsent is dropped; its browser reconnects with its last id. */
  clientBufferBytes?: number;
  /** How soon a browser reconnects after a drop. */
  retryMs?: number;
}

interface Client {
  response: ServerResponse;
  /** Written to directly: the response carries no chunked framing (see subscribe). */
  socket: Socket;
}

/**
 * The `--serve` HTTP server: the pages, `/events` (SSE: every NDJSON event, with ids and resumption)
 * and `/healthz`. A reader of the transcript, never a cost to it: publishing only queues bytes,
 * a slow client is dropped, and no error of a client or socket reaches the session.
 */
export class CaptionServer {
  private readonly clients = new Set<Client>();
  private readonly history: EventHistory;
  private running = true;
  private readonly heartbeat: NodeJS.Timeout;
  private pending = '';
  private flushing: NodeJS.Immediate | undefined;

  private constructor(
    private readonly server: Server,
    private readonly pages: Map<string, StaticFile>,
    private readonly options: Required<Omit<CaptionServerOptions, 'token'>> & { token?: string },
  ) {
    this.history = new EventHistory(options.historyBytes);
    // Proxies and some browsers give up on a silent stream.
    this.heartbeat = setInterval(() => this.broadcast(': keep-alive\n\n'), 15_000).unref();
  }

  static async start(options: CaptionServerOptions): Promise<CaptionServer> {
    const full = { historyBytes: 16 * 1024 * 1024, clientBufferBytes: 1024 * 1024, retryMs: 1000, ...options };
    const pages = loadPages();
    const server = createServer();
    const captions = new CaptionServer(server, pages, full);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => captions.handle(request, response));
    server.on('clientError', (_error, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, options.address)));
      server.listen(options.address.port, options.address.host, () => resolve());
    });
    server.on('error', () => {}); // after listening, errors belong to single sockets
    return captions;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `${origin(this.options.address.host, this.port)}/`;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /**
   * One NDJSON line to every client (and the history). The writes wait for the end of this turn of
   * the event loop: the session finishes handling its message (and writing stdout) first, and the
   * events of one message reach each client in one write.
   */
  publish(line: string): void {
    const id = this.history.push(line);
    this.pending += sseFrame(id, line);
    this.flushing ??= setImmediate(() => {
      this.flushing = undefined;
      // Encoded once for every client rather than once per write.
      const frames = Buffer.from(this.pending);
      this.pending = '';
      this.broadcast(frames);
    });
  }

  /** The session ended: `/healthz` says so; clients stay until close(). */
  ended(): void {
    this.running = false;
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    if (this.flushing) clearImmediate(this.flushing);
    if (this.pending) this.broadcast(this.pending);
    for (const client of this.clients) client.response.end();
    this.clients.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** One write (one syscall) per client, straight to its socket: 200 clients cost about 3 ms of CPU here. */
  private broadcast(frame: string | Buffer): void {
    for (const client of this.clients) {
      if (client.socket.writableLength > this.options.clientBufferBytes) {
        // Too slow to keep up: drop it rather than hold its backlog; it resumes from its last id.
        this.clients.delete(client);
        client.response.destroy();
        continue;
      }
      client.socket.write(frame);
    }
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    response.on('error', () => {});
    const headers = { ...SECURITY_HEADERS };
    const access = checkAccess(
      { url: request.url ?? '/', host: request.headers.host, cookie: request.headers.cookie },
      { token: this.options.token, port: this.port },
    );
    if (!access.allowed) return plain(response, access.status, headers, access.reason);
    if (access.setCookie) headers['Set-Cookie'] = access.setCookie;
    if (request.method !== 'GET') return plain(response, 405, { ...headers, Allow: 'GET' }, 'only GET');
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path === '/events') return this.subscribe(request, response, headers);
    if (path === '/healthz') {
      const body = JSON.stringify({ transcribing: this.running, clients: this.clients.size, last_event_id: this.history.lastId });
      response.writeHead(200, { ...headers, 'Content-Type': 'application/json' }).end(body);
      return;
    }
    const page = this.pages.get(path);
    if (!page) return plain(response, 404, headers, 'not found');
    response.writeHead(200, { ...headers, 'Content-Type': page.type, 'Content-Length': page.body.length }).end(page.body);
  }

  private subscribe(request: IncomingMessage, response: ServerResponse, headers: Record<string, string>): void {
    const header = request.headers['last-event-id'];
    const lastId =
      parseLastEventId(Array.isArray(header) ? header[0] : header) ?? parseLastEventId(new URL(request.url ?? '/', 'http://x').searchParams.get('lastEventId'));
    // No chunked encoding: the body ends when the connection does (`Connection: close`), so events go
    // to the socket as they are, without a response's framing and per-write cork (a quarter less CPU).
    response.useChunkedEncodingByDefault = false;
    response.writeHead(200, { ...headers, 'Content-Type': 'text/event-stream; charset=utf-8', 'X-Accel-Buffering': 'no' });
    request.socket.setNoDelay(true);
    const { entries, lost } = this.history.since(lastId);
    let backlog = sseHello(this.options.retryMs);
    // Events this client missed and the history no longer holds: the page says so instead of pretending.
    if (lost) backlog += `event: lost\ndata: {}\n\n`;
    for (const entry of entries) backlog += sseFrame(entry.id, entry.line);
    response.write(backlog);
    const client = { response, socket: request.socket };
    this.clients.add(client);
    const forget = () => this.clients.delete(client);
    response.on('close', forget);
  }
}

function plain(response: ServerResponse, status: number, headers: Record<string, string>, text: string): void {
  response.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end(text + '\n');
}

function listenError(error: NodeJS.ErrnoException, address: ServeAddress): Error {
  const where = `${address.host}:${address.port}`;
  if (error.code === 'EADDRINUSE')
    return new UsageError(`cannot serve captions on ${where}: the port is in use`, 'choose another with --serve HOST:PORT (port 0 picks a free one)');
  if (error.code === 'EADDRNOTAVAIL')
    return new UsageError(`cannot serve captions on ${where}: no interface of this machine has that address`, 'use 127.0.0.1, 0.0.0.0 or one of its addresses');
  if (error.code === 'EACCES') return new UsageError(`cannot serve captions on ${where}: ports below 1024 need privileges`, 'choose a port of 1024 or more');
  return new UsageError(`cannot serve captions on ${where}: ${error.message}`, 'choose another address with --serve HOST:PORT');
}
