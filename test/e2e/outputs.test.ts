import { spawn, execFileSync } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  linkSync,
  lstatSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SAMPLE_WAV, sha256 } from '../support/audio.js';
import { scriptFromText, startDeepgramServer, type DeepgramServer } from '../support/deepgram-server/index.js';
import { BIN, cliEnv, collect, runCli, type CliResult } from '../support/run-cli.js';
import { missing } from '../support/system-tools.js';
import { TmuxScreen } from '../support/tmux.js';
import { makeSpeech, startVirtmic, type Virtmic } from '../support/virtmic/index.js';

const SCRIPT = scriptFromText('Hello from transcribe. This sample was made with espeak.', { startAt: 0.5, wordSec: 0.3 });
const LINES = 'Hello from transcribe.\nThis sample was made with espeak.\n';
const SRT = '1\n00:00:00,500 --> 00:00:01,400\nHello from transcribe.\n\n2\n00:00:02,400 --> 00:00:04,200\nThis sample was made with espeak.\n';
const root = mkdtempSync(join(tmpdir(), 'transcribe-outputs-'));
let tmp = '';
let server: DeepgramServer | undefined;

beforeEach(async () => {
  tmp = mkdtempSync(join(root, 'case-'));
  server = await startDeepgramServer({ script: SCRIPT });
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const env = () => ({ DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server!.url });
/** A run that hangs (an old build opening a pipe) is killed after 15 s, so that no process outlives the test. */
const transcribe = (args: string[]) => runCli(['file', ...args], { cwd: tmp, env: env(), timeoutMs: 15_000 });

/** `transcribe file ...args` run by `sh -c script`, where "$0" "$@" is the CLI. */
function viaShell(script: string, args: string[]): Promise<CliResult> {
  const child = spawn('sh', ['-c', script, process.execPath, BIN, 'file', ...args], { cwd: tmp, env: cliEnv(env()) });
  child.stdin.end();
  return collect(child, 15_000);
}

/** The CLI with a file-size limit of `blocks` x 512 bytes (SIGXFSZ ignored, so writes past it fail with EFBIG). */
// The archive cannot grow under such a limit either (its own warning, tested in history.test.ts): not archived here.
const withFileSizeLimit = (blocks: number, args: string[]) => viaShell(`trap '' XFSZ; ulimit -f ${blocks}; exec "$0" "$@"`, [...args, '--no-history']);

describe('outputs never destroy the input, each other, or hang (#11)', () => {
  it.each<[string, (input: string) => string]>([
    ['the same path', (input) => input],
    ['a symlink to it', (input) => (symlinkSync(input, join(tmp, 'link.wav')), join(tmp, 'link.wav'))],
    ['a hard link to it', (input) => (linkSync(input, join(tmp, 'hard.wav')), join(tmp, 'hard.wav'))],
  ])('--save-audio or --output naming the input (%s): exit 2, the recording untouched', async (_name, alias) => {
    const input = join(tmp, 'm.wav');
    copyFileSync(SAMPLE_WAV, input);
    const target = alias(input);
    for (const flag of ['--save-audio', '--output']) {
      const result = await transcribe([input, '--speed', 'max', '--force', flag, target]);
      expect(result).toEqual({
        code: 2,
        signal: null,
        stdout: '',
        stderr: `transcribe: ${flag} ${target} is the input file: writing it would destroy the recording — choose another name for ${flag}\n`,
      });
    }
    expect(sha256(readFileSync(input))).toBe(sha256(readFileSync(SAMPLE_WAV)));
    expect(server!.connections).toHaveLength(0);
  });

  it('--output and --save-audio naming the same file: exit 2', async () => {
    const result = await transcribe([SAMPLE_WAV, '--output', 'x.txt', '--save-audio', './x.txt']);
    expect(result).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: 'transcribe: --output and --save-audio name the same file (./x.txt) — give them different names\n',
    });
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('a named pipe: refused for --save-audio and --output (no hang)', async () => {
    execFileSync('mkfifo', [join(tmp, 'pipe')]);
    expect(await transcribe([SAMPLE_WAV, '--save-audio', 'pipe'])).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: "transcribe: --save-audio pipe is a pipe: a WAV file's header is rewritten as it grows — give --save-audio the name of a .wav file\n",
    });
    expect(await transcribe([SAMPLE_WAV, '--output', 'pipe'])).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: 'transcribe: --output pipe is a named pipe: opening it would wait for a reader — leave out --output and pipe stdout instead\n',
    });
  });

  it('--save-audio naming where stdout is redirected (even with --force): exit 2, the transcript is not written into the audio', async () => {
    for (const target of ['rec.wav', '/dev/stdout']) {
      const result = await viaShell('exec "$0" "$@" > rec.wav', [SAMPLE_WAV, '--speed', 'max', '--force', '--save-audio', target]);
      expect(result).toEqual({
        code: 2,
        signal: null,
        stdout: '',
        stderr: `transcribe: --save-audio ${target} is where stdout goes: the transcript would be written into the recording — give --save-audio another name, or the transcript --output\n`,
      });
    }
    expect(server!.connections).toHaveLength(0);
  });

  it('stderr closed by its reader (a logger that died): the warning is lost, the transcript is not', async () => {
    const child = spawn(process.execPath, [BIN, 'file', SAMPLE_WAV, '--speed', 'max', '--save-audio', 'audio'], {
      cwd: tmp,
      env: cliEnv(env()),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr.destroy();
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect({ code, stdout }).toEqual({ code: 0, stdout: LINES });
  });

  it('--output /dev/stdout in a pipeline (a pipe already open, not a named one) still works', async () => {
    const result = await viaShell('{ "$0" "$@"; echo "EXIT=$?" >&2; } | cat', [SAMPLE_WAV, '--speed', 'max', '--output', '/dev/stdout']);
    expect(result).toEqual({ code: 0, signal: null, stdout: LINES, stderr: 'EXIT=0\n' });
  });
});

describe('--save-audio: replaced only with --force, a warning for another extension (#11)', () => {
  it('an existing recording is kept without --force and replaced with it', async () => {
    const path = join(tmp, 'session.wav');
    writeFileSync(path, 'the first session');
    expect(await transcribe([SAMPLE_WAV, '--speed', 'max', '--save-audio', path])).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: `transcribe: ${path} exists — add --force to replace it, or choose another --save-audio\n`,
    });
    expect(readFileSync(path, 'utf8')).toBe('the first session');
    expect(await transcribe([SAMPLE_WAV, '--speed', 'max', '--save-audio', path, '--force'])).toMatchObject({ code: 0, stdout: LINES, stderr: '' });
    expect(sha256(readFileSync(path).subarray(44))).toBe(server!.connections[0]!.sha256);
  });

  it('live: a second session with the same --save-audio never erases the first (refused before recording)', async () => {
    const path = join(tmp, 'session.wav');
    writeFileSync(path, 'the first session');
    // No recorder on PATH: even a build without the check never reaches a real microphone.
    expect(await runCli(['live', '--save-audio', path], { cwd: tmp, env: { ...env(), PATH: tmp }, timeoutMs: 15_000 })).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: `transcribe: ${path} exists — add --force to replace it, or choose another --save-audio\n`,
    });
    expect(readFileSync(path, 'utf8')).toBe('the first session');
  });

  it('a name not ending in .wav: saved as WAV, with a warning', async () => {
    const result = await transcribe([SAMPLE_WAV, '--speed', 'max', '--save-audio', 'talk.mp3']);
    expect(result).toEqual({
      code: 0,
      signal: null,
      stdout: LINES,
      stderr: 'transcribe: warning: --save-audio talk.mp3 is written as WAV audio; a name ending in .wav lets players recognise it\n',
    });
    expect(readFileSync(join(tmp, 'talk.mp3')).subarray(0, 4).toString()).toBe('RIFF');
  });
});

/** Runs the CLI on a tmux terminal; the screen when it has exited. */
async function onTerminal(args: string, width = 60): Promise<string[]> {
  const screen = TmuxScreen.start(`"${process.execPath}" "${BIN}" file "${SAMPLE_WAV}" --speed max ${args}`, {
    width,
    height: 10,
    env: cliEnv({ ...env(), TERM: 'xterm-256color' }),
  });
  try {
    const deadline = performance.now() + 20_000;
    let lines = screen.capture();
    while (!lines.some((line) => line.startsWith('EXIT=')) && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      lines = screen.capture();
    }
    return lines;
  } finally {
    screen.kill();
  }
}

describe.skipIf(missing('tmux'))('on a terminal (#11)', () => {
  it('--output: the finished lines also appear on the screen; the file gets them too', async () => {
    const path = join(tmp, 'notes.txt');
    expect(await onTerminal(`--output "${path}"`)).toEqual(['Hello from transcribe.', 'This sample was made with espeak.', 'EXIT=0']);
    expect(readFileSync(path, 'utf8')).toBe(LINES);
  });

  it.each(['/dev/stdout', '/dev/tty'])('--output %s, the terminal itself: each line shown once', async (path) => {
    expect(await onTerminal(`--output ${path}`)).toEqual(['Hello from transcribe.', 'This sample was made with espeak.', 'EXIT=0']);
  });

  it('--save-audio /dev/stdout (a terminal cannot be rewritten in place): refused, exit 2', async () => {
    expect(await onTerminal('--save-audio /dev/stdout', 200)).toEqual([
      "transcribe: --save-audio /dev/stdout cannot be rewritten in place: a WAV file's header is updated as it grows — give --save-audio the name of a .wav file",
      'EXIT=2',
    ]);
  });
});

describe.skipIf(missing('tmux', 'pulseaudio', 'arecord', 'espeak-ng'))('live --output on a terminal (#11)', () => {
  let mic: Virtmic | undefined;
  afterAll(() => mic?.stop());

  it('the finished lines appear on the screen as they are said, and in the file', async () => {
    mic = startVirtmic();
    const speech = makeSpeech(root);
    const path = join(tmp, 'notes.txt');
    const screen = TmuxScreen.start(`"${process.execPath}" "${BIN}" live --output "${path}"`, {
      width: 60,
      height: 10,
      env: cliEnv({ ...mic.env, ...env(), TERM: 'xterm-256color' }),
    });
    try {
      await server!.waitForConnections(1, 10_000);
      const playing = mic.play(speech.padded); // real speech, so the silent-microphone warning stays away
      const deadline = performance.now() + 20_000;
      while (performance.now() < deadline && (server!.connections[0]?.audioSeconds ?? 0) < SCRIPT.at(-1)!.end + 0.6)
        await new Promise((resolve) => setTimeout(resolve, 50));
      execFileSync('tmux', ['send-keys', '-t', screen.name, 'C-c']);
      for (let i = 0; i < 60 && !screen.capture().some((line) => line.startsWith('EXIT=')); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      await playing;
      // Keys are read (raw mode): the Ctrl+C is a byte, handled as SIGINT, and not echoed as ^C.
      expect(screen.capture()).toEqual(['Hello from transcribe.', 'This sample was made with espeak.', 'EXIT=130']);
      expect(readFileSync(path, 'utf8')).toBe(LINES);
    } finally {
      screen.kill();
    }
  }, 40_000);
});

describe('write failures lose nothing and never corrupt a file (#11)', () => {
  it('--output: a line that fits only in part is cut off again and goes to stdout whole, with the rest', async () => {
    const path = join(tmp, 'notes.txt');
    const earlier = 'x'.repeat(500) + '\n'; // 501 of the 512 bytes allowed: the first line fits only in part
    writeFileSync(path, earlier);
    const result = await withFileSizeLimit(1, [SAMPLE_WAV, '--speed', 'max', '--output', path]);
    expect(result).toEqual({
      code: 1,
      signal: null,
      stdout: LINES,
      stderr: `transcribe: cannot write to ${path} (EFBIG); the transcript continues on stdout\ntranscribe: cannot write to ${path} (EFBIG) — check free disk space and permissions\n`,
    });
    expect(readFileSync(path, 'utf8')).toBe(earlier);
  });

  it('--output .srt that cannot be written: the captions go to stdout, exit 1, no temporary file left', async () => {
    const path = join(tmp, 'talk.srt');
    const result = await withFileSizeLimit(0, [SAMPLE_WAV, '--speed', 'max', '--output', path]);
    expect(result).toEqual({
      code: 1,
      signal: null,
      stdout: SRT,
      stderr: `transcribe: cannot write ${path} (EFBIG); the captions will be written to stdout at the end\ntranscribe: cannot write ${path} (EFBIG) — check the directory exists and is writable\n`,
    });
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('--save-audio that fails mid-run: a warning, the transcription goes on, exit 1; the WAV stays playable', async () => {
    const path = join(tmp, 'talk.wav');
    const result = await withFileSizeLimit(8, [SAMPLE_WAV, '--speed', 'max', '--save-audio', path]);
    expect(result).toEqual({
      code: 1,
      signal: null,
      stdout: LINES,
      stderr:
        `transcribe: warning: cannot write the audio to ${path} (EFBIG); the audio is no longer saved, the transcription goes on\n` +
        `transcribe: cannot write the audio to ${path} (EFBIG) — check the directory exists and has free space\n`,
    });
    const saved = readFileSync(path);
    expect(saved.readUInt32LE(40)).toBe(saved.length - 44);
    expect(saved.length - 44).toBe(3200); // the one whole 100 ms frame that fitted in 4096 bytes
    expect(saved.subarray(44)).toEqual(readFileSync(SAMPLE_WAV).subarray(44, 44 + 3200));
  });

  it('stdout on a full disk: one line, exit 1, no stack trace', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      const child = spawn(process.execPath, [BIN, 'file', SAMPLE_WAV, '--speed', 'max'], { cwd: tmp, env: cliEnv(env()), stdio: ['ignore', full, 'pipe'] });
      let stderr = '';
      child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
      const code = await new Promise((resolve) => child.on('close', resolve));
      expect({ code, stderr }).toEqual({
        code: 1,
        stderr: 'transcribe: cannot write the transcript to stdout (ENOSPC) — check where stdout goes: free disk space, the device\n',
      });
    } finally {
      closeSync(full);
    }
  });
});

describe('files of people: private, never through a planted link (#12)', () => {
  it('transcripts, NDJSON, captions and recordings are created 0600; an existing file appended to keeps its mode', async () => {
    writeFileSync(join(tmp, 'old.txt'), 'earlier\n', { mode: 0o644 });
    for (const args of [
      ['--output', 'a.txt', '--save-audio', 'a.wav'],
      ['--output', 'a.jsonl'],
      ['--output', 'a.vtt'],
      ['--output', 'old.txt'],
    ]) {
      expect(await transcribe([SAMPLE_WAV, '--speed', 'max', ...args])).toMatchObject({ code: 0, stderr: '' });
    }
    const modes = Object.fromEntries(readdirSync(tmp).map((name) => [name, (statSync(join(tmp, name)).mode & 0o777).toString(8)]));
    expect(modes).toEqual({ 'a.txt': '600', 'a.wav': '600', 'a.jsonl': '600', 'a.vtt': '600', 'old.txt': '644' });
  });

  it('--force does not replace what is not a regular file (a link to a device): exit 2, the link kept', async () => {
    symlinkSync('/dev/null', join(tmp, 'out.srt'));
    expect(await transcribe([SAMPLE_WAV, '--speed', 'max', '--output', 'out.srt', '--force'])).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr:
        'transcribe: out.srt is not a regular file: captions are written to a new file that replaces it — choose a file name for --output, or leave it out to write to stdout\n',
    });
    expect(lstatSync(join(tmp, 'out.srt')).isSymbolicLink()).toBe(true);
  });
});
