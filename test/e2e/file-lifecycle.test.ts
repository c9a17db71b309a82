import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { pcmOfWav, SAMPLE_WAV, sha256 } from '../support/audio.js';
import { expectedLines, scriptFromText, startDeepgramServer, type DeepgramServer } from '../support/deepgram-server/index.js';
import { BIN, cliEnv, collect, startCli } from '../support/run-cli.js';

const SCRIPT = scriptFromText('Hello from transcribe. This sample was made with espeak. The quick brown fox jumps.', { startAt: 0.5, wordSec: 0.3 });
const PCM = pcmOfWav(SAMPLE_WAV);
const BYTES_PER_SECOND = 32000;

let server: DeepgramServer;
afterEach(async () => server?.close());

const env = () => ({ DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url });

async function untilAudio(seconds: number): Promise<void> {
  await server.waitForConnections(1);
  while ((server.connections[0]?.audioBytes ?? 0) < seconds * BYTES_PER_SECOND) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('transcribe file: stopping early loses nothing already heard', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s: Finalize, CloseStream, the last words, exit 130 within 2 s', async (signal) => {
    server = await startDeepgramServer({ script: SCRIPT });
    const child = startCli(['file', SAMPLE_WAV], { env: env() });
    const result = collect(child);
    await untilAudio(4.2);
    const sentAt = performance.now();
    child.kill(signal);
    const { code, stdout, stderr } = await result;
    expect(performance.now() - sentAt).toBeLessThan(2000);
    const connection = await server.waitForClose(0);
    const heard = SCRIPT.filter((word) => word.end <= connection.audioSeconds);
    expect(heard.length).toBeGreaterThanOrEqual(5);
    expect({ code, stderr, stdout }).toEqual({ code: 130, stderr: '', stdout: expectedLines(heard, { endpointingMs: 300 }).join('\n') + '\n' });
    expect(connection.textFrames.slice(-2)).toEqual([{ type: 'Finalize' }, { type: 'CloseStream' }]);
    expect(connection.closeCode).toBe(1000);
  });

  it('a second Ctrl+C exits at once, even when Deepgram does not answer', async () => {
    server = await startDeepgramServer({ script: SCRIPT, faults: [{ stall: { afterBytes: 3 * BYTES_PER_SECOND } }] });
    const child = startCli(['file', SAMPLE_WAV], { env: env() });
    const result = collect(child);
    await untilAudio(3.5);
    child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const sentAt = performance.now();
    child.kill('SIGINT');
    const { code, stdout } = await result;
    expect(performance.now() - sentAt).toBeLessThan(500);
    expect(code).toBe(130);
    expect(stdout).toBe('Hello from transcribe.\n'); // finalized before the server went silent
  });

  it('stdout closed early (| head -1): a quiet exit 0, no EPIPE trace', async () => {
    server = await startDeepgramServer({ script: SCRIPT });
    const shell = spawn('bash', ['-c', `"${process.execPath}" "${BIN}" file "${SAMPLE_WAV}" --speed 3 | head -1; echo "exit=\${PIPESTATUS[0]}" >&2`], {
      env: cliEnv(env()),
    });
    const { stdout, stderr } = await collect(shell);
    expect(stdout).toBe('Hello from transcribe.\n');
    expect(stderr).toBe('exit=0\n');
  });
});

describe('transcribe file: a live producer on stdin', () => {
  it('is never delayed, and a stall of 5 s is bridged with KeepAlive (no NET-0001)', async () => {
    server = await startDeepgramServer({ script: SCRIPT, idleTimeoutMs: 6000 });
    const stdin = new PassThrough();
    const child = startCli(['file', '-', '--encoding', 'linear16', '--sample-rate', '16000'], { env: env(), stdin });
    const result = collect(child);
    stdin.write(PCM.subarray(0, 2 * BYTES_PER_SECOND));
    await untilAudio(2);
    await new Promise((resolve) => setTimeout(resolve, 6500)); // the producer stalls longer than the idle timeout
    stdin.end(PCM.subarray(2 * BYTES_PER_SECOND));
    const { code, stdout, stderr } = await result;
    expect({ code, stderr, stdout }).toEqual({ code: 0, stderr: '', stdout: expectedLines(SCRIPT, { endpointingMs: 300 }).join('\n') + '\n' });
    const connection = server.connections[0]!;
    expect(connection.sha256).toBe(sha256(PCM));
    expect(connection.textFrames).toContainEqual({ type: 'KeepAlive' });
    expect(connection.closeCode).toBe(1000);
  }, 30_000);
});
