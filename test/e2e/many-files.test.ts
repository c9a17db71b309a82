import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLE_WAV } from '../support/audio.js';
import { scriptFromText, startDeepgramServer, type DeepgramServer, type DeepgramServerOptions } from '../support/deepgram-server/index.js';
import { BIN, cliEnv, collect, runCli, startCli, type CliOptions } from '../support/run-cli.js';
import { missing } from '../support/system-tools.js';
import { TmuxScreen } from '../support/tmux.js';
import { tempDir } from '../support/temp.js';

const SCRIPT = scriptFromText('Hello from transcribe. This sample was made with espeak. The quick brown fox jumps.', { startAt: 0.5, wordSec: 0.3 });
const TEXT = 'Hello from transcribe.\nThis sample was made with espeak.\nThe quick brown fox jumps.\n';

let server: DeepgramServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A directory of recordings: files named here (paths relative to it) are copies of the sample. */
function folder(files: string[]): string {
  const dir = tempDir('transcribe-many-');
  for (const file of files) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    copyFileSync(SAMPLE_WAV, join(dir, file));
  }
  return dir;
}

/** Every file under `dir`, relative, sorted (hidden ones too: a temporary file left behind shows). */
function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((entry) => statSync(join(dir, entry)).isFile())
    .map((entry) => entry.split('\\').join('/'))
    .sort();
}

async function transcribe(dir: string, args: string[], serverOptions: DeepgramServerOptions = {}, options: CliOptions = {}) {
  server ??= await startDeepgramServer({ script: SCRIPT, ...serverOptions });
  return runCli(['file', ...args], { cwd: dir, env: { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url }, ...options });
}

const sortedLines = (text: string) => text.trimEnd().split('\n').sort();

describe('transcribe file <dir> --output-dir: one transcript per input', () => {
  it('a directory, recursively: audio by extension and by sniffing, the tree mirrored, 0600, nothing else written', async () => {
    const dir = folder(['in/a.wav', 'in/week1/b.wav', 'in/week1/deep/no-extension', 'in/.hidden.wav']);
    writeFileSync(join(dir, 'in/notes.txt'), 'not audio\n');
    const result = await transcribe(dir, ['in', '--batch', '--output-dir', 'out', '--jobs', '1']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(sortedLines(result.stderr)).toEqual([
      'transcribe: 3 done',
      'transcribe: [1/3] done in/a.wav -> out/a.wav.txt',
      'transcribe: [2/3] done in/week1/b.wav -> out/week1/b.wav.txt',
      'transcribe: [3/3] done in/week1/deep/no-extension -> out/week1/deep/no-extension.txt',
    ]);
    expect(tree(join(dir, 'out'))).toEqual(['a.wav.txt', 'week1/b.wav.txt', 'week1/deep/no-extension.txt']);
    for (const file of tree(join(dir, 'out'))) {
      expect(readFileSync(join(dir, 'out', file), 'utf8')).toBe(TEXT);
      expect(statSync(join(dir, 'out', file)).mode & 0o777).toBe(0o600);
    }
    expect(server!.connections).toHaveLength(3);
  });

  it('--format srt names outputs .srt; --include and --exclude filter by name or path', async () => {
    const dir = folder(['in/a.wav', 'in/b.mp3.wav', 'in/drafts/c.wav', 'in/keep/d.wav']);
    const result = await transcribe(dir, [
      'in',
      '--batch',
      '--output-dir',
      'out',
      '--format',
      'srt',
      '--include',
      '*.wav',
      '--exclude',
      'drafts/**',
      '--exclude',
      'b.*',
    ]);
    expect(result.code).toBe(0);
    expect(tree(join(dir, 'out'))).toEqual(['a.wav.srt', 'keep/d.wav.srt']);
    expect(readFileSync(join(dir, 'out/a.wav.srt'), 'utf8')).toMatch(/^1\n00:00:00,500 --> .*\nHello from transcribe\.\n/);
  });

  it('several paths and --from - (a list on stdin): named files keep their relative path', async () => {
    const dir = folder(['x/one.wav', 'two.wav', 'three.wav']);
    const result = await transcribe(
      dir,
      ['two.wav', '--from', '-', '--batch', '--output-dir', 'out', '--jobs', '1'],
      {},
      { stdin: 'x/one.wav\n\nthree.wav\r\n' },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      [
        'transcribe: [1/3] done two.wav -> out/two.wav.txt',
        'transcribe: [2/3] done x/one.wav -> out/x/one.wav.txt',
        'transcribe: [3/3] done three.wav -> out/three.wav.txt',
        'transcribe: 3 done',
        '',
      ].join('\n'),
    );
    expect(tree(join(dir, 'out'))).toEqual(['three.wav.txt', 'two.wav.txt', 'x/one.wav.txt']);
  });

  it('more than one input needs --output-dir, and - cannot be one of them', async () => {
    const dir = folder(['a.wav', 'b.wav']);
    expect(await transcribe(dir, ['a.wav', 'b.wav'])).toMatchObject({
      code: 2,
      stderr: 'transcribe: several inputs (or a directory) need --output-dir — add --output-dir <dir>: one transcript per input is written there\n',
    });
    expect(await transcribe(dir, ['.', '--output', 'x.txt', '--output-dir', 'out'])).toMatchObject({ code: 2 });
    expect(await transcribe(dir, ['a.wav', '-', '--output-dir', 'out'])).toMatchObject({
      code: 2,
      stderr: 'transcribe: - (stdin) cannot be one of several inputs — give the paths on stdin with --from - instead\n',
    });
    expect(server!.connections).toHaveLength(0);
  });

  it('resumable: a second run skips what is done (the summary says so) unless --force; the output dir is never an input', async () => {
    const dir = folder(['a.wav', 'b.wav']);
    const first = await transcribe(dir, ['.', '--batch', '--output-dir', 'out']);
    expect(first.code).toBe(0);
    const again = await transcribe(dir, ['.', '--batch', '--output-dir', 'out']);
    expect(again).toMatchObject({ code: 0, stderr: 'transcribe: 0 done, 2 skipped (already transcribed; --force redoes them)\n' });
    expect(server!.connections).toHaveLength(2);
    const forced = await transcribe(dir, ['.', '--batch', '--output-dir', 'out', '--force', '--jobs', '1']);
    expect(forced.stderr).toBe('transcribe: [1/2] done a.wav -> out/a.wav.txt\ntranscribe: [2/2] done b.wav -> out/b.wav.txt\ntranscribe: 2 done\n');
    expect(server!.connections).toHaveLength(4);
  });

  it('a failing file among good ones: reported, the others done, exit code of its class; --format json adds a file event per input', async () => {
    const dir = folder(['a.wav', 'c.wav']);
    const result = await transcribe(dir, ['a.wav', 'missing.wav', 'c.wav', '--batch', '--output-dir', 'out', '--jobs', '1', '--format', 'json']);
    expect(result.code).toBe(4);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[1]).toMatch(/^transcribe: \[2\/3\] failed missing\.wav: .*missing\.wav.*—/);
    expect(lines.slice(3)).toEqual(['transcribe: 2 done, 1 failed', expect.stringMatching(/^transcribe: failed: missing\.wav: /)]);
    const events = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events).toEqual([
      { type: 'file', path: 'a.wav', output: 'out/a.wav.ndjson', status: 'done', duration: expect.any(Number), attempts: 1 },
      { type: 'file', path: 'missing.wav', output: 'out/missing.wav.ndjson', status: 'failed', attempts: 1, exit_code: 4, error: expect.any(String) },
      { type: 'file', path: 'c.wav', output: 'out/c.wav.ndjson', status: 'done', duration: expect.any(Number), attempts: 1 },
    ]);
    expect(tree(join(dir, 'out'))).toEqual(['a.wav.ndjson', 'c.wav.ndjson']);
  });

  it('5xx: retried with backoff; a file failing three times is reported and skipped, never retried forever', async () => {
    // Five 503s for two files: whichever file meets three of them fails; the other is done at its third attempt.
    const dir = folder(['a.wav', 'b.wav']);
    const faults = Array.from({ length: 5 }, () => ({ reject: { status: 503 } }));
    const result = await transcribe(dir, ['.', '--batch', '--output-dir', 'out', '--jobs', '1', '--format', 'json'], { faults }, { timeoutMs: 30_000 });
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/\ntranscribe: 1 done, 1 failed\ntranscribe: failed: [ab]\.wav: Deepgram answered HTTP 503/);
    const events = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { status: string; attempts: number; exit_code?: number });
    expect(events.map((event) => [event.status, event.attempts, event.exit_code])).toEqual([
      ['failed', 3, 5],
      ['done', 3, undefined],
    ]);
    expect(server!.connections.map((c) => c.responseStatus)).toEqual([503, 503, 503, 503, 503, 200]);
  }, 40_000);

  it('AIMD under 429: an account limit of 1 with --jobs 8; every file done exactly once, none given up', async () => {
    const names = Array.from({ length: 16 }, (_, i) => `f${String(i).padStart(2, '0')}.wav`);
    const dir = folder(names);
    const result = await transcribe(dir, ['.', '--batch', '--output-dir', 'out', '--jobs', '8'], {
      concurrencyLimit: 1,
      retryAfterSec: 0,
      prerecordedDelayMs: 100,
    });
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe('transcribe: 16 done');
    expect(result.code).toBe(0);
    expect(tree(join(dir, 'out'))).toEqual(names.map((name) => `${name}.txt`));
    expect(server!.load.peak).toBe(1);
    expect(server!.connections.filter((c) => c.responseStatus === 200)).toHaveLength(16);
    expect(server!.load.refused).toBeGreaterThan(0);
  }, 30_000);

  it('--batch keeps connections alive: 8 files with --jobs 2 use 2 connections, not 8', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `f${i}.wav`);
    const dir = folder(names);
    const result = await transcribe(dir, ['.', '--batch', '--output-dir', 'out', '--jobs', '2']);
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe('transcribe: 8 done');
    expect(server!.connections.filter((c) => c.responseStatus === 200)).toHaveLength(8);
    expect(server!.load.sockets).toBe(2);
  });

  it('streaming under 429: a refused handshake goes back to the queue; every file done once', async () => {
    const dir = folder(['a.wav', 'b.wav', 'c.wav']);
    const result = await transcribe(dir, ['.', '--output-dir', 'out', '--speed', 'max', '--jobs', '3'], { concurrencyLimit: 1, retryAfterSec: 0 });
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe('transcribe: 3 done');
    expect(server!.load).toMatchObject({ peak: 1 });
    expect(server!.load.refused).toBeGreaterThan(0);
    expect(server!.connections.filter((c) => c.kind === 'live' && c.rejectedWith === undefined)).toHaveLength(3);
    for (const name of ['a', 'b', 'c']) expect(readFileSync(join(dir, `out/${name}.wav.txt`), 'utf8')).toBe(TEXT);
  }, 30_000);

  it('streaming (no --batch): each file is one live session', async () => {
    const dir = folder(['a.wav', 'b.wav']);
    const result = await transcribe(dir, ['.', '--output-dir', 'out', '--speed', 'max']);
    expect(result.code).toBe(0);
    expect(readFileSync(join(dir, 'out/a.wav.txt'), 'utf8')).toBe(TEXT);
    expect(readFileSync(join(dir, 'out/b.wav.txt'), 'utf8')).toBe(TEXT);
    expect(server!.connections.map((c) => c.kind)).toEqual(['live', 'live']);
  });
});

describe('interrupted runs resume where they stopped', () => {
  const start = async (dir: string, args: string[], serverOptions: DeepgramServerOptions) => {
    server ??= await startDeepgramServer({ script: SCRIPT, ...serverOptions });
    return startCli(['file', ...args], { cwd: dir, env: { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url } });
  };
  const names = ['a.wav', 'b.wav', 'c.wav', 'd.wav', 'e.wav'];

  it('Ctrl+C: nothing new starts, the files in flight finish; the rerun does the rest', async () => {
    const dir = folder(names);
    const child = await start(dir, ['.', '--batch', '--output-dir', 'out', '--jobs', '2'], { prerecordedDelayMs: 1500 });
    const result = collect(child);
    await server!.waitForConnections(2);
    child.kill('SIGINT');
    const stopped = await result;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/^transcribe: stopping: 2 file\(s\) in flight may finish within 30 s; Ctrl\+C again stops them now\n/);
    expect(stopped.stderr).toMatch(/\ntranscribe: 2 done, 3 not started\n$/);
    expect(tree(join(dir, 'out'))).toEqual(['a.wav.txt', 'b.wav.txt']);
    await server!.close();
    server = undefined;
    const rerun = await transcribe(dir, ['.', '--batch', '--output-dir', 'out', '--jobs', '2']);
    expect(rerun.code).toBe(0);
    expect(rerun.stderr).toMatch(/\ntranscribe: 3 done, 2 skipped \(already transcribed; --force redoes them\)\n$/);
    expect(tree(join(dir, 'out'))).toEqual(names.map((name) => `${name}.txt`));
    expect(server!.connections).toHaveLength(3);
  });

  it('a second Ctrl+C stops the files in flight: no output for them, no temporary file left', async () => {
    const dir = folder(names);
    const child = await start(dir, ['.', '--batch', '--output-dir', 'out', '--jobs', '2'], { prerecordedDelayMs: 20_000 });
    const result = collect(child);
    await server!.waitForConnections(2);
    child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 200));
    child.kill('SIGINT');
    const stopped = await result;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/\ntranscribe: 0 done, 2 interrupted, 3 not started\n$/);
    expect(tree(join(dir, 'out'))).toEqual([]);
  });

  it('SIGKILL: a half-done file is never counted as done; the rerun transcribes it and clears what was left', async () => {
    const dir = folder(names);
    const child = await start(dir, ['.', '--output-dir', 'out', '--jobs', '1', '--speed', '4'], {});
    const result = collect(child);
    await server!.waitForConnections(2);
    await new Promise((resolve) => setTimeout(resolve, 300)); // b.wav is being streamed, its lines being written
    child.kill('SIGKILL');
    expect((await result).signal).toBe('SIGKILL');
    const left = tree(join(dir, 'out'));
    expect(left.filter((name) => !name.startsWith('.'))).toEqual(['a.wav.txt']);
    expect(left.filter((name) => name.startsWith('.'))).toEqual([expect.stringMatching(/^\.b\.wav\.txt\.[0-9a-f]{12}\.tmp$/)]);
    await server!.close();
    server = undefined;
    const rerun = await transcribe(dir, ['.', '--output-dir', 'out', '--speed', 'max']);
    expect(rerun.stderr).toMatch(/\ntranscribe: 4 done, 1 skipped \(already transcribed; --force redoes them\)\n$/);
    expect(tree(join(dir, 'out'))).toEqual(names.map((name) => `${name}.txt`));
    for (const name of names) expect(readFileSync(join(dir, 'out', `${name}.txt`), 'utf8')).toBe(TEXT);
  });
});

describe('--shard k/n', () => {
  it('every input in exactly one shard, decided by path', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `sub${i % 3}/f${i}.wav`);
    const dir = folder(names.map((name) => `in/${name}`));
    const outputs: string[][] = [];
    for (const shard of ['1/3', '2/3', '3/3']) {
      const result = await transcribe(dir, ['in', '--batch', '--output-dir', `out${shard[0]}`, '--shard', shard, '--speed', 'max']);
      expect(result.code).toBe(0);
      outputs.push(tree(join(dir, `out${shard[0]}`)));
    }
    expect(outputs.flat().sort()).toEqual(names.map((name) => `${name}.txt`).sort());
    expect(outputs.every((shard) => shard.length > 0)).toBe(true);
    expect(await transcribe(dir, ['in', '--batch', '--output-dir', 'x', '--shard', '4/3'])).toMatchObject({
      code: 2,
      stderr: 'transcribe: invalid value "4/3" for --shard: must be k/n with 1 <= k <= n, e.g. 1/4 — see transcribe file --help\n',
    });
  });
});

describe.skipIf(missing('tmux'))('progress on a terminal (apt-get install -y tmux)', () => {
  let screen: TmuxScreen | undefined;
  afterEach(() => screen?.kill());

  /** Polls the screen until `done` holds for it. */
  async function waitForScreen(done: (lines: string[]) => boolean): Promise<string[]> {
    for (let i = 0; i < 150; i++) {
      const lines = screen!.capture();
      if (done(lines)) return lines;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`screen never matched:\n${screen!.capture().join('\n')}`);
  }

  it('files done/total, audio hours done/total, throughput, ETA and files in flight, in place; then the summary alone', async () => {
    const dir = folder(['in/a.wav', 'in/b.wav', 'in/c.wav']);
    server = await startDeepgramServer({ script: SCRIPT, prerecordedDelayMs: 1500 });
    const env = cliEnv({ DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url });
    const command = `"${process.execPath}" "${BIN}" file "${join(dir, 'in')}" --batch --output-dir "${join(dir, 'out')}" --jobs 2`;
    screen = TmuxScreen.start(command, { width: 100, height: 10, env });
    // Each state is waited for whole: the screen may be caught between two redraws (a started,
    // b not yet). The hours to do come from the WAV headers, read in the background: exact, no "~".
    const screenIs = (pattern: RegExp) => waitForScreen((lines) => lines.length === 1 && pattern.test(lines[0]!));
    await screenIs(/^\[0\/3 files · 0\.000\/0\.007 h of audio · in flight: a\.wav, b\.wav\]$/);
    await screenIs(/^\[2\/3 files · 0\.005\/0\.007 h of audio · [\d.]+ h\/min · ETA \d+s · in flight: c\.wav\]$/);
    expect(await waitForScreen((lines) => lines.some((line) => line.startsWith('EXIT=')))).toEqual(['transcribe: 3 done', 'EXIT=0']);
  });
});
