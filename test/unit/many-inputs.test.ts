import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuthError, AudioSourceError, NetworkError, ServiceBusyError, UsageError } from '../../src/errors.js';
import { verdictOf } from '../../src/commands/file-many.js';
import { readRejection, rejectionError, retryAfterMs } from '../../src/deepgram/handshake-errors.js';
import { collectInputs, inShard, outputPathOf, parseList } from '../../src/many/inputs.js';
import { duration, progressLine, summaryLine } from '../../src/many/progress.js';
import { parseShard } from '../../src/settings/parsers.js';
import { SAMPLE_WAV } from '../support/audio.js';
import { tempDir } from '../support/temp.js';

/** Files by name: 'audio' is a copy of the sample, any other string the file's text. */
function folder(files: Record<string, string>): string {
  const dir = tempDir('transcribe-inputs-');
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    if (content === 'audio') copyFileSync(SAMPLE_WAV, join(dir, name));
    else writeFileSync(join(dir, name), content);
  }
  return dir;
}

const none = { include: [], exclude: [] };

describe('collectInputs', () => {
  it('a directory: audio by extension or by its first bytes, in name order; hidden entries and the output dir skipped', async () => {
    const dir = folder({
      'in/b.mp3': 'ID3 pretend mp3',
      'in/a/z.wav': 'audio',
      'in/a/sniffed.bin': 'audio',
      'in/readme.txt': 'text',
      'in/.hidden/x.wav': 'audio',
      'in/out/old.wav': 'audio',
    });
    symlinkSync(join(dir, 'in/a'), join(dir, 'in/loop'));
    const inputs = await collectInputs([join(dir, 'in')], { ...none, outputDir: join(dir, 'in/out') });
    expect(inputs.map((input) => input.relative)).toEqual(['a/sniffed.bin', 'a/z.wav', 'b.mp3']);
    expect(inputs[0]!.path).toBe(join(dir, 'in/a/sniffed.bin'));
  });

  it('named files keep their relative path; an absolute or outside one its name; a missing one stays (it fails later, with its reason)', async () => {
    const inputs = await collectInputs(['x/./a.wav', '/abs/b.wav', '../up/c.wav', 'missing.wav'], { ...none, outputDir: 'out' });
    expect(inputs.map((input) => input.relative)).toEqual(['x/a.wav', 'b.wav', 'c.wav', 'missing.wav']);
  });

  it('two inputs with one output path: refused before anything runs; the same file twice is done once', async () => {
    await expect(collectInputs(['/one/a.wav', '/two/a.wav'], { ...none, outputDir: 'out' })).rejects.toThrow(
      '/one/a.wav and /two/a.wav would both be transcribed to a.wav',
    );
    expect(await collectInputs(['a.wav', './a.wav'], { ...none, outputDir: 'out' })).toEqual([{ path: 'a.wav', relative: 'a.wav' }]);
  });

  it('--include / --exclude apply to every input', async () => {
    const inputs = await collectInputs(['a.wav', 'b.mp3', 'c/d.wav'], { include: ['*.wav'], exclude: ['c/**'], outputDir: 'out' });
    expect(inputs.map((input) => input.relative)).toEqual(['a.wav']);
  });
});

describe('lists, shards, names', () => {
  it('parseList: one path per line, blank lines and CRs dropped, spaces kept', () => {
    expect(parseList('a.wav\n\n b c.wav \r\nd.wav')).toEqual(['a.wav', ' b c.wav ', 'd.wav']);
  });

  it.each([
    ['1/4', { index: 1, count: 4 }],
    [' 3 / 3 ', { index: 3, count: 3 }],
  ])('parseShard %j', (raw, expected) => expect(parseShard(raw)).toEqual(expected));
  it.each(['0/4', '5/4', '1/0', '1', 'a/b', '1/2/3'])('parseShard refuses %j', (raw) => expect(() => parseShard(raw)).toThrow('must be k/n'));

  it('every input is in exactly one shard, whatever n', () => {
    const inputs = Array.from({ length: 500 }, (_, i) => ({ path: `p${i}`, relative: `dir${i % 7}/f${i}.wav` }));
    for (const count of [1, 2, 3, 8]) {
      const shards = Array.from({ length: count }, (_, k) => inputs.filter((input) => inShard(input, { index: k + 1, count })));
      expect(
        shards
          .flat()
          .map((input) => input.relative)
          .sort(),
      ).toEqual(inputs.map((input) => input.relative).sort());
      for (const shard of shards) expect(shard.length).toBeGreaterThan(500 / count / 2);
    }
  });

  it('outputPathOf: <dir>/<relative>.<extension>', () => {
    expect(outputPathOf({ path: 'x', relative: 'a/b.mp3' }, 'out', 'srt')).toBe(join('out', 'a/b.mp3.srt'));
  });
});

describe('what a failure means', () => {
  const busy = (status: number, retryAfterMs?: number) => Object.assign(new ServiceBusyError('busy'), { status, retryAfterMs });
  it.each([
    ['429 with Retry-After', busy(429, 2000), { kind: 'busy', retryAfterMs: 2000 }],
    ['429 without', busy(429), { kind: 'busy', retryAfterMs: undefined }],
    ['503', busy(503), { kind: 'retry' }],
    ['unreachable', new NetworkError('refused'), { kind: 'retry' }],
    ['refused key', new AuthError('401'), { kind: 'fail-all' }],
    ['no endpoint', new UsageError('no Deepgram live endpoint at x (HTTP 404)'), { kind: 'fail-all' }],
    ['undecodable', new AudioSourceError('bad'), { kind: 'fail' }],
    ['a bug', new Error('x'), { kind: 'fail' }],
  ])('%s', (_name, error, verdict) => expect(verdictOf(error)).toEqual(verdict));
});

describe('Retry-After', () => {
  const now = Date.parse('2026-12-02T01:00:00Z');
  it.each([
    ['3', 3000],
    [' 1.5 ', undefined], // RFC 9110: whole seconds only
    ['0', 0],
    ['Wed, 02 Dec 2026 01:00:05 GMT', 5000],
    ['Wed, 02 Dec 2026 00:59:00 GMT', 0],
    ['99999', 3_600_000],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j -> %j ms', (header, ms) => expect(retryAfterMs(header, now)).toBe(ms));

  it('a 429 refusal carries its status and Retry-After into the error the queue classifies', () => {
    const error = rejectionError(readRejection(429, { 'retry-after': '2' }, '{}'), undefined, 'http://x');
    expect(error).toBeInstanceOf(ServiceBusyError);
    expect(verdictOf(error)).toEqual({ kind: 'busy', retryAfterMs: 2000 });
    expect(verdictOf(rejectionError(readRejection(502, {}, ''), undefined, 'http://x'))).toEqual({ kind: 'retry' });
  });
});

describe('progress and summary', () => {
  it.each([
    [
      { total: 200, done: 10, skipped: 50, failed: 2, audioSeconds: 7200, elapsedMs: 120_000, inFlight: ['a.wav', 'b.wav', 'c.wav', 'd.wav'] },
      '62/200 files · 2.0 h of audio · 1.00 h/min · ETA 23m00s · in flight: a.wav, b.wav +2',
    ],
    [{ total: 3, done: 0, skipped: 0, failed: 0, audioSeconds: 0, elapsedMs: 0, inFlight: ['a.wav'] }, '0/3 files · 0.000 h of audio · in flight: a.wav'],
    [{ total: 2, done: 2, skipped: 0, failed: 0, audioSeconds: 90, elapsedMs: 30_000, inFlight: [] }, '2/2 files · 0.03 h of audio · 0.05 h/min'],
    // Done/total: exact from WAV headers, "~" when other formats are estimated from their size.
    [
      { total: 3, done: 1, skipped: 0, failed: 0, audioSeconds: 18, elapsedMs: 60_000, audioTotal: { seconds: 54, estimated: false }, inFlight: ['b.wav'] },
      '1/3 files · 0.005/0.015 h of audio · 0.01 h/min · ETA 2m00s · in flight: b.wav',
    ],
    [
      { total: 200, done: 10, skipped: 0, failed: 0, audioSeconds: 5040, elapsedMs: 120_000, audioTotal: { seconds: 22_320, estimated: true }, inFlight: [] },
      '10/200 files · 1.4/~6.2 h of audio · 0.70 h/min · ETA 38m00s',
    ],
  ])('progressLine %#', (tally, line) => expect(progressLine(tally)).toBe(line));

  it.each([
    [5, '5s'],
    [200, '3m20s'],
    [7380, '2h03m'],
  ])('duration(%d) = %s', (seconds, text) => expect(duration(seconds)).toBe(text));

  it('summaryLine names only what happened', () => {
    expect(summaryLine({ done: 3, skipped: 0, failed: 0, interrupted: 0, notStarted: 0 })).toBe('3 done');
    expect(summaryLine({ done: 1, skipped: 2, failed: 3, interrupted: 4, notStarted: 5 })).toBe(
      '1 done, 2 skipped (already transcribed; --force redoes them), 3 failed, 4 interrupted, 5 not started',
    );
  });
});
