// A server that breaks the WebSocket protocol, or closes with a code of its own: one clear line,
// the documented exit code, and no wait (ws waits 30 s for a close frame after a protocol error).
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pcmOfWav, SAMPLE_WAV } from '../support/audio.js';
import { scriptFromText, startDeepgramServer, type DeepgramServer } from '../support/deepgram-server/index.js';
import { runCli } from '../support/run-cli.js';

const SCRIPT = scriptFromText('Hello from transcribe. This sample was made with espeak.', { startAt: 0.5, wordSec: 0.3 });
const LINES = 'Hello from transcribe.\nThis sample was made with espeak.\n';
const ENV = { DEEPGRAM_API_KEY: 'test-key' };

let server: DeepgramServer | undefined;
let raw: Server | undefined;
/** Upgraded sockets are the server's no longer: closeAllConnections() does not see them. */
const sockets: Socket[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const socket of sockets.splice(0)) socket.destroy();
  await new Promise((resolve) => (raw ? raw.close(resolve) : resolve(undefined)));
  raw = undefined;
});

/** Completes the handshake by hand, writes `frame` 300 ms later, then reads everything and never answers or closes. */
async function protocolBreaker(frame: Buffer): Promise<string> {
  raw = createServer();
  raw.on('upgrade', (request, socket: Socket) => {
    const accept = createHash('sha1')
      .update(`${String(request.headers['sec-websocket-key'])}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    sockets.push(socket);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    setTimeout(() => socket.write(frame), 300);
  });
  await new Promise<void>((resolve) => raw!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
}

describe('a server that breaks the WebSocket protocol', () => {
  it.each([
    ['a text frame that is not UTF-8', Buffer.from([0x81, 0x02, 0xff, 0xfe]), 'Deepgram sent a text message that is not valid UTF-8 (closed with code 1007)'],
    [
      'a frame with an unknown opcode',
      Buffer.from([0x83, 0x00]),
      'Deepgram broke the WebSocket protocol: invalid WebSocket frame: invalid opcode 3 (closed with code 1002)',
    ],
  ])('%s: ends at once, exit 5, saying so (not a drop, no 30 s wait, no reconnection loop)', async (_name, frame, message) => {
    const url = await protocolBreaker(frame);
    const started = performance.now();
    const result = await runCli(['file', SAMPLE_WAV], { env: { ...ENV, DEEPGRAM_API_URL: url }, timeoutMs: 30_000 });
    expect(result).toEqual({
      code: 5,
      signal: null,
      stdout: '',
      stderr: `transcribe: ${message} — try again; if it persists, check --api-url and status.deepgram.com\n`,
    });
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('close codes', () => {
  it('1001 (going away: a server shutting down) is a drop: reconnect, replay, finish', async () => {
    server = await startDeepgramServer({
      script: SCRIPT,
      reference: pcmOfWav(SAMPLE_WAV),
      faults: [{ dropAfterBytes: { bytes: 64_000, code: 1001, reason: 'server shutting down' } }],
    });
    const result = await runCli(['file', SAMPLE_WAV, '--speed', 'max'], { env: { ...ENV, DEEPGRAM_API_URL: server.url } });
    expect(result).toMatchObject({ code: 0, stdout: LINES });
    expect(server.connections.length).toBe(2);
  });

  it('1008 for audio sent too fast is not "could not decode the audio": exit 5, with what to do', async () => {
    server = await startDeepgramServer({ script: SCRIPT, adversarial: { paceLimit: true } });
    const result = await runCli(['file', SAMPLE_WAV, '--speed', 'max'], { env: { ...ENV, DEEPGRAM_API_URL: server.url } });
    // The words heard before the close are written (the pace limit cuts in after the first 5 s).
    expect(LINES.startsWith(result.stdout)).toBe(true);
    expect(result).toMatchObject({
      code: 5,
      stderr:
        'transcribe: Deepgram closed the session: audio sent too fast (code 1008): Audio arrived too far ahead of real time (test server pace limit) — use --speed 1.25 or less, or --batch for a whole file\n',
    });
  });
});

describe('a busy server (429 with Retry-After)', () => {
  /** Refuses every handshake with 429 and `Retry-After: <seconds>`; records when each attempt came. */
  async function busyServer(seconds: number): Promise<{ url: string; attempts: number[] }> {
    const attempts: number[] = [];
    raw = createServer();
    raw.on('upgrade', (_request, socket: Socket) => {
      attempts.push(performance.now());
      socket.on('error', () => undefined);
      socket.end(`HTTP/1.1 429 Too Many Requests\r\nRetry-After: ${seconds}\r\nContent-Length: 0\r\n\r\n`);
    });
    await new Promise<void>((resolve) => raw!.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(raw.address() as AddressInfo).port}`, attempts };
  }

  it('the next attempt waits at least what the server asked for', async () => {
    const { url, attempts } = await busyServer(2);
    const result = await runCli(['file', SAMPLE_WAV, '--reconnect-timeout', '5'], { env: { ...ENV, DEEPGRAM_API_URL: url } });
    expect(result.code).toBe(5);
    expect(result.stderr.split('\n').at(-2)).toBe('transcribe: Deepgram is busy: too many requests — Deepgram asks to try again in 2 s');
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < attempts.length; i++) expect(attempts[i]! - attempts[i - 1]!).toBeGreaterThan(1900);
  });

  it('a wait longer than --reconnect-timeout: gives up at once, saying how long it asked', async () => {
    const { url, attempts } = await busyServer(3600);
    const started = performance.now();
    const result = await runCli(['file', SAMPLE_WAV, '--reconnect-timeout', '5'], { env: { ...ENV, DEEPGRAM_API_URL: url } });
    expect(result).toMatchObject({ code: 5, stderr: 'transcribe: Deepgram is busy: too many requests — Deepgram asks to try again in 3600 s\n' });
    expect(attempts).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(3000);
  });
});

/** Answers every upgrade and request with `answer` (undefined: closes the socket at once, as a TLS port does with plain HTTP). */
async function oddServer(answer: string | undefined): Promise<string> {
  raw = createServer((request, response) => {
    request.resume();
    request.on('end', () => (answer === undefined ? response.socket?.destroy() : response.socket?.end(answer)));
  });
  raw.on('upgrade', (_request, socket: Socket) => {
    socket.on('error', () => undefined);
    if (answer === undefined) socket.destroy();
    else socket.end(answer);
  });
  await new Promise<void>((resolve) => raw!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
}

describe('a server that is not a Deepgram server', () => {
  it.each([[[]], [['--batch']]])('a socket closed without an answer is said so, not "ECONNRESET" (%j)', async (args) => {
    const url = await oddServer(undefined);
    const host = url.slice('http://'.length);
    const result = await runCli(['file', SAMPLE_WAV, '--reconnect-timeout', '0', ...args], { env: { ...ENV, DEEPGRAM_API_URL: url } });
    expect(result).toMatchObject({
      code: 5,
      stderr: `transcribe: the connection to ${host} was closed before an answer — use https:// or wss:// if the server speaks TLS there; check your network, and --api-url or DEEPGRAM_API_URL\n`,
    });
  });

  it('an answer that is not HTTP is said so', async () => {
    const url = await oddServer('SSH-2.0-OpenSSH_9.6\r\n\r\n');
    const result = await runCli(['file', SAMPLE_WAV, '--reconnect-timeout', '0'], { env: { ...ENV, DEEPGRAM_API_URL: url } });
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(
      /^transcribe: 127\.0\.0\.1:\d+ did not answer with valid HTTP \(HPE_\w+\) — check --api-url or DEEPGRAM_API_URL: is it a Deepgram server\?\n$/,
    );
  });
});

describe('a redirect', () => {
  it.each([[[]], [['--batch']]])('is not followed (the key goes only to --api-url), and is said so with where it points (%j)', async (args) => {
    const url = await oddServer('HTTP/1.1 302 Found\r\nLocation: http://user:s3cret@example.invalid/v1/listen\r\nContent-Length: 0\r\n\r\n');
    const result = await runCli(['file', SAMPLE_WAV, '--reconnect-timeout', '0', ...args], { env: { ...ENV, DEEPGRAM_API_URL: url } });
    expect(result).toMatchObject({
      code: 5,
      stderr:
        'transcribe: Deepgram answered HTTP 302, a redirect to http://example.invalid/v1/listen, which is not followed — set --api-url to the new address if you trust it\n',
    });
  });
});
