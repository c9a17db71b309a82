import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeWithFfmpeg, SAMPLE_WAV } from '../support/audio.js';
import { scriptFromText, startDeepgramServer, type DeepgramServer } from '../support/deepgram-server/index.js';
import { descendants, environOf, isGone, waitFor, type ProcessInfo } from '../support/proc.js';
import { collect, startCli } from '../support/run-cli.js';
import { missing } from '../support/system-tools.js';
import { startVirtmic, type Virtmic } from '../support/virtmic/index.js';

// What the CLI's child processes (recorder, decoder) get, and what they leave behind.
const SCRIPT = scriptFromText('Hello from transcribe.', { startAt: 0.5, wordSec: 0.3 });
const KEY = 'dg-secret-key-4f1c9b';
const SECRETS = { DEEPGRAM_API_KEY: KEY, MY_SERVICE_TOKEN: 'tok-77e1', DB_PASSWORD: 'pw-5a0e', AWS_SECRET_ACCESS_KEY: 'aws-91bd' };
const tmp = mkdtempSync(join(tmpdir(), 'transcribe-children-'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let server: DeepgramServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function start(args: string[], env: Record<string, string | undefined>, stdin?: NodeJS.ReadableStream) {
  server = await startDeepgramServer({ script: SCRIPT, idleTimeoutMs: 30_000, apiKey: KEY });
  const child = startCli(args, { env: { DEEPGRAM_API_URL: server.url, ...SECRETS, ...env }, ...(stdin ? { stdin } : {}) });
  return { child, result: collect(child, 60_000) };
}

/** A running descendant with one of these names: one that has already exited (a zombie, or gone) has no environment left to read. */
const named = (pid: number, names: string[]) => () => descendants(pid).find((info) => names.includes(info.comm) && hasEnviron(info.pid));

function hasEnviron(pid: number): boolean {
  try {
    return environOf(pid).length > 0;
  } catch {
    return false; // gone meanwhile
  }
}

function expectNoSecrets(pid: number): void {
  const environ = environOf(pid);
  expect(environ.length).toBeGreaterThan(3); // PATH and the rest are still there
  expect(environ.filter((entry) => /^(DEEPGRAM_|MY_SERVICE_TOKEN|DB_PASSWORD|AWS_SECRET)/.test(entry))).toEqual([]);
  expect(environ.join('\n')).not.toContain(KEY);
}

describe.skipIf(missing('pulseaudio', 'pactl', 'arecord', 'sox'))('the recorder (a virtual microphone that stays silent)', () => {
  let mic: Virtmic;
  beforeAll(() => void (mic = startVirtmic()));
  afterAll(() => mic?.stop());

  it.each([
    ['arecord', ['arecord']],
    ['sox', ['sox']],
    ['rec', ['rec']],
  ])('%s dies with transcribe: SIGKILL of transcribe while no sample arrives leaves no process', async (recorder, comm) => {
    // Source "virtmic" is a FIFO nobody writes to: the recorder never writes, so only a watchdog can end it.
    const { child, result } = await start(['live', '--recorder', recorder], { ...mic.env, PULSE_SOURCE: 'virtmic' });
    const found = await waitFor(named(child.pid!, comm), 10_000, `${recorder} to start`);
    await sleep(300);
    const family: ProcessInfo[] = descendants(child.pid!);
    child.kill('SIGKILL');
    await result;
    await waitFor(() => (family.every((info) => isGone(info.pid)) ? true : undefined), 3000, `${found.comm} and the watchdog to go`).catch(() => {});
    expect(family.filter((info) => !isGone(info.pid)).map((info) => info.comm)).toEqual([]);
  });

  it('DEBUG=record (node-record-lpcm16 prints its options) shows no secret, and the recorder has none in its environment', async () => {
    const { child, result } = await start(['live', '--recorder', 'arecord'], { ...mic.env, DEBUG: 'record' });
    const recorder = await waitFor(named(child.pid!, ['arecord']), 10_000, 'arecord to start');
    expectNoSecrets(recorder.pid);
    child.kill('SIGINT');
    const { stderr } = await result;
    expect(stderr).toContain('record Started recording'); // the library's debug output did run
    for (const value of Object.values(SECRETS)) expect(stderr).not.toContain(value);
  });
});

describe.skipIf(missing('ffmpeg'))('the decoder', () => {
  it('ffmpeg has no secret in its environment', async () => {
    const mp3 = join(tmp, 'talk.mp3');
    encodeWithFfmpeg(SAMPLE_WAV, mp3, ['-codec:a', 'libmp3lame', '-b:a', '64k']);
    const { child, result } = await start(['file', mp3], {});
    try {
      const ffmpeg = await waitFor(named(child.pid!, ['ffmpeg']), 10_000, 'ffmpeg to start');
      expectNoSecrets(ffmpeg.pid);
    } finally {
      child.kill('SIGINT'); // also after a failed expectation: no run left writing after the test
      await result;
    }
  });
});

describe.skipIf(missing('ffmpeg'))('M4A on stdin is spooled to a file that is never left on disk', () => {
  let m4a: Buffer;
  let spoolDir: string;
  beforeAll(() => {
    const path = join(tmp, 'talk.m4a');
    encodeWithFfmpeg(SAMPLE_WAV, path, ['-codec:a', 'aac']);
    m4a = readFileSync(path);
  });
  afterEach(() => rmSync(spoolDir, { recursive: true, force: true }));
  const leftovers = () => readdirSync(spoolDir, { recursive: true });
  /** The target of an open descriptor of `pid` inside `dir` (a spool file, deleted or not). */
  const openFileUnder = (pid: number, dir: string) =>
    readdirSync(`/proc/${pid}/fd`)
      .map((fd) => {
        try {
          return readlinkSync(`/proc/${pid}/fd/${fd}`);
        } catch {
          return '';
        }
      })
      .find((target) => target.startsWith(dir));
  function fresh(): string {
    spoolDir = mkdtempSync(join(tmp, 'spool-'));
    return spoolDir;
  }

  it('while spooling, after Ctrl+C while spooling, and while decoding: nothing in TMPDIR; the open spool is 0600', async () => {
    const stdin = new PassThrough();
    const { child, result } = await start(['file', '-'], { TMPDIR: fresh() }, stdin);
    stdin.write(m4a.subarray(0, 20_000));
    // Between its exclusive open and its unlink the spool has a name for a moment (a poll under load caught it there): wait for the unlinked one.
    const spooling = await waitFor(
      () => [openFileUnder(child.pid!, spoolDir)].find((target) => target?.endsWith(' (deleted)')),
      10_000,
      'transcribe to open and unlink its spool',
    );
    expect(spooling).toMatch(/ \(deleted\)$/);
    expect(leftovers()).toEqual([]);
    child.kill('SIGINT');
    stdin.end();
    await result;
    expect(leftovers()).toEqual([]);

    const decoding = new PassThrough();
    const second = await start(['file', '-'], { TMPDIR: fresh() }, decoding);
    decoding.end(m4a);
    const ffmpeg = await waitFor(named(second.child.pid!, ['ffmpeg']), 10_000, 'ffmpeg to start');
    const spool = statSync(`/proc/${ffmpeg.pid}/fd/0`);
    expect({ mode: (spool.mode & 0o777).toString(8), links: spool.nlink, size: spool.size }).toEqual({ mode: '600', links: 0, size: m4a.length });
    expect(leftovers()).toEqual([]);
    second.child.kill('SIGKILL');
    await second.result;
    await sleep(200);
    expect(leftovers()).toEqual([]);
  });

  it('no decoder on PATH: exit 4, and nothing was spooled', async () => {
    const { result } = await start(['file', '-'], { TMPDIR: fresh(), PATH: '/nonexistent' }, new PassThrough().end(m4a));
    const { code, stderr } = await result;
    expect({ code, stderr }).toEqual({
      code: 4,
      stderr:
        'transcribe: cannot decode MP4/M4A audio in stdin: neither ffmpeg nor SoX is on PATH — install ffmpeg (Debian/Ubuntu: sudo apt-get install ffmpeg; macOS: brew install ffmpeg) or convert the audio to WAV\n',
    });
    expect(leftovers()).toEqual([]);
  });

  it('a temporary directory that is missing: one sentence naming it and TMPDIR, exit 1 (not an internal error)', async () => {
    const missingDir = join(fresh(), 'gone');
    const { result } = await start(['file', '-'], { TMPDIR: missingDir }, new PassThrough().end(m4a));
    const { code, stderr } = await result;
    expect({ code, stderr }).toEqual({
      code: 1,
      stderr: `transcribe: cannot keep the M4A/MP4 audio from stdin in a temporary file in ${missingDir} (ENOENT): a decoder needs it whole to seek in it — free space there, set TMPDIR to a directory with room, or give transcribe the file by name\n`,
    });
  });
});
