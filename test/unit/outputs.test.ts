import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import {
  chmodSync,
  linkSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  openSync,
  writeSync,
  fstatSync,
  ftruncateSync,
  closeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Context } from '../../src/context.js';
import { createOutput } from '../../src/output/create-output.js';
import { fileSink, stdoutSink, type LineSink, type SinkFs } from '../../src/output/line-sink.js';
import { checkOutputPaths } from '../../src/output/path-checks.js';
import { refuseToOverwrite, writeWhole } from '../../src/output/whole-file.js';
import { writeFully } from '../../src/output/write-fully.js';
import { resolveSettings } from '../../src/settings/resolve.js';
import type { Utterance } from '../../src/transcript/model.js';

const tmp = mkdtempSync(join(tmpdir(), 'transcribe-unit-outputs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const at = (name: string, content = '') => (writeFileSync(join(tmp, name), content), join(tmp, name));

/** A sink that keeps what it is given. */
function memorySink(): LineSink & { lines: string[] } {
  const lines: string[] = [];
  return { lines, write: (line) => void lines.push(line), close() {}, readerGone: new Promise(() => {}) };
}

/** The real file functions, except that write number `shortAt` takes only `partial` bytes, and with `thenFull` every later one fails with ENOSPC. */
function flakyDisk(shortAt: number, partial: number, thenFull: boolean): SinkFs & { truncatedTo?: number } {
  let writes = 0;
  const fs: SinkFs & { truncatedTo?: number } = {
    openSync,
    fstatSync,
    closeSync,
    ftruncateSync(fd, length) {
      fs.truncatedTo = length;
      ftruncateSync(fd, length);
    },
    writeSync(fd, buffer, offset, length, position) {
      writes += 1;
      if (thenFull && writes > shortAt) throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
      return writeSync(fd, buffer, offset, writes === shortAt ? Math.min(partial, length) : length, position);
    },
  };
  return fs;
}

describe('writeFully: a short write is completed', () => {
  it('writes the rest after each partial write, at the right positions', () => {
    const calls: [number, number, number | null | undefined][] = [];
    const written: number[] = [];
    writeFully(7, Buffer.from('abcdefgh'), 100, {
      writeSync(_fd, buffer, offset, length, position) {
        calls.push([offset, length, position]);
        const n = Math.min(3, length);
        written.push(...buffer.subarray(offset, offset + n));
        return n;
      },
    });
    expect(calls).toEqual([
      [0, 8, 100],
      [3, 5, 103],
      [6, 2, 106],
    ]);
    expect(Buffer.from(written).toString()).toBe('abcdefgh');
  });

  it('a write that takes nothing is an error, not an endless loop', () => {
    expect(() => writeFully(7, Buffer.from('a'), null, { writeSync: () => 0 })).toThrow(expect.objectContaining({ code: 'EIO' }));
  });
});

describe('fileSink: each line whole in the file, or whole on the fallback', () => {
  it.each([
    ['a short write, then the rest fits', 2, 5, false],
    ['a short write, then the disk is full', 2, 5, true],
  ])('%s', (_name, failAt, partial, fails) => {
    const path = at(`sink-${failAt}-${partial}-${fails}.jsonl`, '{"type":"earlier"}\n');
    const fallback = memorySink();
    const warnings: string[] = [];
    const fs = flakyDisk(failAt, partial, fails);
    const sink = fileSink(path, fallback, (message) => warnings.push(message), fs);
    sink.write('{"type":"open"}');
    sink.write('{"type":"transcript","text":"Hello there"}');
    sink.write('{"type":"close"}');
    sink.close();
    if (fails) {
      expect(readFileSync(path, 'utf8')).toBe('{"type":"earlier"}\n{"type":"open"}\n');
      expect(fs.truncatedTo).toBe('{"type":"earlier"}\n{"type":"open"}\n'.length);
      expect(fallback.lines).toEqual(['{"type":"transcript","text":"Hello there"}', '{"type":"close"}']);
      expect(sink.failure?.message).toBe(`cannot write to ${path} (ENOSPC)`);
      expect(warnings).toEqual([`transcribe: cannot write to ${path} (ENOSPC); the transcript continues on stdout`]);
    } else {
      expect(readFileSync(path, 'utf8')).toBe('{"type":"earlier"}\n{"type":"open"}\n{"type":"transcript","text":"Hello there"}\n{"type":"close"}\n');
      expect(fallback.lines).toEqual([]);
      expect(sink.failure).toBeUndefined();
    }
  });
});

describe('stdoutSink: a closed pipe is quiet, any other write error is one failure', () => {
  it.each([
    ['EPIPE', undefined],
    ['ENOSPC', 'cannot write the transcript to stdout (ENOSPC)'],
    ['EIO', 'cannot write the transcript to stdout (EIO)'],
  ])('%s', async (code, message) => {
    const stream = Object.assign(new EventEmitter(), { written: [] as string[], write: (text: string) => void stream.written.push(text) });
    const sink = stdoutSink(stream as unknown as NodeJS.WritableStream);
    sink.write('one');
    stream.emit('error', Object.assign(new Error(code), { code }));
    sink.write('two');
    await sink.readerGone;
    expect(stream.written).toEqual(['one\n']);
    expect(sink.failure?.message).toBe(message);
  });
});

describe('writeWhole: a random, exclusive, private temporary file', () => {
  it('never writes through a symlink planted at the temporary name it used to predict', () => {
    const victim = at('victim.txt', 'precious');
    symlinkSync(victim, join(tmp, `.cap.srt.${process.pid}.tmp`));
    writeWhole(join(tmp, 'cap.srt'), '1\n00:00:00,000 --> 00:00:01,000\nHi\n');
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(readFileSync(join(tmp, 'cap.srt'), 'utf8')).toBe('1\n00:00:00,000 --> 00:00:01,000\nHi\n');
    expect(statSync(join(tmp, 'cap.srt')).mode & 0o777).toBe(0o600 & ~process.umask());
  });

  it('a replaced file keeps its mode; a symlink to a file keeps pointing at it', () => {
    const real = at('real.vtt', 'WEBVTT\n');
    chmodSync(real, 0o640);
    symlinkSync(real, join(tmp, 'link.vtt'));
    writeWhole(join(tmp, 'link.vtt'), 'WEBVTT\n\nnew\n');
    expect(lstatSync(join(tmp, 'link.vtt')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(tmp, 'link.vtt'))).toBe(real);
    expect(readFileSync(real, 'utf8')).toBe('WEBVTT\n\nnew\n');
    expect(statSync(real).mode & 0o777).toBe(0o640);
  });

  it('refuseToOverwrite: a device or pipe is never replaced, even with --force', () => {
    expect(() => refuseToOverwrite('/dev/null', true)).toThrow('/dev/null is not a regular file');
    expect(() => refuseToOverwrite(at('exists.srt'), false)).toThrow('exists.srt exists');
    expect(() => refuseToOverwrite(at('exists.srt'), true)).not.toThrow();
    expect(() => refuseToOverwrite(join(tmp, 'new.srt'), false)).not.toThrow();
  });
});

describe('checkOutputPaths: what would destroy the input or each other', () => {
  const input = at('in.wav', 'RIFF');
  linkSync(input, join(tmp, 'in-hard.wav'));
  symlinkSync(input, join(tmp, 'in-soft.wav'));
  symlinkSync(tmp, join(tmp, 'dir-link'));
  execFileSync('mkfifo', [join(tmp, 'fifo')]);
  // Dangling: opening them creates new.srt (through two links) and new.txt.
  symlinkSync('new.srt', join(tmp, 'to-new-srt'));
  symlinkSync(join(tmp, 'to-new-srt'), join(tmp, 'rec.wav'));
  symlinkSync(join('dir-link', 'new.txt'), join(tmp, 'to-new-txt'));
  it.each<[string, { output?: string; saveAudio?: string; force?: boolean }, string | undefined, string | null]>([
    ['the input itself', { saveAudio: input, force: true }, input, 'is the input file'],
    ['a hard link to the input', { output: join(tmp, 'in-hard.wav') }, input, 'is the input file'],
    ['a symlink to the input', { output: join(tmp, 'in-soft.wav') }, input, 'is the input file'],
    ['two names for one new file', { output: join(tmp, 'x.txt'), saveAudio: join(tmp, 'dir-link', 'x.txt') }, undefined, 'name the same file'],
    ['a dangling symlink chain to the other, new file', { output: join(tmp, 'new.srt'), saveAudio: join(tmp, 'rec.wav') }, undefined, 'name the same file'],
    ['a dangling symlink through a linked directory', { output: join(tmp, 'to-new-txt'), saveAudio: join(tmp, 'new.txt') }, undefined, 'name the same file'],
    ['an existing recording without --force', { saveAudio: input }, undefined, 'exists'],
    ['an existing recording with --force', { saveAudio: input, force: true }, undefined, null],
    ['a named pipe as --output', { output: join(tmp, 'fifo') }, undefined, 'is a named pipe'],
    ['a named pipe as --save-audio', { saveAudio: join(tmp, 'fifo') }, undefined, 'is a pipe'],
    ['a device for both', { output: '/dev/null', saveAudio: '/dev/null' }, undefined, null],
    ['stdin as input', { output: join(tmp, '-') }, '-', null],
    ['new, different files', { output: join(tmp, 'a.txt'), saveAudio: join(tmp, 'a.wav') }, input, null],
  ])('%s', (_name, paths, source, refused) => {
    const check = () => checkOutputPaths({ force: false, ...paths }, source);
    if (refused === null) expect(check).not.toThrow();
    else expect(check).toThrow(refused);
  });
});

describe('createOutput: --output on a terminal also shows the finished lines there', () => {
  const utterance: Utterance = {
    text: 'Hello there.',
    start: 0.5,
    end: 1.2,
    channel: 0,
    confidence: 0.9,
    words: [
      { text: 'Hello', start: 0.5, end: 0.8, confidence: 0.9 },
      { text: 'there.', start: 0.8, end: 1.2, confidence: 0.9 },
    ],
  };
  it.each([
    ['a terminal', true, 'Hello there.\n'],
    ['a pipe', false, ''],
  ])('stdout is %s', (_name, isTTY, shown) => {
    const path = join(tmp, `echo-${isTTY}.jsonl`);
    const stdout = Object.assign(new EventEmitter(), { isTTY, text: '', write: (text: string) => void (stdout.text += text) });
    const context = { stdout, stderr: stdout } as unknown as Context;
    const { settings } = resolveSettings({ output: path }, {});
    const created = createOutput(context, settings);
    const { output } = created;
    output.open({ startedAt: new Date() });
    output.final(utterance);
    output.close({ exitCode: 0, reason: 'end', audioSeconds: 1.2 });
    created.dispose();
    expect(stdout.text).toBe(shown);
    expect(
      readFileSync(path, 'utf8')
        .split('\n')
        .map((line) => (line ? JSON.parse(line).type : '')),
    ).toEqual(['open', 'final', 'close', '']);
  });
});
