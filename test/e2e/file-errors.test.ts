import { existsSync, readFileSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeWithFfmpeg, pcmOfWav, SAMPLE_WAV, wavOf } from '../support/audio.js';
import { scriptFromText, startDeepgramServer, type ConnectionFault, type DeepgramServer } from '../support/deepgram-server/index.js';
import { runCli } from '../support/run-cli.js';
import { missing } from '../support/system-tools.js';
import { tempDir } from '../support/temp.js';

const tmp = tempDir('transcribe-errors-');
const at = (name: string, content: Buffer | string) => (writeFileSync(join(tmp, name), content), join(tmp, name));
const PCM = pcmOfWav(SAMPLE_WAV);
const SCRIPT = scriptFromText('Hello from transcribe. This sample was made with espeak.', { startAt: 0.5, wordSec: 0.3 });

let server: DeepgramServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Runs the CLI in the temp dir against a server that is not listening unless a test starts one. */
function transcribe(args: string[], env: Record<string, string | undefined> = {}, stdin?: Buffer) {
  return runCli(['file', ...args], {
    cwd: tmp,
    env: { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server?.url ?? 'http://127.0.0.1:9', ...env },
    ...(stdin ? { stdin } : {}),
  });
}

describe('transcribe file: bad input gives one line, a hint and a documented exit code', () => {
  it.each<[string, () => string[], number, string, Buffer?]>([
    ['a missing file', () => ['nope.wav'], 4, 'transcribe: no such file: nope.wav — check the path, or use - to read stdin\n'],
    [
      'a directory without --output-dir',
      () => [tmp],
      2,
      'transcribe: several inputs (or a directory) need --output-dir — add --output-dir <dir>: one transcript per input is written there\n',
    ],
    [
      'an empty file',
      () => [at('empty.wav', '')],
      4,
      `transcribe: ${tmp}/empty.wav is empty: there is no audio to transcribe — check the file or the command feeding stdin\n`,
    ],
    [
      'a WAV cut inside its header',
      () => [at('cut.wav', readFileSync(SAMPLE_WAV).subarray(0, 30))],
      4,
      `transcribe: ${tmp}/cut.wav is a truncated or corrupt WAV file: its header ends before the audio data — check that the file was copied or recorded completely\n`,
    ],
    [
      'a WAV of an unsupported encoding',
      () => [at('pcm12.wav', Buffer.concat([wavOf(PCM.subarray(0, 64), { sampleRate: 8000, channels: 1, bits: 16 }).fill(12, 34, 35)]))],
      4,
      `transcribe: ${tmp}/pcm12.wav is not a usable WAV file: unsupported WAV encoding (format tag 1, 12 bits) — convert it to 16-bit PCM WAV, e.g. with ffmpeg -i in -acodec pcm_s16le out.wav\n`,
    ],
    [
      'a header with no samples after it',
      () => [at('nodata.wav', wavOf(Buffer.alloc(0), { sampleRate: 16000, channels: 1, bits: 16 }))],
      4,
      `transcribe: ${tmp}/nodata.wav contains no audio samples — check the file\n`,
    ],
    [
      'raw PCM on stdin without flags',
      () => ['-'],
      2,
      'transcribe: stdin is not WAV or a known audio container — add --encoding linear16 --sample-rate <hz> [--channels <n>] for raw PCM\n',
      Buffer.from('not audio, just text'),
    ],
    [
      'raw flags without a rate',
      () => ['-', '--encoding', 'linear16'],
      2,
      'transcribe: raw PCM needs its sample rate — add --encoding linear16 --sample-rate <hz> [--channels <n>] for raw PCM\n',
      PCM,
    ],
    [
      '--speed 0',
      () => ['x.wav', '--speed', '0'],
      2,
      'transcribe: invalid value "0" for --speed: must be a decimal number of at least 0.1 (1 = real time) or "max" — see transcribe file --help\n',
    ],
    [
      '--sample-rate abc',
      () => ['x.wav', '--sample-rate', 'abc'],
      2,
      'transcribe: invalid value "abc" for --sample-rate: must be a whole number — see transcribe file --help\n',
    ],
    [
      '--endpointing soon',
      () => ['x.wav', '--endpointing', 'soon'],
      2,
      'transcribe: invalid value "soon" for --endpointing: must be milliseconds (e.g. 300) or false — see transcribe file --help\n',
    ],
    [
      '--encoding mp3',
      () => ['x.wav', '--encoding', 'mp3'],
      2,
      'transcribe: invalid value "mp3" for --encoding: must be linear16 (16-bit little-endian PCM); other formats are read from their container header — see transcribe file --help\n',
    ],
    [
      '--param without =',
      () => ['x.wav', '--param', 'redact'],
      2,
      'transcribe: invalid value "redact" for --param: must look like key=value — see transcribe file --help\n',
    ],
    ['an unknown flag', () => ['x.wav', '--modle', 'nova-3'], 2, "transcribe: unknown option '--modle'\n(Did you mean --model?)\n"],
    ['no path', () => [], 2, 'transcribe: no input given — name an audio file or a directory, - for stdin, or --from <list>\n'],
    [
      'a file name with escape codes and a newline: shown escaped, one line',
      () => ['x\x1b]0;PWNED\x07\x1b[2J\ny.wav'],
      4,
      'transcribe: no such file: x\\x1b]0;PWNED\\x07\\x1b[2J\\ny.wav — check the path, or use - to read stdin\n',
    ],
    ["an unknown flag with escape codes (commander's message)", () => ['x.wav', '--\x1b[2J'], 2, "transcribe: unknown option '--\\x1b[2J'\n"],
  ])('%s', async (_name, args, code, stderr, stdin) => {
    const result = await transcribe(args(), {}, stdin);
    expect(result).toEqual({ code, signal: null, stdout: '', stderr });
  });

  it('a Unix socket: exit 4, said in words (not ENXIO)', async () => {
    const path = join(tmp, 'audio.sock');
    const socket = createServer();
    await new Promise<void>((resolve) => socket.listen(path, resolve));
    try {
      expect(await transcribe([path])).toEqual({
        code: 4,
        signal: null,
        stdout: '',
        stderr: `transcribe: ${path} is a socket, not an audio file — give the path of an audio file, or pipe the audio to transcribe file -\n`,
      });
    } finally {
      await new Promise((resolve) => socket.close(resolve));
    }
  });

  it('no API key for Deepgram itself: exit 2 and how to set one', async () => {
    const result = await transcribe([SAMPLE_WAV], { DEEPGRAM_API_KEY: undefined, DEEPGRAM_API_URL: undefined });
    expect(result).toMatchObject({
      code: 2,
      stdout: '',
      stderr:
        'transcribe: no Deepgram API key — run transcribe config set api-key, or set DEEPGRAM_API_KEY (create a key at https://console.deepgram.com); --api-url for a self-hosted server\n',
    });
  });

  it('a --save-audio name with escape codes: its warning shows them escaped', async () => {
    server = await startDeepgramServer({ script: SCRIPT });
    const result = await transcribe([SAMPLE_WAV, '--speed', 'max', '--save-audio', 'a\x1b]52;c;cHduZWQ=\x07']);
    expect(result).toEqual({
      code: 0,
      signal: null,
      stdout: 'Hello from transcribe.\nThis sample was made with espeak.\n',
      stderr: 'transcribe: warning: --save-audio a\\x1b]52;c;cHduZWQ=\\x07 is written as WAV audio; a name ending in .wav lets players recognise it\n',
    });
  });

  it('a truncated WAV body: a warning, then the audio that is there', async () => {
    server = await startDeepgramServer({ script: SCRIPT });
    const path = at('short.wav', readFileSync(SAMPLE_WAV).subarray(0, 44 + 32000 * 4));
    const result = await transcribe([path, '--speed', 'max']);
    expect(result).toMatchObject({
      code: 0,
      stderr: `transcribe: warning: ${path} is truncated: 4.4 s of the audio its header announces are missing; transcribing the rest\n`,
      stdout: 'Hello from transcribe.\nThis sample was made with\n', // the words heard in those 4 s
    });
    expect(server.connections[0]!.audioBytes).toBe(32000 * 4);
  });

  it.skipIf(missing('ffmpeg'))('a file that is not audio: the decoder says why', async () => {
    const path = at('notes.txt', 'hello there, these are notes\n');
    const result = await transcribe([path]);
    expect(result).toEqual({
      code: 4,
      signal: null,
      stdout: '',
      stderr: `transcribe: could not decode ${path} with ffmpeg: ${path}: Invalid data found when processing input — check that the file is an audio file and not damaged\n`,
    });
  });

  describe.skipIf(missing('ffmpeg', 'sox'))('without a decoder (apt-get install -y ffmpeg sox libsox-fmt-all)', () => {
    const onlySox = join(tmp, 'only-sox');
    mkdirSync(onlySox, { recursive: true });
    try {
      symlinkSync('/usr/bin/sox', join(onlySox, 'sox'));
    } catch {
      // exists
    }
    it.each([
      ['no decoder at all', '/nonexistent', 'neither ffmpeg nor SoX is on PATH'],
      ['only SoX, which cannot read M4A', onlySox, 'SoX cannot read it and ffmpeg is not on PATH'],
    ])('%s: exit 4 naming the package to install', async (_name, path, found) => {
      const m4a = join(tmp, 'talk.m4a');
      encodeWithFfmpeg(SAMPLE_WAV, m4a, ['-codec:a', 'aac']);
      const result = await transcribe([m4a], { PATH: path });
      expect(result).toEqual({
        code: 4,
        signal: null,
        stdout: '',
        stderr: `transcribe: cannot decode MP4/M4A audio in ${m4a}: ${found} — install ffmpeg (Debian/Ubuntu: sudo apt-get install ffmpeg; macOS: brew install ffmpeg) or convert the audio to WAV\n`,
      });
    });
  });
});

describe('transcribe file: Deepgram and network failures', () => {
  async function withServer(faults: ConnectionFault[], args: string[] = [], env: Record<string, string> = {}) {
    server = await startDeepgramServer({ script: SCRIPT, faults });
    return transcribe([SAMPLE_WAV, '--speed', 'max', ...args], env);
  }

  it('401: exit 3, naming the key source, masked', async () => {
    server = await startDeepgramServer({ script: SCRIPT });
    const result = await transcribe([SAMPLE_WAV], { DEEPGRAM_API_KEY: 'wrong-key-0123456789abcd' });
    const { requestId } = server.connections[0]!;
    expect(result).toEqual({
      code: 3,
      signal: null,
      stdout: '',
      stderr: `transcribe: Deepgram rejected the API key from DEEPGRAM_API_KEY (****abcd): Invalid credentials (request id ${requestId}) — check the key in the Deepgram console and set DEEPGRAM_API_KEY\n`,
    });
    expect(result.stderr).not.toContain('wrong-key');
  });

  it('401 with --save-audio and --output: no empty new files, an existing one (--force) kept whole', async () => {
    server = await startDeepgramServer({ script: SCRIPT });
    const old = at('old.srt', '1\n00:00:00,000 --> 00:00:01,000\nthe previous captions\n');
    const refused = await transcribe([SAMPLE_WAV, '--save-audio', 'new.wav', '--output', old, '--force'], { DEEPGRAM_API_KEY: 'wrong-key' });
    expect(refused).toMatchObject({ code: 3, stdout: '' });
    expect(readFileSync(old, 'utf8')).toBe('1\n00:00:00,000 --> 00:00:01,000\nthe previous captions\n');
    expect(existsSync(join(tmp, 'new.wav'))).toBe(false);
    // The run after the key is fixed needs no --force for the recording that never was.
    const fixed = await transcribe([SAMPLE_WAV, '--speed', 'max', '--save-audio', 'new.wav', '--output', 'fixed.srt']);
    expect(fixed).toMatchObject({ code: 0, stderr: '' });
    expect(readFileSync(join(tmp, 'new.wav')).length).toBe(readFileSync(SAMPLE_WAV).length);
  });

  it('401 with the key from --api-key', async () => {
    server = await startDeepgramServer({ script: SCRIPT });
    const result = await transcribe([SAMPLE_WAV, '--api-key', 'Token another-wrong-key-wxyz']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^transcribe: Deepgram rejected the API key from --api-key \(\*\*\*\*wxyz\): Invalid credentials/);
    expect(server.connections[0]!.authorization).toBe('Token another-wrong-key-wxyz');
  });

  it('400: exit 2 with the dg-error text and the request id', async () => {
    server = await startDeepgramServer({ script: SCRIPT });
    const result = await transcribe([SAMPLE_WAV, '--param', 'keywords=acme:2']);
    const { requestId } = server.connections[0]!;
    expect(result).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: `transcribe: Deepgram rejected the request: Keywords are not supported for Nova-3. Please use \`keyterm\` instead (request id ${requestId}) — check the options given (transcribe file --help)\n`,
    });
  });

  it.each<[number, number, RegExp]>([
    [402, 3, /^transcribe: Deepgram refused the request: payment required: Project does not have enough credits/],
    [403, 3, /^transcribe: Deepgram refused the request: forbidden: Project does not have access to the requested model/],
    [
      429,
      5,
      /^transcribe: Deepgram is busy: too many requests: Too many requests. Please try again later \(request id [0-9a-f-]+\) — wait a moment and try again\n$/,
    ],
    [503, 5, /^transcribe: Deepgram answered HTTP 503/],
  ])('handshake refused with %i: exit %i (without retries: --reconnect-timeout 0)', async (status, code, stderr) => {
    const result = await withServer([{ reject: { status } }], ['--reconnect-timeout', '0']);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(stderr);
  });

  it('connection refused: exit 5', async () => {
    const result = await transcribe([SAMPLE_WAV], { DEEPGRAM_API_URL: 'http://127.0.0.1:9' });
    expect(result).toEqual({
      code: 5,
      signal: null,
      stdout: '',
      stderr: 'transcribe: cannot connect to 127.0.0.1:9: connection refused — check your network, and --api-url or DEEPGRAM_API_URL\n',
    });
  });

  it('a host that does not resolve: exit 5', async () => {
    const result = await transcribe([SAMPLE_WAV], { DEEPGRAM_API_URL: 'https://deepgram.invalid' });
    expect(result).toMatchObject({
      code: 5,
      stdout: '',
      stderr: 'transcribe: cannot resolve deepgram.invalid — check your network, and --api-url or DEEPGRAM_API_URL\n',
    });
  });

  it('the server closes with 1008 (audio it cannot decode): exit 4 with the reason, words already heard kept, no reconnection', async () => {
    const result = await withServer([{ dropAfterBytes: { bytes: 32000 * 4, code: 1008, reason: 'DATA-0000' } }]);
    expect(result).toEqual({
      code: 4,
      signal: null,
      stdout: 'Hello from transcribe.\n',
      stderr: 'transcribe: Deepgram could not decode the audio: DATA-0000 — check --encoding, --sample-rate and --channels match the audio\n',
    });
  });

  it('--output on a full disk (/dev/full): the transcript continues on stdout, exit 1', async () => {
    server = await startDeepgramServer({ script: SCRIPT });
    const result = await transcribe([SAMPLE_WAV, '--speed', 'max', '--output', '/dev/full']);
    expect(result).toEqual({
      code: 1,
      signal: null,
      stdout: 'Hello from transcribe.\nThis sample was made with espeak.\n',
      stderr:
        'transcribe: cannot write to /dev/full (ENOSPC); the transcript continues on stdout\n' +
        'transcribe: cannot write to /dev/full (ENOSPC) — check free disk space and permissions\n',
    });
  });

  it('unknown and malformed server messages are ignored', async () => {
    const result = await withServer([{ garbage: true }]);
    expect(result).toMatchObject({ code: 0, stderr: '', stdout: 'Hello from transcribe.\nThis sample was made with espeak.\n' });
  });

  it('--verbose counts the ignored messages and never prints the key', async () => {
    const result = await withServer([{ garbage: true }], ['--verbose']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^transcribe: connecting to ws:\/\/127\.0\.0\.1:\d+\/v1\/listen\?model=nova-3/);
    expect(result.stderr).toMatch(/transcribe: \d+ unrecognised message\(s\) ignored\n$/);
    expect(result.stderr).not.toContain('test-key');
  });

  it('a self-hosted server without a key: no Authorization header', async () => {
    server = await startDeepgramServer({ script: SCRIPT, apiKey: null });
    const result = await transcribe([SAMPLE_WAV, '--speed', 'max'], { DEEPGRAM_API_KEY: undefined });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(server.connections[0]!.authorization).toBeUndefined();
  });
});
