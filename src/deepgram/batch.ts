import type { IncomingMessage } from 'node:http';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AudioSourceError, NetworkError, type TranscribeError } from '../errors.js';
import { connectError, readRejection, rejectionError, type KeyDescription } from './handshake-errors.js';

/** The parts of Deepgram's pre-recorded response that we use (see fixtures/prerecorded-*.json). */
export interface PrerecordedWord {
  word: string;
  start: number;
  end: number;
  confidence: number;
  punctuated_word?: string;
  speaker?: number;
}
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
  /** Waiting for the answer after the upload, at most this long. */
  timeoutMs: number;
}

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
  const body = await readBody(answer);
  const status = answer.statusCode ?? 0;
  if (status === 200) {
    await upload;
    try {
      return JSON.parse(body) as PrerecordedResponse;
    } catch {
      throw new NetworkError('Deepgram answered with something that is not JSON', 'try again; check --api-url if it persists');
    }
  }
  client.destroy();
  if (status === 413) {
    throw new AudioSourceError('the file is too large for Deepgram (HTTP 413)', 'Deepgram takes files up to 2 GB: split it (ffmpeg -f segment) or compress it (e.g. to Opus)');
  }
  throw rejectionError(readRejection(status, answer.headers, body), request.key, request.url);
}

async function readBody(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of Readable.from(response)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function withTimeout<T>(promise: Promise<T>, ms: number, url: URL): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new NetworkError(`no answer from ${url.host} within ${Math.round(ms / 1000)} s`, 'try again; long files can take a while, or use streaming without --batch')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
