import { displayUrl } from '../display-url.js';
import { AuthError, NetworkError, RequestRejectedError, ServiceBusyError, TranscribeError, UsageError } from '../errors.js';

export interface Rejection {
  status: number;
  /** `dg-error` header, or the message in the JSON body. */
  message?: string;
  requestId?: string;
}

/** Which key was sent, for a 401 message the user can act on (masked, never the key). */
export interface KeyDescription {
  source: string;
  masked: string;
}

/** Reads Deepgram's error from a rejected handshake: `dg-error` header first, then the JSON body. */
export function readRejection(status: number, headers: Record<string, string | string[] | undefined>, body: string): Rejection {
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
  const message = header('dg-error') ?? fromBody;
  const requestId = header('dg-request-id') ?? (typeof parsed.request_id === 'string' ? parsed.request_id : undefined);
  return { status, ...(message ? { message } : {}), ...(requestId ? { requestId } : {}) };
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
      return new UsageError(`no Deepgram live endpoint at ${displayUrl(url)} (HTTP 404)`, 'check --api-url or DEEPGRAM_API_URL');
    case status === 429:
      return new ServiceBusyError(`Deepgram is busy: too many requests${said}${id}`, 'wait a moment and try again');
    case status >= 500:
      return new ServiceBusyError(`Deepgram answered HTTP ${status}${said}${id}`, 'try again later; check --api-url if it persists');
    default:
      return new NetworkError(`Deepgram answered HTTP ${status}${said}${id}`, 'check --api-url');
  }
}

/** Socket-level failures before the handshake completes (refused, DNS, TLS, timeout). */
export function connectError(error: NodeJS.ErrnoException, url: string): TranscribeError {
  const host = safeHost(url);
  const hint = 'check your network, and --api-url or DEEPGRAM_API_URL';
  if (error.code === 'ECONNREFUSED') return new NetworkError(`cannot connect to ${host}: connection refused`, hint, { cause: error });
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return new NetworkError(`cannot resolve ${host}`, hint, { cause: error });
  return new NetworkError(`cannot connect to ${host}: ${error.code ?? error.message}`, hint, { cause: error });
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
