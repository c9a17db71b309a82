import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLE_WAV } from '../support/audio.js';
import { scriptFromText, startDeepgramServer, type DeepgramServer } from '../support/deepgram-server/index.js';
import { runCli } from '../support/run-cli.js';

let server: DeepgramServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('flags and the path', () => {
  it('transcribe file --timestamps talk.wav: the optional value does not swallow the path', async () => {
    server = await startDeepgramServer({ script: scriptFromText('Hello from transcribe.', { startAt: 0.5, wordSec: 0.3 }) });
    const env = { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url };
    const bare = await runCli(['file', '--speed', 'max', '--timestamps', SAMPLE_WAV], { env });
    expect(bare).toEqual({ code: 0, signal: null, stderr: '', stdout: '[00:00:00.500] Hello from transcribe.\n' });
    const moded = await runCli(['file', '--timestamps', 'offset', SAMPLE_WAV, '--speed', 'max'], { env });
    expect(moded).toEqual(bare);
  });
});
