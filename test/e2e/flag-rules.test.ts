import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pcmOfWav, SAMPLE_WAV, wavOf } from '../support/audio.js';
import { scriptFromText, startDeepgramServer, type DeepgramServer } from '../support/deepgram-server/index.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp.js';

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

describe('Flux (--model flux-*): refused options are usage errors before connecting', () => {
  const env = { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: 'http://127.0.0.1:9' };
  const other = 'drop it, or choose another model such as nova-3';
  const flux = ['--model', 'flux-general-en'];
  it.each<[string[], string]>([
    [
      ['file', SAMPLE_WAV, ...flux, '--batch'],
      "flux-general-en does not take --batch: Deepgram's pre-recorded API has no Flux — drop --batch (the file is streamed), or choose another model such as nova-3",
    ],
    [
      ['file', SAMPLE_WAV, SAMPLE_WAV, ...flux, '--batch'],
      "flux-general-en does not take --batch: Deepgram's pre-recorded API has no Flux — drop --batch (the file is streamed), or choose another model such as nova-3",
    ],
    [['file', SAMPLE_WAV, ...flux, '--diarize'], `flux-general-en does not take --diarize: Flux does not tell speakers apart — ${other}`],
    [['live', ...flux, '--speakers', '0=Ana'], `flux-general-en does not take --speakers: Flux does not tell speakers apart — ${other}`],
    [['live', ...flux, '--capture', 'both'], `flux-general-en does not take --capture both: Flux takes one channel (both records two) — ${other}`],
    [['file', SAMPLE_WAV, ...flux, '--channels', '2'], `flux-general-en does not take --channels 2: Flux takes one channel — ${other}`],
    [['live', ...flux, '--no-smart-format'], `flux-general-en does not take --smart-format: Flux always punctuates and formats — ${other}`],
    [
      ['file', SAMPLE_WAV, ...flux, '--param', 'interim_results=false'],
      'Flux models (/v2/listen) refuse --param interim_results — drop it, or choose a non-Flux --model such as nova-3',
    ],
    [['live', ...flux, '--language-hint', 'de'], '--language-hint needs flux-general-multi — use --model flux-general-multi, or drop --language-hint'],
    [
      ['live', ...flux, '--manual-turns', '--eot-threshold', '0.9'],
      '--manual-turns ends turns only by hand (eot_threshold 1.0), so --eot-threshold cannot apply — drop one of them',
    ],
    [
      ['file', SAMPLE_WAV, ...flux, '--eot-threshold', '0.6', '--eager-eot-threshold', '0.7'],
      '--eager-eot-threshold 0.7 is above --eot-threshold 0.6: a tentative end of turn must not need more confidence than the end itself — lower --eager-eot-threshold or raise --eot-threshold',
    ],
    [['live', '--manual-turns'], '--manual-turns needs a Flux model — add --model flux-general-en (or flux-general-multi), or drop --manual-turns'],
    [
      ['file', SAMPLE_WAV, '--eot-timeout', '3000'],
      '--eot-timeout needs a Flux model — add --model flux-general-en (or flux-general-multi), or drop --eot-timeout',
    ],
  ])('%j', async (args, message) => {
    const result = await runCli(args, { env });
    expect(result).toEqual({ code: 2, signal: null, stdout: '', stderr: `transcribe: ${message}\n` });
  });

  it('a stored setting Flux does not take (environment, config) is set aside with a warning; as a flag it is an error', async () => {
    const stored = await runCli(['file', SAMPLE_WAV, ...flux], { env: { ...env, TRANSCRIBE_LANGUAGE: 'de' } });
    expect(stored.code).toBe(5); // on to connecting (nothing listens on port 9)
    expect(stored.stderr.split('\n')[0]).toBe('transcribe: warning: language (from TRANSCRIBE_LANGUAGE) does not apply to flux-general-en; ignored');
    const flag = await runCli(['file', SAMPLE_WAV, ...flux, '--language', 'de'], { env });
    expect(flag).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: `transcribe: flux-general-en does not take --language: flux-general-en is English and flux-general-multi finds the language itself (--language-hint helps it) — ${other}\n`,
    });
  });

  it('a stereo file: refused once its header is read, before connecting', async () => {
    const mono = pcmOfWav(SAMPLE_WAV);
    const stereo = Buffer.alloc(mono.length * 2);
    for (let i = 0; i < mono.length / 2; i++) {
      const sample = mono.readInt16LE(i * 2);
      stereo.writeInt16LE(sample, i * 4);
      stereo.writeInt16LE(sample, i * 4 + 2);
    }
    const path = join(tempDir('transcribe-flux-stereo-'), 'stereo.wav');
    writeFileSync(path, wavOf(stereo, { sampleRate: 16000, channels: 2, bits: 16 }));
    const result = await runCli(['file', path, ...flux], { env });
    expect(result).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr:
        'transcribe: flux-general-en takes one channel, and this audio has 2 — mix it down first (ffmpeg -i in.wav -ac 1 mono.wav), or choose another model such as nova-3\n',
    });
  });

  it('file --manual-turns: live only', async () => {
    const result = await runCli(['file', SAMPLE_WAV, ...flux, '--manual-turns'], { env });
    expect(result).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining("unknown option '--manual-turns'") as string });
  });
});
