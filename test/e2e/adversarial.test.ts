// Core scenarios against the test server's adversarial profile: late results (200-900 ms),
// interims that revise earlier words, the 1.25x pace limit, broken messages between the real
// ones, and a random close. Seeded: a failing test names its seed.
import { afterEach, describe, expect, it } from 'vitest';
import { pcmOfWav, SAMPLE_WAV } from '../support/audio.js';
import { expectedLines, scriptFromText, startDeepgramServer, type AdversarialOptions, type DeepgramServer } from '../support/deepgram-server/index.js';
import { runCli } from '../support/run-cli.js';

const SCRIPT = scriptFromText('Hello from transcribe. This sample was made with espeak. The quick brown fox jumps.', { startAt: 0.5, wordSec: 0.3 });
const LINES = expectedLines(SCRIPT, { endpointingMs: 300, utteranceEndMs: 1000 });
const NO_CLOSE: AdversarialOptions = { randomClose: false };

let server: DeepgramServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The file at the default --speed (1.25, inside the pace limit) against the adversarial profile. */
async function transcribe(seed: number, adversarial: AdversarialOptions, args: string[] = []) {
  server = await startDeepgramServer({ script: SCRIPT, reference: pcmOfWav(SAMPLE_WAV), profile: 'adversarial', seed, adversarial });
  return runCli(['file', SAMPLE_WAV, ...args], { env: { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url }, timeoutMs: 60_000 });
}

describe('core scenarios under the adversarial profile', () => {
  it('seed 11: a file to stdout as text, exact lines', async () => {
    const result = await transcribe(11, NO_CLOSE);
    expect(result).toEqual({ code: 0, signal: null, stdout: LINES.map((line) => `${line}\n`).join(''), stderr: '' });
    expect(server!.connections).toHaveLength(1);
  }, 30_000);

  it('seed 12: NDJSON: the finals are exact; interims (revised ones too) only as interim events; no broken message leaks', async () => {
    const result = await transcribe(12, NO_CLOSE, ['--format', 'json']);
    expect(result.code).toBe(0);
    const events = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; text?: string; request_id?: string });
    expect(events[0]!.type).toBe('open');
    expect(events.at(-1)).toMatchObject({ type: 'close', exit_code: 0, reason: 'end' });
    expect(events.filter((event) => event.type === 'final').map((event) => event.text)).toEqual(LINES);
    const interims = events.filter((event) => event.type === 'interim' && event.text).map((event) => event.text!);
    expect(interims.some((text) => !LINES.some((line) => line.startsWith(text)))).toBe(true); // a revised word was shown, then corrected
    expect(result.stdout).not.toContain('ghost');
    expect(events.filter((event) => event.type === 'metadata')).toEqual([expect.objectContaining({ request_id: server!.connections[0]!.requestId })]);
  }, 30_000);

  it.each([2, 5])(
    'seed %i: a random close mid-audio, then a reconnect: every line once, exit 0',
    async (seed) => {
      const result = await transcribe(seed, { randomClose: { during: ['audio'] } });
      expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 0, stdout: LINES.map((line) => `${line}\n`).join('') });
      expect(result.stderr).toMatch(
        /^transcribe: the connection dropped \(code 10(06|11)[^)]*\); reconnecting \(attempt 1\)\.\.\.\ntranscribe: reconnected after \d+\.\d s; replayed \d+\.\d s of audio\n$/,
      );
      expect(server!.connections.map((connection) => connection.closedBy)).toEqual(['server', 'server']);
      expect(server!.connections[1]!.closeCode).toBe(1000);
    },
    30_000,
  );

  // A drop while CloseStream's results are awaited is a drop like any other: the unconfirmed audio is replayed.
  it('seed 1: a random close during CloseStream: reconnect, every line once, exit 0', async () => {
    const result = await transcribe(1, { randomClose: { during: ['close-stream'] } });
    expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 0, stdout: LINES.map((line) => `${line}\n`).join('') });
  }, 30_000);
});
