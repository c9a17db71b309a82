import type { IncomingMessage } from 'node:http';
import { displayUrl } from '../display-url.js';
import { AuthError, NetworkError, RequestRejectedError, ServiceBusyError, TranscribeError, UsageError } from '../errors.js';
import { serverSnippet } from './sanitize.js';

/** Deepgram's error bodies are a few hundred bytes: more is not read (an endless body once grew to 1.2 GB). */
export const MAX_REJECTION_BODY_BYTES = 8192;
/** The body of a refusal arrives with its headers: it is not waited for longer than this. */
export const REJECTION_BODY_WAIT_MS = 3000;

export interface Rejection {
  status: number;
  /** `dg-error` header, or the message in the JSON body. */
  message?: string;
  requestId?: string;
  /** `Retry-After` (429, 503), in ms. */
  retryAfterMs?: number;
  /** Where a redirect (3xx) points: shown, never followed. */
  location?: string;
}

/** The longest `Retry-After` taken as given: a server may ask for anything. */
export const MAX_RETRY_AFTER_MS = 3600_000;

/** `Retry-After`: whole seconds or an HTTP date, in ms from `now`; undefined if neither. */
export function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const ms = /^\s*\d+\s*$/.test(value) ? Number(value) * 1000 : /GMT\s*$/.test(value) ? Date.parse(value) - now : NaN;
  return Number.isFinite(ms) ? Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms)) : undefined;
}

/** Which key was sent, for a 401 message the user can act on (masked, never the key). */
export interface KeyDescription {
  source: string;
  masked: string;
}

/** Reads Deepgram's error from a rejected handshake: `dg-error` header first, then the JSON body. */
export function readRejection(status: number, headers: Record<string, string | string[] | undefined>, body: string, now = Date.now()): Rejection {
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  let parsed: { err_msg?: unknown; message?: unknown; request_id?: unknown } = {};
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    // not JSON: the header is all we have
  }
  const fromBody = typeof parsed.err_msg === 'string' ? parsed.err_msg : typeof parsed.message === 'string' ? parsed.message : undefined;
  // Server text, shown to the user: sanitized (no escape sequences) and short.
  const rawMessage = header('dg-error') || fromBody; // an empty header does not hide the body's text
  const message = rawMessage === undefined ? undefined : serverSnippet(rawMessage, 300);
  const rawId = header('dg-request-id') ?? (typeof parsed.request_id === 'string' ? parsed.request_id : undefined);
  const requestId = rawId === undefined ? undefined : serverSnippet(rawId, 100);
  const retryAfter = retryAfterMs(header('retry-after'), now);
  const rawLocation = header('location');
  const location = rawLocation === undefined ? undefined : serverSnippet(displayUrl(rawLocation), 200);
  return {
    status,
    ...(message ? { message } : {}),
    ...(requestId ? { requestId } : {}),
    ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
    ...(location ? { location } : {}),
  };
}

function busy(message: string, hint: string, rejection: Rejection): ServiceBusyError {
  const error = new ServiceBusyError(message, retryHint(hint, rejection), rejection.retryAfterMs);
  error.status = rejection.status;
  return error;
}

export function rejectionError(rejection: Rejection, key: KeyDescription | undefined, url: string): TranscribeError {
  const { status } = rejection;
  const said = rejection.message ? `: ${rejection.message.replace(/\.$/, '')}` : '';
  const id = rejection.requestId ? ` (request id ${rejection.requestId})` : '';
  const keyText = key ? `the API key from ${key.source} (${key.masked})` : 'the request without an API key';
  switch (true) {
    case status === 401:
      return new AuthError(`Deepgram rejected ${keyText}${said}${id}`, 'check the key in the Deepgram console and set DEEPGRAM_API_KEY');
    case status === 402:
      return new AuthError(`Deepgram refused the request: payment required${said}${id}`, 'add credit or a plan to the Deepgram project');
    case status === 403:
      return new AuthError(`Deepgram refused the request: forbidden${said}${id}`, 'use a model and features your project can access (--model)');
    case status === 400:
      return new RequestRejectedError(`Deepgram rejected the request${said}${id}`, 'check the options given (transcribe file --help)');
    case status === 404:
      // --batch posts to http(s)://: not the live endpoint.
      return new UsageError(`no Deepgram ${/^wss?:/.test(url) ? 'live ' : ''}endpoint at ${displayUrl(url)} (HTTP 404)`, 'check --api-url or DEEPGRAM_API_URL');
    case status === 429:
      return busy(`Deepgram is busy: too many requests${said}${id}`, 'wait a moment and try again', rejection);
    case status >= 300 && status < 400:
      // Not followed: the key goes only where --api-url says (a redirect could point anywhere, over http too).
      return new NetworkError(
        `Deepgram answered HTTP ${status}, a redirect${rejection.location ? ` to ${rejection.location}` : ''}, which is not followed`,
        'set --api-url to the new address if you trust it',
      );
    case status >= 500:
      return busy(`Deepgram answered HTTP ${status}${said}${id}`, 'try again later; check --api-url if it persists', rejection);
    default:
      return new NetworkError(`Deepgram answered HTTP ${status}${said}${id}`, 'check --api-url');
  }
}

function retryHint(hint: string, { retryAfterMs }: Rejection): string {
  return retryAfterMs === undefined ? hint : `Deepgram asks to try again in ${Math.ceil(retryAfterMs / 1000)} s`;
}

/**
 * The start of a refusal's body: at most MAX_REJECTION_BODY_BYTES, read for at most
 * REJECTION_BODY_WAIT_MS (a body that never ends, or trickles, is cut there and the response destroyed).
 */
export function readRejectionBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const done = (): void => {
      clearTimeout(timer);
      response.removeAllListeners('data');
      if (!response.readableEnded) response.destroy();
      resolve(Buffer.concat(chunks).subarray(0, MAX_REJECTION_BODY_BYTES).toString('utf8'));
    };
    const timer = setTimeout(done, REJECTION_BODY_WAIT_MS);
    response.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      bytes += chunk.length;
      if (bytes >= MAX_REJECTION_BODY_BYTES) done();
    });
    response.once('end', done);
    response.once('error', done);
    response.once('close', done);
  });
}

/** Socket-level failures before the handshake completes (refused, DNS, TLS, timeout). */
export function connectError(error: NodeJS.ErrnoException, url: string): TranscribeError {
  const host = safeHost(url);
  const hint = 'check your network, and --api-url or DEEPGRAM_API_URL';
  if (error.code === 'ECONNREFUSED') return new NetworkError(`cannot connect to ${host}: connection refused`, hint, { cause: error });
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return new NetworkError(`cannot resolve ${host}`, hint, { cause: error });
  if (error.code === 'EPROTO' || /wrong version number|packet length too long/i.test(error.message))
    return new NetworkError(
      `cannot connect to ${host}: the server does not speak TLS there (a plain http:// server?)`,
      'use http:// or ws:// in --api-url for a server without TLS',
      { cause: error },
    );
  if (error.code === 'ECONNRESET') {
    // Also what a TLS port does with a plain request (http://, ws://).
    const plain = /^(?:http|ws):/.test(url) ? 'use https:// or wss:// if the server speaks TLS there; ' : '';
    return new NetworkError(`the connection to ${host} was closed before an answer`, `${plain}${hint}`, { cause: error });
  }
  if (error.code?.startsWith('HPE_'))
    return new NetworkError(`${host} did not answer with valid HTTP (${error.code})`, 'check --api-url or DEEPGRAM_API_URL: is it a Deepgram server?', {
      cause: error,
    });
  if (error.code && TLS_TRUST_CODES.has(error.code))
    return new NetworkError(`cannot connect to ${host}: its TLS certificate is not trusted (${error.code})`, TLS_TRUST_HINT, { cause: error });
  return new NetworkError(`cannot connect to ${host}: ${error.code ?? serverSnippet(error.message)}`, hint, { cause: error });
}

/** Node's codes for a certificate it does not trust (self-signed, unknown CA, expired, another host's). */
const TLS_TRUST_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const TLS_TRUST_HINT = "check --api-url; for a self-hosted server with its own CA, set NODE_EXTRA_CA_CERTS to the CA's PEM file";

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
