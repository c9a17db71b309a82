import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_MS, readRejection, rejectionError, retryAfterMs } from '../../src/deepgram/handshake-errors.js';
import { ServiceBusyError } from '../../src/errors.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('Retry-After', () => {
  it.each([
    ['2', 2000],
    [' 30 ', 30_000],
    ['0', 0],
    ['Thu, 01 Jan 2026 00:00:10 GMT', 10_000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0], // in the past: at once
    ['999999', MAX_RETRY_AFTER_MS], // a server may ask for anything: an hour at most
    ['-5', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    [undefined, undefined],
  ])('%j -> %j ms', (value, ms) => {
    expect(retryAfterMs(value, NOW)).toBe(ms);
  });

  it('a 429 carries it, and its hint says it', () => {
    const error = rejectionError(readRejection(429, { 'retry-after': '7' }, '', NOW), undefined, 'ws://127.0.0.1:1/v1/listen');
    expect(error).toBeInstanceOf(ServiceBusyError);
    expect((error as ServiceBusyError).retryAfterMs).toBe(7000);
    expect(error.hint).toBe('Deepgram asks to try again in 7 s');
  });
});
