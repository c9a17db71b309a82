// startDeepgramServer(): node:http on 127.0.0.1 at a free port; upgrades are handled here so a
// refused handshake is a real HTTP response, as with the live API. POST /v1/listen is the
// pre-recorded API (prerecorded.ts).
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { resolveAdversarial } from './adversarial.js';
import { ConnectionRecord } from './connection-log.js';
import { checkFluxHandshake, isFluxRequest } from './flux-query.js';
import { FluxSession } from './flux-session.js';
import { checkHandshake, isAuthorized, LISTEN_PATH, refusal, refusalFromFault, requestIdHeader, writeRefusal, type Refusal } from './handshake.js';
import { isManagementPath, serveManagement } from './management.js';
import { servePrerecorded } from './prerecorded.js';
import { checkScript } from './recognizer.js';
import { ReferenceTimeline } from './reference.js';
import { LiveSession, type SessionTiming } from './session.js';
import type { ConnectionLog, DeepgramServer, DeepgramServerOptions, ManagementRequestLog } from './types.js';

const DEFAULT_WAIT_MS = 5000;

const DEFAULT_TIMING: SessionTiming = {
  idleTimeoutMs: 10_000,
  interimIntervalSec: 1.0,
  maxSegmentSec: 5,
  responseDelayMs: 0,
};

/** Plain HTTP other than POST /v1/listen: 404 off the path, 405 for another method; not logged. */
function answerPlainRequest(request: IncomingMessage, response: ServerResponse): void {
  const requestId = randomUUID();
  const isListen = new URL(request.url ?? '/', 'http://localhost').pathname === LISTEN_PATH;
  const refused = refusal(isListen ? 405 : 404, undefined, requestId);
  request.resume();
  response.writeHead(refused.status, {
    'content-type': 'application/json',
    'dg-request-id': requestId,
    'dg-error': refused.errorText,
    ...(isListen ? { allow: 'POST' } : {}),
  });
  response.end(JSON.stringify(refused.body));
}

/** Close codes a server may put in a close frame (RFC 6455 7.4); 1006 is what `abrupt` produces. */
function checkFaults(faults: DeepgramServerOptions['faults'] = []): void {
  for (const code of faults.map((fault) => fault.dropAfterBytes?.code)) {
    const sendable = code === undefined || (code >= 1000 && code <= 4999 && ![1004, 1005, 1006, 1015].includes(code));
    if (!sendable) throw new Error(`dropAfterBytes.code ${code} cannot be sent in a close frame (use abrupt: true for 1006)`);
  }
}

export async function startDeepgramServer(options: DeepgramServerOptions = {}): Promise<DeepgramServer> {
  const apiKey = options.apiKey === undefined ? 'test-key' : options.apiKey;
  const script = checkScript(options.script ?? []);
  checkFaults(options.faults);
  const timing: SessionTiming = {
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_TIMING.idleTimeoutMs,
    interimIntervalSec: options.interimIntervalSec ?? DEFAULT_TIMING.interimIntervalSec,
    maxSegmentSec: options.maxSegmentSec ?? DEFAULT_TIMING.maxSegmentSec,
    responseDelayMs: options.responseDelayMs ?? DEFAULT_TIMING.responseDelayMs,
  };
  const connections: ConnectionRecord[] = [];
  const changes = new EventEmitter();
  const sockets = new Set<Socket>();
  const requestIds = new WeakMap<IncomingMessage, string>();
  const sessions = new Set<{ abort(): void }>();
  const reference = options.reference === undefined ? undefined : new ReferenceTimeline(options.reference);
  const keepAudio = options.keepAudio ?? true;
  const behaviours = resolveAdversarial(options.profile, options.adversarial);
  const adversarial = Object.values(behaviours).some((value) => value !== null && value !== false) ? { behaviours, seed: options.seed ?? 1 } : undefined;

  const wss = new WebSocketServer({
    noServer: true,
    // Browser-style auth sends the key as subprotocols `token, <key>`: answer with `token`.
    handleProtocols: (protocols) => (protocols.has('token') ? 'token' : false),
  });
  wss.on('headers', (headers, request) => headers.push(requestIdHeader(requestIds.get(request) ?? '')));

  /** Every attempt, live or pre-recorded, is logged under the next index (faults[index] applies to it). */
  const logAttempt = (request: IncomingMessage, kind: 'live' | 'prerecorded'): ConnectionRecord => {
    const record = new ConnectionRecord(connections.length, randomUUID(), request, kind);
    connections.push(record);
    void record.closed.then(() => changes.emit('change'));
    changes.emit('change');
    return record;
  };

  // The account's concurrency limit: a request beyond it is refused (429) before anything else is checked.
  const load = { inFlight: 0, peak: 0, refused: 0, sockets: 0 };
  const overLimit = (record: ConnectionRecord): Refusal | undefined => {
    if (options.concurrencyLimit !== undefined && load.inFlight >= options.concurrencyLimit) {
      load.refused += 1;
      const retryAfter = options.retryAfterSec === undefined ? 1 : options.retryAfterSec;
      return { ...refusal(429, undefined, record.requestId), ...(retryAfter === null ? {} : { headers: { 'retry-after': String(retryAfter) } }) };
    }
    load.inFlight += 1;
    load.peak = Math.max(load.peak, load.inFlight);
    record.closed.then(() => (load.inFlight -= 1)).catch(() => {});
    return undefined;
  };

  const managementRequests: ManagementRequestLog[] = [];
  const http = createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (isManagementPath(pathname)) return serveManagement(request, response, isAuthorized(request, apiKey), options.management ?? {}, managementRequests);
    const isListen = pathname === LISTEN_PATH;
    if (!isListen || request.method !== 'POST') return answerPlainRequest(request, response);
    const record = logAttempt(request, 'prerecorded');
    const busy = overLimit(record);
    if (busy) {
      request.resume();
      record.responseStatus = 429;
      response.writeHead(429, { 'content-type': 'application/json', 'dg-request-id': record.requestId, 'dg-error': busy.errorText, ...busy.headers });
      response.end(JSON.stringify(busy.body));
      return record.markRefused(429);
    }
    const fault = options.faults?.[record.index];
    servePrerecorded({ request, response, record, apiKey, script, fault, delayMs: options.prerecordedDelayMs ?? 0 });
  });
  http.on('connection', (socket) => {
    sockets.add(socket);
    load.sockets += 1;
    socket.on('close', () => sockets.delete(socket));
  });
  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const record = logAttempt(request, 'live');
    const fault = options.faults?.[record.index];
    const refuse = (refused: Refusal): void => {
      writeRefusal(socket, refused, record.requestId);
      record.markRefused(refused.status);
    };
    const busy = overLimit(record);
    if (busy) return refuse(busy);
    const isFlux = isFluxRequest(request); // /v2/listen: flux-session.ts
    const handshake = isFlux ? checkFluxHandshake(request, apiKey, record.requestId) : checkHandshake(request, apiKey, record.requestId);
    if (!handshake.ok) return refuse(handshake.refusal);
    if (fault?.reject) return refuse(refusalFromFault(fault.reject, record.requestId));
    requestIds.set(request, record.requestId);
    wss.handleUpgrade(request, socket, head, (ws) => {
      if ('eotThreshold' in handshake.params) {
        const flux = new FluxSession({
          ws,
          record,
          params: handshake.params,
          script,
          fault,
          idleTimeoutMs: timing.idleTimeoutMs,
          reference,
          keepAudio,
          flux: options.flux,
        });
        sessions.add(flux);
        record.closed.then(() => sessions.delete(flux)).catch(() => {});
        return;
      }
      const session = new LiveSession({
        ws,
        record,
        params: handshake.params,
        script,
        fault,
        timing,
        reference,
        keepAudio,
        ...(adversarial ? { adversarial } : {}),
      });
      sessions.add(session);
      void record.closed.then(() => sessions.delete(session));
    });
  });

  const listen = (onPort: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(onPort, '127.0.0.1', () => {
        http.off('error', reject);
        resolve();
      });
    });
  /** Stops listening; resolves once every socket is gone (an already stopped server is fine). */
  const stopListening = (): Promise<void> => new Promise<void>((resolve) => http.close(() => resolve()));

  await listen(0);
  const { port } = http.address() as AddressInfo;

  /** Resolves when `done()` holds, checking after every new connection and every close. */
  function waitUntil<T>(done: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const value = done();
        if (value === undefined) return;
        clearTimeout(timer);
        changes.off('change', check);
        resolve(value);
      };
      const timer = setTimeout(() => {
        changes.off('change', check);
        reject(new Error(`deepgram test server: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      changes.on('change', check);
      check();
    });
  }

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connections,
    managementRequests,
    load,
    async waitForConnections(n, timeoutMs = DEFAULT_WAIT_MS) {
      await waitUntil(() => (connections.length >= n ? true : undefined), timeoutMs, `${n} connection(s)`);
    },
    waitForClose(index, timeoutMs = DEFAULT_WAIT_MS): Promise<ConnectionLog> {
      const closed = (): ConnectionLog | undefined => {
        const record = connections[index];
        return record?.closedAt === undefined ? undefined : record;
      };
      return waitUntil(closed, timeoutMs, `connection ${index} to close`);
    },
    async goAway() {
      const stopped = stopListening();
      for (const session of sessions) session.abort();
      for (const socket of sockets) socket.destroy();
      await stopped;
    },
    async comeBack() {
      if (!http.listening) await listen(port);
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await stopListening();
    },
  };
}
