// The HTTP side of a live connection: which handshakes are refused, and how the refusal is
// written (a plain HTTP response with dg-request-id, dg-error and a JSON body; no 101).
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { defaultErrorBody } from './errors.js';
import { checkListenQuery, type ListenParams } from './query.js';
import type { HandshakeReject } from './types.js';

export const LISTEN_PATH = '/v1/listen';

export interface Refusal {
  status: number;
  body: object;
  /** dg-error header. */
  errorText: string;
  /** More headers (Retry-After). */
  headers?: Record<string, string>;
}

export type HandshakeCheck = { ok: true; params: ListenParams } | { ok: false; refusal: Refusal };

/** A fixture body for the status, with err_msg replaced when a text is given. */
export function refusal(status: number, errorText?: string, requestId?: string): Refusal {
  const body = { ...defaultErrorBody(status), ...(errorText === undefined ? {} : { err_msg: errorText }) };
  return { status, body: { ...body, request_id: requestId }, errorText: body.err_msg };
}

/** The refusal a `reject` fault asks for; a custom body goes out exactly as given. */
export function refusalFromFault(reject: HandshakeReject, requestId: string): Refusal {
  if (reject.body === undefined) return refusal(reject.status, reject.errorText, requestId);
  const body = reject.body as { err_msg?: unknown; message?: unknown };
  const text = reject.errorText ?? body.err_msg ?? body.message;
  return { status: reject.status, body: reject.body, errorText: typeof text === 'string' ? text : '' };
}

/**
 * `Authorization: Token <key>` (or `Bearer <key>` for a JWT), or the browser form: the
 * subprotocols `token, <key>`. apiKey null: no authentication, like self-hosted Deepgram.
 */
export function isAuthorized(request: IncomingMessage, apiKey: string | null): boolean {
  if (apiKey === null) return true;
  const match = /^(token|bearer)\s+(.+)$/i.exec(request.headers.authorization ?? '');
  if (match) return match[2]?.trim() === apiKey;
  const protocols = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  return protocols[0]?.toLowerCase() === 'token' && protocols[1] === apiKey;
}

/** In the order the checks are made: path (404), credentials (401), query (400). */
export function checkHandshake(request: IncomingMessage, apiKey: string | null, requestId: string): HandshakeCheck {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (url.pathname !== LISTEN_PATH) return { ok: false, refusal: refusal(404, undefined, requestId) };
  if (!isAuthorized(request, apiKey)) return { ok: false, refusal: refusal(401, undefined, requestId) };
  const query = checkListenQuery(url.searchParams);
  if (!query.ok) {
    const body = { ...query.error, request_id: requestId };
    return { ok: false, refusal: { status: 400, body, errorText: query.error.err_msg } };
  }
  return { ok: true, params: query.params };
}

/** The header every response carries, 101 included. */
export const requestIdHeader = (requestId: string): string => `dg-request-id: ${requestId}`;

/** Writes the refusal on the raw upgrade socket and ends it. */
export function writeRefusal(socket: Duplex, refused: Refusal, requestId: string): void {
  const body = JSON.stringify(refused.body);
  const head = [
    `HTTP/1.1 ${refused.status} ${STATUS_CODES[refused.status] ?? 'Error'}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    requestIdHeader(requestId),
    `dg-error: ${refused.errorText.replace(/[\r\n]+/g, ' ')}`,
    ...Object.entries(refused.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    'Connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}
