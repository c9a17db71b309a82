import { describe, expect, it } from 'vitest';
import { ReplayBuffer } from '../../src/stream/replay-buffer.js';

const bytes = (from: number, length: number) => Buffer.from(Array.from({ length }, (_, i) => (from + i) % 256));
const all = (buffer: ReplayBuffer, position: number) => {
  const pieces: Buffer[] = [];
  for (let piece, at = position; (piece = buffer.pieceAt(at)); at += piece.length) pieces.push(piece);
  return [...Buffer.concat(pieces)];
};

describe('ReplayBuffer', () => {
  it('holds what no final covered, from the exact byte a final ended', () => {
    const buffer = new ReplayBuffer(100, 2);
    buffer.append(bytes(0, 10));
    buffer.append(bytes(10, 10));
    buffer.release(6);
    expect(buffer.start).toBe(6);
    expect(all(buffer, buffer.start)).toEqual([...bytes(6, 14)]);
    expect(all(buffer, 12)).toEqual([...bytes(12, 8)]);
  });

  it.each([
    ['mid-sample positions round down to whole samples', 7, 6],
    ['past everything', 25, 20],
  ])('%s', (_name, release, start) => {
    const buffer = new ReplayBuffer(100, 2);
    buffer.append(bytes(0, 20));
    buffer.release(release);
    expect(buffer.start).toBe(start);
  });

  it('drops the oldest audio past its capacity and counts it', () => {
    const buffer = new ReplayBuffer(20, 2);
    for (let i = 0; i < 5; i++) buffer.append(bytes(i * 10, 10));
    expect(buffer.start).toBe(30);
    expect(buffer.produced).toBe(50);
    expect(buffer.takeDropped()).toBe(30);
    expect(buffer.takeDropped()).toBe(0);
    expect(buffer.full).toBe(true);
  });
});

describe('ReplayBuffer.pieceAt', () => {
  it.each([0, 1, 9, 10, 11, 35, 49, 50])('from %i gives exactly the bytes after it', (position) => {
    const buffer = new ReplayBuffer(1000, 1);
    for (let i = 0; i < 5; i++) buffer.append(bytes(i * 10, 10));
    expect(all(buffer, position)).toEqual([...bytes(position, 50 - position)]);
  });
});
