import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pcmOfWav, SAMPLE_WAV, sha256 } from '../support/audio.js';
import { expectedLines, scriptFromText, startDeepgramServer, type DeepgramServer } from '../support/deepgram-server/index.js';
import { BIN, cliEnv, collect, startCli } from '../support/run-cli.js';
import { missing } from '../support/system-tools.js';
import { TmuxScreen } from '../support/tmux.js';

const SCRIPT = scriptFromText('Hello from transcribe. This sample was made with espeak. The quick brown fox jumps.', { startAt: 0.5, wordSec: 0.3 });
const PCM = pcmOfWav(SAMPLE_WAV);
const BYTES_PER_SECOND = 32000;

let server: DeepgramServer | undefined;
let tmp: string | undefined;
let screen: TmuxScreen | undefined;
afterEach(async () => {
  screen?.kill();
  screen = undefined;
  await server?.close();
  server = undefined;
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

const env = () => ({ DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server!.url });

async function untilAudio(connection: number, bytes: number): Promise<void> {
  while ((server!.connections[connection]?.audioBytes ?? 0) < bytes) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('SIGHUP (the terminal window closed)', () => {
  it('ends like SIGTERM: Finalize, the last words, --save-audio header up to date, exit 129', async () => {
    server = await startDeepgramServer({ script: SCRIPT });
    tmp = mkdtempSync(join(tmpdir(), 'transcribe-hangup-'));
    const saved = join(tmp, 'sent.wav');
    const child = startCli(['file', SAMPLE_WAV, '--save-audio', saved], { env: env() });
    const result = collect(child);
    await untilAudio(0, 4.2 * BYTES_PER_SECOND);
    const sentAt = performance.now();
    child.kill('SIGHUP');
    const { code, stdout, stderr } = await result;
    expect(performance.now() - sentAt).toBeLessThan(2000);
    const connection = await server.waitForClose(0);
    const heard = SCRIPT.filter((word) => word.end <= connection.audioSeconds);
    expect(heard.length).toBeGreaterThanOrEqual(5);
    expect({ code, stderr, stdout }).toEqual({ code: 129, stderr: '', stdout: expectedLines(heard, { endpointingMs: 300 }).join('\n') + '\n' });
    expect(connection.textFrames.slice(-2)).toEqual([{ type: 'Finalize' }, { type: 'CloseStream' }]);
    const wav = readFileSync(saved);
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
    expect(wav.readUInt32LE(40)).toBe(wav.length - 44);
    expect(sha256(wav.subarray(44))).toBe(connection.sha256);
  });
});

describe.skipIf(missing('tmux'))('SIGHUP from a terminal that really closed (apt-get install -y tmux)', () => {
  it('the transcript and the WAV are complete, and the shell sees 129 (no crash writing to or resetting the dead terminal)', async () => {
    server = await startDeepgramServer({ script: SCRIPT });
    tmp = mkdtempSync(join(tmpdir(), 'transcribe-hangup-'));
    const env = cliEnv({ DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url, TERM: 'xterm-256color' });
    // The shell outlives the terminal (it ignores SIGHUP; transcribe installs its own handler) to record the exit status.
    const run = `"${process.execPath}" "${BIN}" file "${SAMPLE_WAV}" --output ${tmp}/out.txt --save-audio ${tmp}/sent.wav`;
    screen = TmuxScreen.start(`sh -c 'trap "" HUP; ${run}; echo $? > ${tmp}/status'`, { width: 80, height: 12, env });
    await untilAudio(0, 4.2 * BYTES_PER_SECOND);
    screen.close(); // the terminal window closes: SIGHUP (kill() would also SIGKILL what runs in it)
    screen = undefined;
    const deadline = performance.now() + 5000;
    while (!existsSync(join(tmp, 'status')) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const connection = await server.waitForClose(0);
    const heard = SCRIPT.filter((word) => word.end <= connection.audioSeconds);
    expect(readFileSync(join(tmp, 'status'), 'utf8')).toBe('129\n');
    expect(readFileSync(join(tmp, 'out.txt'), 'utf8')).toBe(expectedLines(heard, { endpointingMs: 300 }).join('\n') + '\n');
    const wav = readFileSync(join(tmp, 'sent.wav'));
    expect(wav.readUInt32LE(40)).toBe(wav.length - 44);
    expect(sha256(wav.subarray(44))).toBe(connection.sha256);
  });
});

describe('a server that accepts every connection and never answers', () => {
  const silent = () => Array.from({ length: 50 }, () => ({ stall: true }));

  it('is given up on (exit 5) within --reconnect-timeout of the last progress, after few connections', async () => {
    server = await startDeepgramServer({ script: SCRIPT, faults: silent() });
    const child = startCli(['file', SAMPLE_WAV, '--speed', 'max', '--reconnect-timeout', '3'], { env: env() });
    const { code, stdout, stderr } = await collect(child, 60_000);
    expect({ code, stdout }).toEqual({ code: 5, stdout: '' });
    expect(stderr).toMatch(
      /\ntranscribe: could not reconnect to Deepgram within 3 s \(no answer to CloseStream within 10 s\) — check your network; --reconnect-timeout sets how long to keep trying\n$/,
    );
    expect(server.connections.length).toBeLessThanOrEqual(2);
  }, 60_000);

  it('the first SIGTERM stops it within 2 s, even while a replacement connection is closing', async () => {
    server = await startDeepgramServer({ script: SCRIPT, faults: silent() });
    const child = startCli(['file', SAMPLE_WAV, '--speed', 'max'], { env: env() });
    const result = collect(child, 60_000);
    await untilAudio(1, PCM.length); // the first CloseStream went unanswered; the second connection got it all again
    await new Promise((resolve) => setTimeout(resolve, 500));
    const sentAt = performance.now();
    child.kill('SIGTERM');
    const { code, stdout, stderr } = await result;
    expect(performance.now() - sentAt).toBeLessThan(2500);
    expect({ code, stdout }).toEqual({ code: 130, stdout: '' });
    expect(stderr).toMatch(/transcribe: Deepgram did not finish within 1\.5 s; the last words may be missing\n$/);
    expect(server.connections).toHaveLength(2);
  }, 60_000);
});
