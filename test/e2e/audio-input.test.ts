import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { encodeWithFfmpeg, ffmpegPcm, pcmOfWav, SAMPLE_WAV, sha256 } from '../support/audio.js';
import { expectedLines, scriptFromText, startDeepgramServer, type DeepgramServer } from '../support/deepgram-server/index.js';
import { spawn } from 'node:child_process';
import { chmodSync, createWriteStream } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { BIN, cliEnv, collect, runCli } from '../support/run-cli.js';
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

describe.skipIf(missing('ffmpeg'))('MPEG audio without a tag is still recognised on stdin', () => {
  it.each([
    ['an MP3 without an ID3 tag', 'x.mp3', ['-codec:a', 'libmp3lame', '-b:a', '64k', '-id3v2_version', '0', '-write_xing', '0']],
    ['ADTS AAC', 'x.aac', ['-codec:a', 'aac', '-f', 'adts']],
  ])('%s', async (_name, file, args) => {
    const path = join(tmp, file);
    encodeWithFfmpeg(SAMPLE_WAV, path, args);
    const result = await transcribe(['-', '--speed', 'max'], { stdin: readFileSync(path) });
    expect(result).toMatchObject({ code: 0, stderr: '', stdout: LINES.join('\n') + '\n' });
    expect(server!.connections[0]!.sha256).toBe(sha256(ffmpegPcm(path, 'pipe')));
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

describe('errors a user can cause are sentences', () => {
  /** Runs the CLI as an unprivileged user when we are root (root reads any file whatever its mode). */
  async function asUser(args: string[], env: Record<string, string>) {
    const root = process.getuid?.() === 0;
    const config = mkdtempSync(join(tmpdir(), 'transcribe-config-'));
    chmodSync(config, 0o777);
    chmodSync(tmp, 0o755);
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: tmp,
      env: cliEnv({ ...env, TRANSCRIBE_CONFIG_DIR: config }),
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(root ? { uid: 65534, gid: 65534 } : {}),
    });
    try {
      return await collect(child);
    } finally {
      rmSync(config, { recursive: true, force: true });
    }
  }

  it.each([[[]], [['--batch']]])('a file without read permission: "permission denied", exit 4 (file %j)', async (flags) => {
    const path = at('locked.wav', readFileSync(SAMPLE_WAV));
    chmodSync(path, 0o000);
    server = await startDeepgramServer({ script: SCRIPT });
    const result = await asUser(['file', path, ...flags], { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url });
    expect(result).toEqual({ code: 4, signal: null, stdout: '', stderr: `transcribe: permission denied: ${path} — check the file permissions\n` });
    expect(server.connections).toHaveLength(0);
  });

  it('https:// against a plain-http server: a sentence, not EPROTO', async () => {
    server = await startDeepgramServer({ script: SCRIPT });
    const host = new URL(server.url).host;
    const result = await runCli(['file', SAMPLE_WAV], { env: { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: `https://${host}` } });
    expect(result).toEqual({
      code: 5,
      signal: null,
      stdout: '',
      stderr: `transcribe: cannot connect to ${host}: the server does not speak TLS there (a plain http:// server?) — use http:// or ws:// in --api-url for a server without TLS\n`,
    });
  });

  it.skipIf(missing('ffmpeg'))('a video without an audio track: "has no audio track", exit 4, from a file and from stdin', async () => {
    const path = join(tmp, 'silent-film.mp4');
    execFileSync('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-nostdin',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=64x48:rate=5',
      '-t',
      '1',
      '-c:v',
      'mpeg4',
      path,
    ]);
    for (const input of [path, '-']) {
      const result = await transcribe([input], input === '-' ? { stdin: readFileSync(path) } : {});
      const label = input === '-' ? 'stdin' : path;
      expect(result).toEqual({
        code: 4,
        signal: null,
        stdout: '',
        stderr: `transcribe: ${label} has no audio track: there is nothing to transcribe — check that it is the recording you meant\n`,
      });
      expect(server!.connections).toHaveLength(0);
      await server!.close();
    }
  });
});

describe.skipIf(missing('ffmpeg'))('--batch refuses a file that is not audio before uploading it', () => {
  it.each([
    ['a README', 'README.md', Buffer.from('# transcribe\n\nLive transcription in your terminal.\n'.repeat(20))],
    ['random bytes', 'noise.bin', Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 7919 + 13) % 251))],
  ])('%s: exit 4, the advice streaming gives, nothing sent', async (_name, file, content) => {
    const path = at(file, content);
    const streamed = await transcribe([path]);
    const batch = await transcribe([path, '--batch']);
    expect(batch).toEqual({
      code: 4,
      signal: null,
      stdout: '',
      stderr: `transcribe: could not decode ${path} with ffmpeg: ${path}: Invalid data found when processing input — check that the file is an audio file and not damaged\n`,
    });
    expect(batch).toEqual(streamed);
    expect(server!.connections).toHaveLength(0);
  });

  it('audio is uploaded as it is: an MP3 without an ID3 tag, recognised by its frames', async () => {
    const path = join(tmp, 'ok.mp3');
    encodeWithFfmpeg(SAMPLE_WAV, path, ['-codec:a', 'libmp3lame', '-b:a', '64k', '-id3v2_version', '0', '-write_xing', '0']);
    const result = await transcribe([path, '--batch']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(server!.connections[0]!.sha256).toBe(sha256(readFileSync(path)));
  });
});

describe('a FIFO or <(cmd) is read as a stream, like stdin', () => {
  it('a WAV through a named pipe (mkfifo)', async () => {
    const fifo = join(tmp, 'talk.fifo');
    execFileSync('mkfifo', [fifo]);
    const run = transcribe([fifo, '--speed', 'max']);
    createWriteStream(fifo)
      .on('error', () => {})
      .end(readFileSync(SAMPLE_WAV)); // EPIPE if the CLI gives up early
    const result = await run;
    expect(result).toMatchObject({ code: 0, stderr: '', stdout: LINES.join('\n') + '\n' });
    expect(server!.connections[0]!.sha256).toBe(sha256(PCM));
  });

  it.skipIf(missing('ffmpeg'))('bash process substitution: a WAV, an M4A (spooled) and --batch', async () => {
    const m4a = join(tmp, 'sub.m4a');
    encodeWithFfmpeg(SAMPLE_WAV, m4a, ['-codec:a', 'aac']);
    for (const [input, args] of [
      [SAMPLE_WAV, ['--speed', 'max']],
      [m4a, ['--speed', 'max']],
      [SAMPLE_WAV, ['--batch']],
    ] as const) {
      server = await startDeepgramServer({ script: SCRIPT });
      const child = spawn('bash', ['-c', 'exec "$0" "$1" file <(cat "$2") "${@:3}"', process.execPath, BIN, input, ...args], {
        cwd: tmp,
        env: cliEnv({ DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const result = await collect(child);
      expect(result, `${input} ${args.join(' ')}`).toMatchObject({ code: 0, stderr: '', stdout: LINES.join('\n') + '\n' });
      const sent = input === m4a ? ffmpegPcm(m4a) : args[0] === '--batch' ? readFileSync(SAMPLE_WAV) : PCM;
      expect(server.connections[0]!.sha256).toBe(sha256(sent));
      await server.close();
    }
  });
});
