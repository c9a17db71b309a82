import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decoderCommand } from '../../src/audio/decoder.js';

// Fake decoders on a private PATH: only their presence matters to decoderCommand.
const tmp = mkdtempSync(join(tmpdir(), 'transcribe-decoder-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
function pathWith(...tools: string[]): string {
  const dir = join(tmp, tools.join('-') || 'none');
  mkdirSync(dir, { recursive: true });
  for (const tool of tools) {
    writeFileSync(join(dir, tool), '#!/bin/sh\n');
    chmodSync(join(dir, tool), 0o755);
  }
  return dir;
}
const mp3 = { kind: 'container', name: 'MP3', soxType: 'mp3' } as const;

describe('decoderCommand: an input path is only ever a local file', () => {
  it('ffmpeg: file: plus the absolute path, only the file and pipe protocols', () => {
    const PATH = pathWith('ffmpeg', 'sox');
    const { args } = decoderCommand({ path: 'http://example.com/x.mp3', sniffed: mp3, label: 'x' }, { PATH });
    expect(args).toEqual([
      '-hide_banner',
      '-loglevel',
      'error',
      '-nostdin',
      '-protocol_whitelist',
      'file,pipe',
      '-i',
      `file:${resolve('http:/example.com/x.mp3')}`,
      '-vn',
      '-acodec',
      'pcm_s16le',
      '-f',
      'wav',
      'pipe:1',
    ]);
  });

  it('ffmpeg from stdin: pipe:0, same whitelist, stdin left open', () => {
    const { args } = decoderCommand({ stream: (async function* () {})(), sniffed: mp3, label: 'stdin' }, { PATH: pathWith('ffmpeg') });
    expect(args.slice(0, 7)).toEqual(['-hide_banner', '-loglevel', 'error', '-protocol_whitelist', 'file,pipe', '-i', 'pipe:0']);
  });

  it.each([
    ['-i.mp3', './-i.mp3'],
    ['--help.mp3', './--help.mp3'],
    ['dir/-x.mp3', 'dir/-x.mp3'],
    ['/abs/-x.mp3', '/abs/-x.mp3'],
  ])('SoX: %s is passed as %s, never as an option', (path, expected) => {
    const { args } = decoderCommand({ path, sniffed: mp3, label: path }, { PATH: pathWith('sox') });
    expect(args).toEqual(['--no-show-progress', '-V1', expected, '-t', 'wav', '-e', 'signed-integer', '-b', '16', '-']);
  });
});
