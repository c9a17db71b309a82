import { existsSync, lstatSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WavWriter } from '../../src/output/wav-writer.js';
import { tempDir } from '../support/temp.js';

const FORMAT = { sampleRate: 16000, channels: 1 };
const dir = tempDir('transcribe-wav-writer-');
let n = 0;
const fresh = () => join(dir, `rec-${(n += 1)}.wav`);
const dataSize = (file: Buffer) => file.readUInt32LE(40);

describe('WavWriter: a run that recorded nothing leaves the disk as it was', () => {
  it('a new file that got no audio (the key was refused) is removed, so the next run needs no --force', () => {
    const path = fresh();
    const writer = new WavWriter(path, FORMAT);
    expect(existsSync(path)).toBe(true); // created at once: a bad path fails before connecting
    writer.close();
    expect(existsSync(path)).toBe(false);
  });

  it('a new file with audio stays, its header counting it', () => {
    const path = fresh();
    const writer = new WavWriter(path, FORMAT);
    writer.write(Buffer.alloc(3200, 1));
    writer.close();
    const file = readFileSync(path);
    expect([file.length, dataSize(file), file.subarray(0, 4).toString()]).toEqual([44 + 3200, 3200, 'RIFF']);
  });

  it('an existing recording (--force) is kept whole until the first audio replaces it', () => {
    const path = fresh();
    writeFileSync(path, 'the previous session, longer than a header: '.repeat(10));
    const before = readFileSync(path);
    new WavWriter(path, FORMAT).close();
    expect(readFileSync(path)).toEqual(before);

    const writer = new WavWriter(path, FORMAT);
    writer.write(Buffer.alloc(100, 2));
    writer.close();
    const file = readFileSync(path);
    expect([file.length, dataSize(file)]).toEqual([44 + 100, 100]);
  });

  it('a dangling symlink creates its target, as before (and the link is never removed)', () => {
    const target = fresh();
    const link = fresh();
    symlinkSync(target, link);
    new WavWriter(link, FORMAT).close();
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    const writer = new WavWriter(link, FORMAT);
    writer.write(Buffer.alloc(10));
    writer.close();
    expect(dataSize(readFileSync(target))).toBe(10);
  });

  it('a device is written in place and never removed', () => {
    const writer = new WavWriter('/dev/null', FORMAT);
    writer.write(Buffer.alloc(10));
    writer.close();
    new WavWriter('/dev/null', FORMAT).close();
    expect(existsSync('/dev/null')).toBe(true);
  });
});
