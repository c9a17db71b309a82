// A bare `ws` client for testing the local Deepgram server (no project code involved).
import { afterEach } from 'vitest';
import WebSocket from 'ws';
import { startDeepgramServer, type DeepgramServer, type DeepgramServerOptions } from '../support/deepgram-server/index.js';
import { wavHeader as wavHeaderOf } from '../support/audio.js';

export const API_KEY = 'test-key';
/** 16 kHz mono linear16: the bytes of one second. */
export const BYTES_PER_SECOND = 32_000;
export const LINEAR16 = 'encoding=linear16&sample_rate=16000';

// Messages are read loosely in tests: this is what they look like once parsed.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Message = any;

export interface CloseInfo {
  code: number;
  reason: string;
}

export interface LiveClient {
  ws: WebSocket;
  /** Every text frame received, parsed (raw string when not JSON), in order. */
  messages: Message[];
  /** Arrival times (Date.now) of `messages`. */
  arrivals: number[];
  closed: Promise<CloseInfo>;
  /** Sends `seconds` of 16 kHz mono silence in frames of `frameBytes` (default 100 ms), unpaced. */
  sendAudio(seconds: number, frameBytes?: number): void;
  /** Sends `audio` cut into frames of `frameBytes`. */
  sendBytes(audio: Buffer, frameBytes?: number): void;
  sendJson(message: object): void;
  /** Resolves with the first message (already received or coming) that matches. */
  waitFor(match: (message: Message) => boolean, timeoutMs?: number): Promise<Message>;
  /** Sends CloseStream and waits for the close. */
  closeStream(): Promise<CloseInfo>;
}

export function listenUrl(server: DeepgramServer, query = LINEAR16, path = '/v1/listen'): string {
  return `ws://127.0.0.1:${server.port}${path}?${query}`;
}

export async function connect(
  server: DeepgramServer,
  query = LINEAR16,
  headers: Record<string, string> = { Authorization: `Token ${API_KEY}` },
  path = '/v1/listen',
): Promise<LiveClient> {
  const ws = new WebSocket(listenUrl(server, query, path), { headers });
  const messages: Message[] = [];
  const arrivals: number[] = [];
  const listeners = new Set<() => void>();
  ws.on('message', (data) => {
    const text = (data as Buffer).toString();
    let message: Message = text;
    try {
      message = JSON.parse(text);
    } catch {
      // keep the raw text: the garbage fault sends non-JSON on purpose
    }
    messages.push(message);
    arrivals.push(Date.now());
    listeners.forEach((notify) => notify());
  });
  const closed = new Promise<CloseInfo>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });

  const client: LiveClient = {
    ws,
    messages,
    arrivals,
    closed,
    sendAudio(seconds, frameBytes) {
      client.sendBytes(Buffer.alloc(Math.round(seconds * BYTES_PER_SECOND)), frameBytes);
    },
    sendBytes(audio, frameBytes = BYTES_PER_SECOND / 10) {
      for (let offset = 0; offset < audio.length; offset += frameBytes) ws.send(audio.subarray(offset, offset + frameBytes));
    },
    sendJson(message) {
      ws.send(JSON.stringify(message));
    },
    waitFor(match, timeoutMs = 3000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = messages.find(match);
          if (found === undefined) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error('no matching message in time'));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    async closeStream() {
      client.sendJson({ type: 'CloseStream' });
      return closed;
    },
  };
  return client;
}

export interface HandshakeFailure {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Message;
}

/** Opens a socket that must be refused, and reads the HTTP response (`unexpected-response`). */
export function expectRefusal(url: string, headers: Record<string, string> = { Authorization: `Token ${API_KEY}` }): Promise<HandshakeFailure> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => reject(new Error('handshake was accepted')));
    ws.on('error', () => undefined); // the destroyed request may still report an error: the refusal is what counts
    ws.on('unexpected-response', (request, response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => {
        request.destroy(); // handling this event makes ending the request our job
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: JSON.parse(text) });
      });
    });
  });
}

/** `seconds` of 16 kHz linear16 silence with `channels` interleaved channels. */
export const silence = (seconds: number, channels = 1): Buffer => Buffer.alloc(Math.round(seconds * BYTES_PER_SECOND) * channels);

/** A 44-byte PCM WAV header, as a file reader or `sox` writes it. */
export function wavHeader(sampleRate: number, channels: number, dataBytes: number): Buffer {
  return wavHeaderOf({ sampleRate, channels, bits: 16 }, dataBytes);
}

export const results = (messages: Message[]): Message[] => messages.filter((m) => m?.type === 'Results');
export const finals = (messages: Message[]): Message[] => results(messages).filter((m) => m.is_final);
export const transcriptOf = (message: Message): string => message.channel.alternatives[0].transcript;

/** Registers the per-test server: `start()` starts one, and it is closed after each test (also when a test closed it already). */
export function serverPerTest(): (options?: DeepgramServerOptions) => Promise<DeepgramServer> {
  let server: DeepgramServer | undefined;
  afterEach(async () => {
    await server?.close().catch(() => {}); // a test may have closed it itself
    server = undefined;
  });
  return async (options = {}) => (server = await startDeepgramServer(options));
}
