// What comes from the server is checked where it arrives: escape sequences never reach the
// terminal, malformed or oversized answers end with exit 5 and say what was wrong.
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLE_WAV } from '../support/audio.js';
import { controlCharacters } from '../support/control-chars.js';
import { scriptFromText, startDeepgramServer, type DeepgramServer, type DeepgramServerOptions, type ScriptWord } from '../support/deepgram-server/index.js';
import { runCli } from '../support/run-cli.js';

const SCRIPT = scriptFromText('Hello from transcribe. This sample was made with espeak.', { startAt: 0.5, wordSec: 0.3 });
const LINES = 'Hello from transcribe.\nThis sample was made with espeak.\n';
/** Clipboard write (OSC 52), clear screen, C1 CSI, set title, BEL, NUL, backspace, DEL, a line break. */
const NASTY = [
  '\u001b]52;c;cm0gLXJmIH4=\u0007copy',
  '\u001b[2Jclear',
  '\u009b2Jcsi',
  '\u001b]0;title\u001b\\set',
  'bell\u0007\u0000\u0008\u007f',
  'two\nlines',
];
const NASTY_SCRIPT: ScriptWord[] = scriptFromText(`Hello ${NASTY.map((_, i) => `w${i}`).join(' ')} bye.`, { startAt: 0.5, wordSec: 0.3 }).map((word) => {
  const index = /^w(\d)$/.exec(word.text)?.[1];
  return index === undefined ? word : { ...word, text: NASTY[Number(index)]! };
});
const CLEAN_LINE = 'Hello ]52;c;cm0gLXJmIH4=copy [2Jclear 2Jcsi ]0;title\\set bell two lines bye.';

let server: DeepgramServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function transcribe(options: DeepgramServerOptions, args: string[]) {
  server = await startDeepgramServer(options);
  return runCli(['file', SAMPLE_WAV, ...args], { env: { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url } });
}

describe('server text is sanitized before it is printed', () => {
  it.each([
    ['text', []],
    ['json', ['--format', 'json']],
  ])('escape sequences in a transcript never reach stdout or stderr (%s)', async (_name, args) => {
    const result = await transcribe({ script: NASTY_SCRIPT }, ['--speed', 'max', '--verbose', ...args]);
    expect(result.code).toBe(0);
    expect(controlCharacters(result.stdout)).toEqual([]);
    expect(controlCharacters(result.stderr)).toEqual([]);
    if (args.length === 0) expect(result.stdout).toBe(`${CLEAN_LINE}\n`);
    else expect(result.stdout).toContain(JSON.stringify(CLEAN_LINE));
  });

  it('a close reason with escape sequences is printed without them', async () => {
    const result = await transcribe(
      { script: SCRIPT, faults: [{ dropAfterBytes: { bytes: 32000, code: 4000, reason: 'bye\u001b]52;c;eA==\u0007\u001b[2J now' } }] },
      ['--speed', 'max'],
    );
    expect(result).toMatchObject({
      code: 5,
      stderr: 'transcribe: Deepgram closed the session (code 4000): bye]52;c;eA==[2J now — try again; if it persists, check status.deepgram.com\n',
    });
  });

  it('a refused handshake: the error text from the body is printed without escape sequences', async () => {
    const body = { err_code: 'Bad Request', err_msg: 'Bad \u001b]0;pwned\u0007query\u009b2J.' };
    const result = await transcribe({ script: SCRIPT, faults: [{ reject: { status: 400, body, errorText: '' } }] }, ['--speed', 'max']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^transcribe: Deepgram rejected the request: Bad \]0;pwnedquery2J \(request id [0-9a-f-]+\) — /);
    expect(controlCharacters(result.stderr)).toEqual([]);
  });

  it('request ids with control characters (header and Metadata) are written without them', async () => {
    const raw = createServer();
    const wss = new WebSocketServer({ noServer: true });
    wss.on('headers', (headers) => headers.push('dg-request-id: id\u009b2J-1'));
    raw.on('upgrade', (request, socket, head) =>
      wss.handleUpgrade(request, socket, head, (ws) =>
        ws.on('message', (data, isBinary) => {
          if (isBinary || !(data as Buffer).toString().includes('CloseStream')) return;
          ws.send(JSON.stringify({ type: 'Metadata', request_id: 'md\u001b]0;x\u0007-2', duration: 1, channels: 1 }));
          ws.close(1000);
        }),
      ),
    );
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
      const result = await runCli(['file', SAMPLE_WAV, '--speed', 'max', '--format', 'json', '--verbose'], {
        env: { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: url },
      });
      expect(result.code).toBe(0);
      const events = result.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as { type: string; request_id?: string });
      expect(events.find((event) => event.type === 'open')?.request_id).toMatch(/^id.*2J-1$/);
      expect(events.find((event) => event.type === 'metadata')?.request_id).toBe('md]0;x-2');
      expect(controlCharacters(result.stdout + JSON.stringify(events) + result.stderr)).toEqual([]);
    } finally {
      for (const client of wss.clients) client.terminate();
      raw.closeAllConnections();
      await new Promise((resolve) => raw.close(resolve));
    }
  });

  it('--batch: escape sequences in the answer never reach stdout', async () => {
    const word = (text: string, start: number) => ({ word: 'x', start, end: start + 0.2, confidence: 0.9, punctuated_word: text });
    const answer = {
      metadata: { request_id: 'r', duration: 2, channels: 1 },
      results: {
        channels: [{ alternatives: [{ transcript: 'x', confidence: 0.9, words: [] }] }],
        utterances: [{ start: 0, end: 1.2, confidence: 0.9, channel: 0, transcript: `Hi ${NASTY.join(' ')}`, words: [word('Hi', 0), word(NASTY[0]!, 0.5)] }],
      },
    };
    const result = await transcribe({ script: SCRIPT, faults: [{ answer: JSON.stringify(answer) }] }, ['--batch']);
    expect(result).toMatchObject({ code: 0, stderr: '', stdout: `Hi ${CLEAN_LINE.slice('Hello '.length, -' bye.'.length)}\n` });
  });
});

describe('what does not fit is ignored or refused, never a crash', () => {
  it('known messages with missing or wrong fields are ignored (and counted with --verbose); the transcript is intact', async () => {
    const result = await transcribe({ script: SCRIPT, adversarial: { brokenMessages: { rate: 1 } } }, ['--speed', 'max', '--verbose']);
    expect(result).toMatchObject({ code: 0, stdout: LINES });
    expect(result.stderr).toMatch(/transcribe: ignored a message Deepgram sent \((Results|UtteranceEnd|SpeechStarted|Metadata) with [^)]+\): \{/);
    expect(result.stderr).toMatch(/transcribe: \d+ unrecognised message\(s\) ignored\n$/);
    expect(result.stderr).not.toContain('TypeError');
  });

  it('a message over 4 MB closes the socket (1009): a service error, exit 5, saying so', async () => {
    const huge = JSON.stringify({ type: 'Results', pad: 'x'.repeat(5 * 1024 * 1024) });
    const result = await transcribe({ script: SCRIPT, adversarial: { brokenMessages: { messages: [huge], rate: 1 } } }, [
      '--speed',
      'max',
      '--reconnect-timeout',
      '0',
    ]);
    expect(result).toEqual({
      code: 5,
      signal: null,
      stdout: '',
      stderr:
        'transcribe: Deepgram sent a message larger than 4 MB, more than any real answer (closed with code 1009) — try again; if it persists, check --api-url and status.deepgram.com\n',
    });
  });

  it.each([
    ['{}', 'metadata not an object'],
    ['null', 'it is not a JSON object'],
    [
      '{"metadata":{"request_id":"r","duration":1},"results":{"channels":[{"alternatives":[{"transcript":"a","words":[{"word":"a","start":-1,"end":1}]}]}]}}',
      'results.channels[0].alternatives[0].words[0].start not a time >= 0',
    ],
  ])('--batch: a malformed answer (%s) is a service error, exit 5, naming what was wrong', async (answer, what) => {
    const result = await transcribe({ script: SCRIPT, faults: [{ answer }] }, ['--batch']);
    expect(result).toEqual({
      code: 5,
      signal: null,
      stdout: '',
      stderr: `transcribe: Deepgram's answer is not a transcript: ${what} — try again; check --api-url if it persists\n`,
    });
  });

  it('a refused handshake with an endless body: read up to its cap, exit 5 at once', async () => {
    let written = 0;
    const raw = createServer();
    raw.on('upgrade', (_request, socket: Socket) => {
      socket.write('HTTP/1.1 429 Too Many Requests\r\ndg-error: Too many requests\r\nContent-Type: application/json\r\n\r\n');
      const write = (): void => {
        if (socket.destroyed) return;
        written += 64 * 1024;
        if (socket.write(Buffer.alloc(64 * 1024, 0x61))) setImmediate(write);
        else socket.once('drain', write);
      };
      socket.on('error', () => undefined);
      write();
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    try {
      const started = performance.now();
      const url = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
      const result = await runCli(['file', SAMPLE_WAV, '--reconnect-timeout', '0'], { env: { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: url } });
      expect(result).toMatchObject({
        code: 5,
        stdout: '',
        stderr: 'transcribe: Deepgram is busy: too many requests: Too many requests — wait a moment and try again\n',
      });
      expect(performance.now() - started).toBeLessThan(5000);
      expect(written).toBeLessThan(64 * 1024 * 1024);
    } finally {
      raw.closeAllConnections();
      await new Promise((resolve) => raw.close(resolve));
    }
  });
});
