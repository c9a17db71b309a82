import { describe, expect, it } from 'vitest';
import { backoffMs, RECONNECT_CODES } from '../../src/stream/reconnect-policy.js';

describe('backoffMs: about 0.5 s doubling to 10 s, +-25% jitter', () => {
  it.each([
    [1, 0.5, 500],
    [2, 0.5, 1000],
    [3, 0.5, 2000],
    [5, 0.5, 8000],
    [6, 0.5, 10_000],
    [20, 0.5, 10_000],
    [1, 0, 375],
    [1, 1, 625],
    [6, 1, 12_500],
  ])('attempt %i, random %d -> %i ms', (attempt, random, expected) => {
    expect(backoffMs(attempt, () => random)).toBe(expected);
  });
});

describe('RECONNECT_CODES', () => {
  it.each([
    [1006, true],
    [1011, true],
    [1012, true],
    [1013, true],
    [1000, false],
    [1008, false],
  ])('%i -> %s', (code, reconnects) => expect(RECONNECT_CODES.has(code)).toBe(reconnects));
});
