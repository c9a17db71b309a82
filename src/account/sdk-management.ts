// The management API through @deepgram/sdk's typed clients (projects, a request's details, models),
// loaded lazily by management.ts. The key goes only in the Authorization header the SDK sets; the
// SDK retries nothing (maxRetries 0: the commands decide), follows no redirect and logs nothing.
import { DeepgramClient, DeepgramError, DeepgramTimeoutError } from '@deepgram/sdk';
import { displayUrl } from '../display-url.js';
import { NetworkError, type TranscribeError } from '../errors.js';
import { connectError, readRejection, rejectionError } from '../deepgram/handshake-errors.js';
import { ForbiddenError, type BilledRequest, type KeyDetails, type ManagementApi, type ManagementTarget, type Project, type SttModel } from './management.js';
import { parseBilledRequest, parseKeyDetails, parseModels, parseProjects } from './parse-answers.js';

/** Ids go into the URL path: a server-given id such as "../keys" must not change the endpoint. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** A 3xx answer: the SDK would take it for a success, so fetch itself refuses it. */
class RedirectRefused extends Error {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
  ) {
    super(`HTTP ${status}`);
  }
}

/** Redirects are shown, never followed: the key goes only where --api-url says. */
const noRedirects: typeof fetch = async (input, init) => {
  const response = await fetch(input, { ...init, redirect: 'manual' });
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    throw new RedirectRefused(response.status, Object.fromEntries(response.headers));
  }
  return response;
};

const MAX_BODY_BYTES = 4 << 20;

export class SdkManagementApi implements ManagementApi {
  private readonly client: DeepgramClient;

  constructor(private readonly target: ManagementTarget) {
    this.client = new DeepgramClient({
      baseUrl: target.baseUrl,
      ...(target.apiKey ? { apiKey: target.apiKey } : { auth: false }), // without a key the SDK would read DEEPGRAM_API_KEY itself
      maxRetries: 0,
      timeoutInSeconds: target.timeoutMs / 1000,
      fetch: noRedirects,
    });
  }

  /**
   * GET /v1/auth/token, Deepgram's documented key check ("details about your key"). @deepgram/sdk 5.13
   * has no method for it (its auth client only grants temporary tokens), so this one is plain fetch.
   */
  async keyDetails(): Promise<KeyDetails> {
    const url = new URL('v1/auth/token', `${this.target.baseUrl}/`);
    let response: Response;
    try {
      response = await noRedirects(url, {
        headers: this.target.apiKey ? { authorization: `Token ${this.target.apiKey}` } : {},
        signal: AbortSignal.timeout(this.target.timeoutMs),
      });
    } catch (error) {
      throw this.transportError(error, 'the key check');
    }
    const text = await boundedText(response);
    if (!response.ok) throw this.statusError(response.status, Object.fromEntries(response.headers), text, 'the key check');
    return parseKeyDetails(jsonOf(text));
  }

  async projects(): Promise<Project[]> {
    const body = await this.call('the project list', () => this.client.manage.v1.projects.list());
    return parseProjects(body);
  }

  async billedRequest(projectId: string, requestId: string): Promise<BilledRequest | undefined> {
    if (!SAFE_ID.test(projectId) || !SAFE_ID.test(requestId)) return undefined;
    try {
      const body = await this.call('usage', () => this.client.manage.v1.projects.requests.get(projectId, requestId));
      return parseBilledRequest(body);
    } catch (error) {
      if (error instanceof NotFound) return undefined; // not (yet) in Deepgram's usage records
      throw error;
    }
  }

  async models(): Promise<SttModel[]> {
    return parseModels(await this.call('the model list', () => this.client.manage.v1.models.list()));
  }

  private async call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof DeepgramTimeoutError) throw this.timeoutError(what);
      if (error instanceof DeepgramError && error.statusCode !== undefined) {
        const headers = error.rawResponse ? Object.fromEntries(error.rawResponse.headers) : {};
        const body = typeof error.body === 'string' ? error.body : JSON.stringify(error.body ?? {});
        throw this.statusError(error.statusCode, headers, body, what);
      }
      throw this.transportError(error instanceof DeepgramError ? error.cause : error, what);
    }
  }

  private statusError(status: number, headers: Record<string, string>, body: string, what: string): TranscribeError {
    const rejection = readRejection(status, headers, body);
    if (status === 404 && what === 'usage') return new NotFound();
    if (status === 403) return new ForbiddenError(what, rejection.message);
    return rejectionError(rejection, this.target.key, this.target.baseUrl);
  }

  private transportError(error: unknown, what: string): TranscribeError {
    if (error instanceof RedirectRefused) return this.statusError(error.status, error.headers, '', what);
    if (error instanceof Error && error.name === 'TimeoutError') return this.timeoutError(what);
    // fetch wraps the socket's error (ECONNREFUSED...) as its cause.
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    if (cause instanceof Error) return connectError(cause, this.target.baseUrl);
    return new NetworkError(`cannot reach ${displayUrl(this.target.baseUrl)} for ${what}`, 'check your network, and --api-url or DEEPGRAM_API_URL');
  }

  private timeoutError(what: string): TranscribeError {
    const host = new URL(this.target.baseUrl).host;
    return new NetworkError(
      `no answer from ${host} for ${what} within ${this.target.timeoutMs / 1000} s`,
      'check your network, and --api-url or DEEPGRAM_API_URL',
    );
  }
}

/** A request Deepgram has no record of (yet): not an error for `usage`. */
class NotFound extends NetworkError {
  constructor() {
    super('not found');
  }
}

/** The body as text, at most MAX_BODY_BYTES (a server may send anything). */
async function boundedText(response: Response): Promise<string> {
  const reader = (response.body as ReadableStream<Uint8Array> | null)?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    bytes += value.length;
    if (bytes > MAX_BODY_BYTES) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

function jsonOf(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
