import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pcmOfWav, SAMPLE_WAV, sha256, wavOf } from '../support/audio.js';
import {
  expectedLines,
  scriptFromText,
  startDeepgramServer,
  type ConnectionFault,
  type ConnectionLog,
  type DeepgramServer,
} from '../support/deepgram-server/index.js';
import { collect, startCli, type CliResult } from '../support/run-cli.js';
import { tempDir } from '../support/temp.js';

const PCM = pcmOfWav(SAMPLE_WAV);
const BYTES_PER_SECOND = 32000;
const SCRIPT = scriptFromText('Hello from transcribe. This sample was made with espeak. The quick brown fox jumps.', { startAt: 0.5, wordSec: 0.3 });
const LINES = expectedLines(SCRIPT, { endpointingMs: 300, utteranceEndMs: 1000 });

let server: DeepgramServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function run(args: string[]): { child: ChildProcess; result: Promise<CliResult> } {
  const child = startCli(['file', SAMPLE_WAV, ...args], { env: { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server!.url } });
  return { child, result: collect(child, 60_000) };
}

/** The server goes away once its first connection has heard `seconds` of audio. */
async function goAwayAfterHearing(seconds: number): Promise<void> {
  await server!.waitForConnections(1);
  while ((server!.connections[0]?.audioBytes ?? 0) < seconds * BYTES_PER_SECOND) await new Promise((resolve) => setTimeout(resolve, 20));
  await server!.goAway();
}

/** The end of the last final word a connection sent, as a byte position on the session timeline. */
function lastFinalEnd(connection: ConnectionLog): number {
  let end = 0;
  for (const { message } of connection.sent) {
    const results = message as { type?: string; is_final?: boolean; channel?: { alternatives: { words: { end: number }[] }[] } };
    const words = results.type === 'Results' && results.is_final ? (results.channel?.alternatives[0]?.words ?? []) : [];
    if (words.length) end = Math.round(words.at(-1)!.end * 16000) * 2;
  }
  return (connection.referenceOffset ?? 0) + end;
}

/** From the server's own log: every byte of the source reached a connection, each replay started where the last final ended. */
function expectEveryByteOnce(): void {
  const accepted = server!.connections.filter((connection) => connection.rejectedWith === undefined);
  expect(accepted.length).toBeGreaterThan(1);
  accepted.forEach((connection, i) => {
    const offset = connection.referenceOffset ?? 0;
    expect(connection.sha256).toBe(sha256(PCM.subarray(offset, offset + connection.audioBytes)));
    if (i > 0) {
      const previous = accepted[i - 1]!;
      expect(offset).toBe(lastFinalEnd(previous)); // replay starts exactly where the last final ended
      expect(offset).toBeLessThanOrEqual((previous.referenceOffset ?? 0) + previous.audioBytes); // no hole
    }
  });
  const last = accepted.at(-1)!;
  expect((last.referenceOffset ?? 0) + last.audioBytes).toBe(PCM.length);
}

function finalsOf(stdout: string): { text: string; start: number }[] {
  return stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string; text: string; start: number })
    .filter((event) => event.type === 'final');
}

describe('transcribe file survives drops: reconnect, replay, one timeline', () => {
  it.each<[string, ConnectionFault]>([
    ['a drop with 1011', { dropAfterBytes: { bytes: 3 * BYTES_PER_SECOND, code: 1011, reason: 'NET-0000' } }],
    ['an abrupt TCP reset', { dropAfterBytes: { bytes: 3 * BYTES_PER_SECOND, abrupt: true } }],
  ])('%s: every word once, in order, on one timeline', async (_name, fault) => {
    server = await startDeepgramServer({ script: SCRIPT, reference: PCM, faults: [fault] });
    const { result } = run(['--speed', '4', '--format', 'json']);
    const { code, stdout, stderr } = await result;
    expect(code).toBe(0);
    expect(stderr).toMatch(
      /^transcribe: the connection dropped \(code 10\d\d[^)]*\); reconnecting \(attempt 1\)\.\.\.\ntranscribe: reconnected after \d+\.\d s; replayed \d+\.\d s of audio\n$/,
    );
    const finals = finalsOf(stdout);
    expect(finals.map((final) => final.text)).toEqual(LINES);
    expect(finals.map((final) => final.start)).toEqual([0.5, 2.4, 5.2]); // session time, not the new connection's
    const events = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string });
    expect(events.filter((event) => event.type === 'reconnect')).toHaveLength(1);
    expectEveryByteOnce();
  });

  it('text output: lines exactly once, timestamps monotonic', async () => {
    server = await startDeepgramServer({
      script: SCRIPT,
      reference: PCM,
      faults: [{ dropAfterBytes: { bytes: 2 * BYTES_PER_SECOND, code: 1012 } }, { dropAfterBytes: { bytes: 3 * BYTES_PER_SECOND, code: 1013 } }],
    });
    const { result } = run(['--speed', '4', '--timestamps']);
    const { code, stdout } = await result;
    expect(code).toBe(0);
    expect(stdout).toBe('[00:00:00.500] Hello from transcribe.\n[00:00:02.400] This sample was made with espeak.\n[00:00:05.200] The quick brown fox jumps.\n');
    expect(server.connections).toHaveLength(3);
    expectEveryByteOnce();
  });

  it('a connection that goes silent at the end (no answer to CloseStream) is replaced and the rest sent again', async () => {
    server = await startDeepgramServer({ script: SCRIPT, reference: PCM, faults: [{ stall: { afterBytes: 2 * BYTES_PER_SECOND } }] });
    const { result } = run(['--speed', '4']);
    const { code, stdout, stderr } = await result;
    expect({ code, stdout }).toEqual({ code: 0, stdout: LINES.join('\n') + '\n' });
    expect(stderr).toMatch(/transcribe: no answer to CloseStream within 10 s; reconnecting \(attempt 1\)/);
    expectEveryByteOnce();
  }, 40_000);

  it('429 on the handshake: retried with backoff, then the session runs', async () => {
    server = await startDeepgramServer({ script: SCRIPT, reference: PCM, faults: [{ reject: { status: 429 } }, { reject: { status: 503 } }] });
    const { result } = run(['--speed', 'max']);
    const { code, stdout, stderr } = await result;
    expect({ code, stdout }).toEqual({ code: 0, stdout: LINES.join('\n') + '\n' });
    expect(stderr).toMatch(
      /^transcribe: Deepgram is busy: too many requests: .*; reconnecting \(attempt 1\)\.\.\.\ntranscribe: reconnecting \(attempt 2\)\.\.\.\n$/,
    );
    expect(server.connections.map((connection) => connection.rejectedWith)).toEqual([429, 503, undefined]);
  });

  it('401 on a reconnection: exit 3 at once, what was heard is kept', async () => {
    server = await startDeepgramServer({
      script: SCRIPT,
      reference: PCM,
      faults: [{ dropAfterBytes: { bytes: Math.round(4.5 * BYTES_PER_SECOND), code: 1011 } }, { reject: { status: 401 } }],
    });
    const { result } = run(['--speed', '4']);
    const { code, stdout, stderr } = await result;
    expect(code).toBe(3);
    expect(stdout).toBe('Hello from transcribe.\n');
    expect(stderr).toMatch(
      /\ntranscribe: Deepgram rejected the API key from DEEPGRAM_API_KEY \(\*\*\*\*\): Invalid credentials \(request id [0-9a-f-]+\) — check the key/,
    );
  });

  it('the server gone for 5 s, then back: nothing lost', async () => {
    server = await startDeepgramServer({ script: SCRIPT, reference: PCM });
    const { result } = run(['--speed', '2', '--format', 'json']);
    await goAwayAfterHearing(2);
    await new Promise((resolve) => setTimeout(resolve, 5000));
    await server.comeBack();
    const { code, stdout, stderr } = await result;
    expect(code).toBe(0);
    expect(finalsOf(stdout).map((final) => final.text)).toEqual(LINES);
    expect(stderr).toMatch(/reconnecting \(attempt 2\)/);
    expectEveryByteOnce();
  }, 40_000);

  it('an outage longer than --reconnect-timeout: exit 5 with the transcript so far', async () => {
    server = await startDeepgramServer({ script: SCRIPT, reference: PCM });
    const { result } = run(['--speed', '2', '--reconnect-timeout', '2']);
    await goAwayAfterHearing(4); // "This sample was made with" heard, not yet final
    const { code, stdout, stderr } = await result;
    expect({ code, stdout }).toEqual({ code: 5, stdout: 'Hello from transcribe.\n' });
    expect(stderr).toMatch(
      /\ntranscribe: could not reconnect to Deepgram within 2 s \(.*\) — check your network; --reconnect-timeout sets how long to keep trying\n$/,
    );
  }, 30_000);
});

describe('Ctrl+C during an outage', () => {
  it('stops within the close timeout (1.5 s) instead of waiting out --reconnect-timeout, keeping what was transcribed', async () => {
    server = await startDeepgramServer({ script: SCRIPT, reference: PCM });
    const { child, result } = run(['--speed', '2', '--reconnect-timeout', '60']);
    await goAwayAfterHearing(4); // "This sample was made with" heard, not yet final
    await new Promise((resolve) => setTimeout(resolve, 1000)); // attempt 1 refused, waiting to try again
    const interruptedAt = performance.now();
    child.kill('SIGINT');
    const { code, stdout, stderr } = await result;
    expect(performance.now() - interruptedAt).toBeLessThan(4000);
    expect({ code, stdout }).toEqual({ code: 130, stdout: 'Hello from transcribe.\n' });
    expect(stderr).toMatch(/\ntranscribe: stopped while reconnecting; the audio after the last line was not transcribed\n$/);
    expect(stderr.match(/reconnecting \(attempt \d+\)/g)?.length).toBeLessThanOrEqual(3); // none after the stop
  }, 30_000);

  it('after the whole file was read (waiting for its finals): stops within the close timeout too', async () => {
    server = await startDeepgramServer({ script: SCRIPT, reference: PCM });
    const { child, result } = run(['--speed', '4', '--reconnect-timeout', '60']);
    await goAwayAfterHearing(4);
    await new Promise((resolve) => setTimeout(resolve, 2500)); // the rest of the 8 s file is read (4x) and waits in the replay buffer
    const interruptedAt = performance.now();
    child.kill('SIGINT');
    const { code, stdout, stderr } = await result;
    expect(performance.now() - interruptedAt).toBeLessThan(4000);
    expect({ code, stdout }).toEqual({ code: 130, stdout: 'Hello from transcribe.\n' });
    expect(stderr).toMatch(/\ntranscribe: stopped while reconnecting; the audio after the last line was not transcribed\n$/);
  }, 30_000);
});

describe('a half-open connection mid-stream', () => {
  it('audio goes out, nothing comes back for 15 s: reported as a stall, treated as a drop', async () => {
    const long = Buffer.concat([PCM, PCM, PCM]); // 25 s, so that the stall is noticed while audio still flows
    const path = join(tempDir('transcribe-stall-'), 'long.wav');
    writeFileSync(path, wavOf(long, { sampleRate: 16000, channels: 1, bits: 16 }));
    server = await startDeepgramServer({ script: SCRIPT, reference: long, faults: [{ stall: { afterBytes: 2 * BYTES_PER_SECOND } }] });
    const child = startCli(['file', path, '--speed', '1'], { env: { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url } });
    const { code, stdout, stderr } = await collect(child, 60_000);
    expect({ code, stdout }).toEqual({ code: 0, stdout: LINES.join('\n') + '\n' });
    expect(stderr).toMatch(/^transcribe: no answer from Deepgram for 15 s; reconnecting \(attempt 1\)\.\.\.\ntranscribe: reconnected after/);
    const [first, second] = server.connections;
    expect(second!.referenceOffset).toBe(lastFinalEnd(first!));
    expect(second!.referenceOffset! + second!.audioBytes).toBe(long.length);
  }, 60_000);
});

describe('a live source during a long outage', () => {
  it('overflows a small replay buffer: says how much was dropped, as text and as a gap event', async () => {
    server = await startDeepgramServer({ script: SCRIPT, reference: PCM });
    const child = startCli(['file', '-', '--encoding', 'linear16', '--sample-rate', '16000', '--replay-buffer', '1', '--format', 'json'], {
      env: { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url },
      stdin: PCM,
    });
    const result = collect(child, 60_000);
    await goAwayAfterHearing(2);
    await new Promise((resolve) => setTimeout(resolve, 3500));
    await server.comeBack();
    const { code, stdout, stderr } = await result;
    expect(code).toBe(0);
    expect(stderr).toMatch(/transcribe: warning: \d+\.\d s of audio did not fit in the replay buffer while disconnected and will not be transcribed/);
    const gaps = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; seconds?: number })
      .filter((event) => event.type === 'gap');
    expect(gaps.reduce((sum, gap) => sum + gap.seconds!, 0)).toBeGreaterThan(1);
  }, 40_000);
});
