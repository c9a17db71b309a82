import { describe, expect, it } from 'vitest';
import { eraseRows, fitHead, fitTail, rowsFor } from '../../src/terminal/interim-line.js';

describe('fitTail', () => {
  it.each([
    ['short', 10, 'short'],
    ['exactly ten', 11, 'exactly ten'],
    ['the quick brown fox', 10, '…brown fox'],
    ['日本語のテキスト', 7, '…キスト'],
    ['anything', 0, ''],
  ])('%j in %i columns -> %j', (text, columns, shown) => {
    expect(fitTail(text, columns)).toBe(shown);
  });
});

describe('fitHead', () => {
  it.each([
    ['Connecting to Deepgram…', 30, 'Connecting to Deepgram…'],
    ['Connecting to Deepgram…', 17, 'Connecting to De…'],
    ['日本語のテキスト', 7, '日本語…'],
  ])('%j in %i columns -> %j', (text, columns, shown) => {
    expect(fitHead(text, columns)).toBe(shown);
  });
});

describe('rowsFor and eraseRows', () => {
  it.each([
    [0, 80, 1],
    [79, 80, 1],
    [80, 80, 1],
    [81, 80, 2],
    [79, 40, 2],
    [79, 20, 4],
  ])('%i cells in %i columns take %i rows', (width, columns, rows) => {
    expect(rowsFor(width, columns)).toBe(rows);
  });
  it.each([
    [1, '\r\x1b[J'],
    [3, '\r\x1b[1A\x1b[1A\x1b[J'],
  ])('erasing %i rows', (rows, codes) => {
    expect(eraseRows(rows)).toBe(codes);
  });
});

describe('fitTail and fitHead on huge text from a server', () => {
  // Grapheme segmentation takes time quadratic in the length on Node 20: 40,000 CJK characters
  // took seconds, with Ctrl+C unheard. Only the end that can show is looked at.
  const huge = '語'.repeat(40_000);
  it.each([
    ['fitTail', () => fitTail(huge + 'end', 20), '…' + '語'.repeat(8) + 'end'],
    ['fitHead', () => fitHead('start' + huge, 20), 'start' + '語'.repeat(7) + '…'],
    ['fitTail of zero-width spaces', () => fitTail('\u200b'.repeat(20_000) + 'abc', 3), '…bc'],
  ])('%s returns at once', (_name, fit, shown) => {
    const started = performance.now();
    expect(fit()).toBe(shown);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
