import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { encodeWithFfmpeg, ffmpegPcm, pcmOfWav, SAMPLE_WAV, sha256 } from '../support/audio.js';
import { expectedLines, scriptFromText, startDeepgramServer, type DeepgramServer } from '../support/deepgram-server/index.js';
import { runCli } from '../support/run-cli.js';
import { missing } from '../support/system-tools.js';

// Inputs that used to be misread: what the sniffer, the WAV reader and the decoders make of them.
const SCRIPT = scriptFromText('Hello from transcribe. This sample was made with espeak. The quick brown fox jumps.', { startAt: 0.5, wordSec: 0.3 });
const LINES = expectedLines(SCRIPT, { endpointingMs: 300, utteranceEndMs: 1000 });
const PCM = pcmOfWav(SAMPLE_WAV);
const tmp = mkdtempSync(join(tmpdir(), 'transcribe-input-'));
/** A PATH on which SoX is the only decoder. */
const onlySox = join(tmp, 'only-sox');
mkdirSync(onlySox);
symlinkSync('/usr/bin/sox', join(onlySox, 'sox'));
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

describe("a WAV header's rate and channels have the flags' bounds", () => {
  it.each([
    ['1 Hz', 1, 1, '1 channels at 1 Hz (Hz: must be between 1000 and 384000)'],
    ['2^32-1 Hz', 0xffffffff, 1, '1 channels at 4294967295 Hz (Hz: must be between 1000 and 384000)'],
    ['65535 channels', 16000, 65535, '65535 channels at 16000 Hz (channels: must be between 1 and 32)'],
  ])('%s: exit 4, nothing sent', async (name, rate, channels, declared) => {
    const wav = Buffer.concat([readFileSync(SAMPLE_WAV).subarray(0, 44), PCM.subarray(0, 64)]);
    wav.writeUInt16LE(channels, 22);
    wav.writeUInt32LE(rate, 24);
    wav.writeUInt32LE(64, 40);
    const path = at(`${name}.wav`, wav);
    const result = await transcribe([path]);
    expect(result).toEqual({
      code: 4,
      signal: null,
      stdout: '',
      stderr: `transcribe: ${path} is not a usable WAV file: the header declares ${declared} — convert it to 16-bit PCM WAV, e.g. with ffmpeg -i in -acodec pcm_s16le out.wav\n`,
    });
    expect(server!.connections).toHaveLength(0);
  });
});

describe.skipIf(missing('ffmpeg', 'sox'))('WAVs that are not plain PCM go through the decoder (apt-get install -y ffmpeg sox libsox-fmt-all)', () => {
  it.each([
    ['mu-law', ['-acodec', 'pcm_mulaw', '-ar', '8000']],
    ['A-law', ['-acodec', 'pcm_alaw', '-ar', '8000']],
    ['IMA ADPCM', ['-acodec', 'adpcm_ima_wav']],
    ['MS ADPCM', ['-acodec', 'adpcm_ms']],
    ['GSM 6.10', ['-acodec', 'libgsm_ms', '-ar', '8000']],
  ])('%s: a file and stdin through ffmpeg, byte-exact', async (name, args) => {
    const path = join(tmp, `${name}.wav`);
    encodeWithFfmpeg(SAMPLE_WAV, path, args);
    for (const input of [path, '-']) {
      const result = await transcribe([input, '--speed', 'max'], input === '-' ? { stdin: readFileSync(path) } : {});
      expect(result).toMatchObject({ code: 0, stderr: '', stdout: LINES.join('\n') + '\n' });
      expect(server!.connections[0]!.sha256).toBe(sha256(ffmpegPcm(path)));
      await server!.close();
    }
  });

  it('mu-law through SoX when ffmpeg is not on PATH', async () => {
    const path = join(tmp, 'sox-mulaw.wav');
    encodeWithFfmpeg(SAMPLE_WAV, path, ['-acodec', 'pcm_mulaw', '-ar', '8000']);
    const result = await transcribe([path, '--speed', 'max'], { env: { PATH: onlySox } });
    expect(result).toMatchObject({ code: 0, stderr: '', stdout: LINES.join('\n') + '\n' });
    expect(server!.connections[0]!.query.get('sample_rate')).toBe('8000');
    expect(server!.connections[0]!.sha256).toBe(sha256(ffmpegPcm(path))); // mu-law to 16-bit is a table: both agree
  });
});

describe.skipIf(missing('ffmpeg', 'sox'))('a decoder only ever reads the local file it is given', () => {
  it('a local path that reads http://host/x.mp3 is decoded from disk; the URL is never fetched', async () => {
    let requests = 0;
    const web = createServer((_request, response) => (requests++, response.writeHead(404).end()));
    await new Promise<void>((ready) => web.listen(0, '127.0.0.1', ready));
    try {
      const host = `127.0.0.1:${(web.address() as AddressInfo).port}`;
      mkdirSync(join(tmp, 'http:', host), { recursive: true });
      const local = join(tmp, 'http:', host, 'x.mp3');
      encodeWithFfmpeg(SAMPLE_WAV, local, ['-codec:a', 'libmp3lame', '-b:a', '64k']);
      const result = await transcribe([`http://${host}/x.mp3`, '--speed', 'max']);
      expect(result).toMatchObject({ code: 0, stderr: '', stdout: LINES.join('\n') + '\n' });
      expect(server!.connections[0]!.sha256).toBe(sha256(ffmpegPcm(local)));
      expect(requests).toBe(0);
    } finally {
      web.close();
    }
  });

  it('SoX: a file named -x.mp3 (after --) is a file, not an option', async () => {
    const local = join(tmp, '-x.mp3');
    encodeWithFfmpeg(SAMPLE_WAV, local, ['-codec:a', 'libmp3lame', '-b:a', '64k']);
    const result = await transcribe(['--speed', 'max', '--', '-x.mp3'], { env: { PATH: onlySox } });
    expect(result).toMatchObject({ code: 0, stderr: '', stdout: LINES.join('\n') + '\n' });
  });
});
