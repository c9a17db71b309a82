import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AudioSourceError, NetworkError, type TranscribeError } from '../errors.js';
import { parsePrerecordedAnswer } from './batch-answer.js';
import type { CheckedWord } from './validate.js';
import { connectError, readRejection, readRejectionBody, rejectionError, type KeyDescription } from './handshake-errors.js';

/** The parts of Deepgram's pre-recorded response that we use (see fixtures/prerecorded-*.json). */
/** Checked where the answer is parsed, like a live Results' words. */
export type PrerecordedWord = CheckedWord;
export interface PrerecordedUtterance {
  start: number;
  end: number;
  confidence: number;
  channel: number;
  transcript: string;
  words: PrerecordedWord[];
  speaker?: number;
}
export interface PrerecordedParagraph {
  sentences: { text: string; start: number; end: number }[];
  start: number;
  end: number;
  speaker?: number;
}
export interface PrerecordedResponse {
  metadata: { request_id: string; duration: number; channels: number; models?: string[]; created?: string };
  results: {
    channels: { alternatives: { transcript: string; confidence: number; words: PrerecordedWord[]; paragraphs?: { paragraphs: PrerecordedParagraph[] } }[] }[];
    utterances?: PrerecordedUtterance[];
  };
}

export interface BatchRequest {
  url: string;
  apiKey?: string;
  key?: KeyDescription;
  body: Readable;
  contentType: string;
  /** Bytes of the body when known (a file), for Content-Length and progress. */
  size?: number;
  onProgress?: (sentBytes: number) => void;
  /** Waiting for the answer after the upload, at most this long; also the bound on reading it. */
  timeoutMs: number;
  /** Default MAX_ANSWER_BYTES. */
  maxAnswerBytes?: number;
  /** Default ANSWER_IDLE_MS. */
  answerIdleMs?: number;
}

/**
 * A real answer is about 4 MB per hour of speech (words, utterances and paragraphs each list the
 * words), so 128 MB is some 30 hours: more is a broken server (one sent 5 GB).
 */
export const MAX_ANSWER_BYTES = 128 * 1024 * 1024;
/** Once the answer has started, a pause this long without a byte means it stalled. */
export const ANSWER_IDLE_MS = 30_000;

/**
 * `POST /v1/listen`: the file is streamed as the request body (never read whole), and the
 * response holds the whole transcript. Refusals carry Deepgram's text and request id, as live.
 */
export async function transcribeBatch(request: BatchRequest): Promise<PrerecordedResponse> {
  const url = new URL(request.url);
  const { request: send } = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  const headers: Record<string, string | number> = { 'Content-Type': request.contentType };
  if (request.apiKey) headers.Authorization = `Token ${request.apiKey}`;
  if (request.size !== undefined) headers['Content-Length'] = request.size;
  const client = send(url, { method: 'POST', headers });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    client.once('response', resolve);
    client.once('error', reject);
  });
  let sent = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sent += chunk.length;
      request.onProgress?.(sent);
      done(null, chunk);
    },
  });
  // A refusal may come before the upload ends: the answer wins over the broken pipe.
  const upload = pipeline(request.body, counter, client).catch((error: unknown) => error);
  let answer: IncomingMessage;
  try {
    // The wait is bounded once the upload is done (a big file on a slow link takes what it takes).
    answer = await Promise.race([response, upload.then(() => withTimeout(response, request.timeoutMs, url))]);
  } catch (error) {
    client.destroy();
    throw (error as TranscribeError).exitCode ? error : connectError(error as NodeJS.ErrnoException, request.url);
  }
  const status = answer.statusCode ?? 0;
  if (status === 200) {
    // A whole answer leaves the connection to the agent for the next file (keep-alive). Destroying
    // the request here closed it whenever the answer ended before the request's own 'finish'.
    const body = await readAnswer(answer, request, url).catch((error: unknown) => {
      client.destroy();
      throw error;
    });
    await upload;
    return parsePrerecordedAnswer(body);
  }
  const body = await readRejectionBody(answer);
  client.destroy();
  if (status === 413) {
    throw new AudioSourceError(
      'the file is too large for Deepgram (HTTP 413)',
      'Deepgram takes files up to 2 GB: split it (ffmpeg -f segment) or compress it (e.g. to Opus)',
    );
  }
  throw rejectionError(readRejection(status, answer.headers, body), request.key, request.url);
}

/** The answer's body, bounded in size, in time as a whole (timeoutMs) and between chunks (idle). */
function readAnswer(response: IncomingMessage, request: BatchRequest, url: URL): Promise<string> {
  const maxBytes = request.maxAnswerBytes ?? MAX_ANSWER_BYTES;
  const idleMs = request.answerIdleMs ?? ANSWER_IDLE_MS;
  const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const settle = (): boolean => {
      clearTimeout(idle);
      clearTimeout(deadline);
      const first = !settled;
      settled = true;
      return first;
    };
    const fail = (message: string, hint: string): void => {
      if (!settle()) return;
      response.destroy();
      reject(new NetworkError(message, hint));
    };
    const slow = 'try again; check --api-url if it persists';
    const idle = setTimeout(() => fail(`Deepgram's answer stalled: nothing for ${idleMs / 1000} s after ${megabytes(bytes)}`, slow), idleMs);
    const deadline = setTimeout(
      () => fail(`Deepgram's answer did not finish within ${Math.round(request.timeoutMs / 1000)} s (${megabytes(bytes)} so far)`, slow),
      request.timeoutMs,
    );
    response.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes)
        return fail(`Deepgram's answer is larger than ${megabytes(maxBytes)}, more than any real transcript`, `check --api-url (${url.host})`);
      chunks.push(chunk);
      idle.refresh();
    });
    response.once('end', () => {
      if (settle()) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    const broken = (): void =>
      fail(`the connection to ${url.host} broke while reading the answer (${megabytes(bytes)} read)`, 'check your network and try again');
    response.once('error', broken);
    response.once('close', () => {
      if (!response.complete) broken();
    });
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, url: URL): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new NetworkError(
            `no answer from ${url.host} within ${Math.round(ms / 1000)} s`,
            'try again; long files can take a while, or use streaming without --batch',
          ),
        ),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
