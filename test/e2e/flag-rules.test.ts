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

describe('contradictions are usage errors', () => {
  it.each([
    [
      ['--speakers', '0=Ana', '--no-diarize'],
      '--speakers names speakers, but --no-diarize turns diarization off — drop one of them (--speakers alone turns --diarize on)',
    ],
    [
      ['--channel-names', '0=Agent,1=Caller', '--no-multichannel'],
      '--channel-names names channels, but --no-multichannel turns per-channel transcription off — drop one of them (--channel-names alone turns --multichannel on)',
    ],
  ])('%j', async (args, message) => {
    for (const command of [['file', SAMPLE_WAV], ['live']]) {
      const result = await runCli([...command, ...args], { env: { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: 'http://127.0.0.1:9' } });
      expect(result).toEqual({ code: 2, signal: null, stdout: '', stderr: `transcribe: ${message}\n` });
    }
  });
});
