import { describe, expect, it } from 'vitest';
import { readSize } from '../../src/commands/file-batch.js';

describe('readSize: bytes per read of a --batch upload', () => {
  it.each([
    [32_044, 32_044], // a one-second WAV: one read of its size, no 256 KiB buffer that is mostly garbage
    [1, 1],
    [256 * 1024, 256 * 1024],
    [500 * 1024 * 1024, 256 * 1024],
    [undefined, 256 * 1024], // a FIFO: size unknown
  ])('%s bytes -> reads of %i', (size, expected) => {
    expect(readSize(size)).toBe(expected);
  });
});
