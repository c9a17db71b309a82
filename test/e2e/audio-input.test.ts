import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { pcmOfWav, SAMPLE_WAV, sha256 } from '../support/audio.js';
import { expectedLines, scriptFromText, startDeepgramServer, type DeepgramServer } from '../support/deepgram-server/index.js';
import { runCli } from '../support/run-cli.js';

// Inputs that used to be misread: what the sniffer, the WAV reader and the decoders make of them.
const SCRIPT = scriptFromText('Hello from transcribe. This sample was made with espeak. The quick brown fox jumps.', { startAt: 0.5, wordSec: 0.3 });
const LINES = expectedLines(SCRIPT, { endpointingMs: 300, utteranceEndMs: 1000 });
const PCM = pcmOfWav(SAMPLE_WAV);
const tmp = mkdtempSync(join(tmpdir(), 'transcribe-input-'));
const at = (name: string, content: Buffer | string) => (writeFileSync(join(tmp, name), content), join(tmp, name));

let server: DeepgramServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function transcribe(args: string[], options: { stdin?: Buffer; env?: Record<string, string | undefined> } = {}) {
  server = await startDeepgramServer({ script: SCRIPT });
  const env = { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url, ...options.env };
  return runCli(['file', ...args], { cwd: tmp, env, ...(options.stdin ? { stdin: options.stdin } : {}) });
}

describe('raw PCM on stdin is not taken for MP3', () => {
  it('audio that starts with a -1 sample (0xFFFF, then 0x0010: an MPEG layer I header) streams as raw PCM', async () => {
    const pcm = Buffer.concat([Buffer.from([0xff, 0xff, 0x10, 0x00]), PCM]);
    const result = await transcribe(['-', '--sample-rate', '16000', '--speed', 'max'], { stdin: pcm });
    expect(result).toMatchObject({ code: 0, stderr: '', stdout: LINES.join('\n') + '\n' });
    expect(server!.connections[0]!.sha256).toBe(sha256(pcm));
  });
});
