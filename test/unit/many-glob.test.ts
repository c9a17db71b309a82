import { describe, expect, it } from 'vitest';
import { compileFilter, globToRegExp } from '../../src/many/glob.js';

describe('globToRegExp', () => {
  it.each([
    ['*.mp3', 'talk.mp3', true],
    ['*.mp3', 'talk.mp3.txt', false],
    ['*.mp3', 'a/talk.mp3', false],
    ['**/*.wav', 'a/b/c.wav', true],
    ['**/*.wav', 'c.wav', true],
    ['2024/**', '2024/x/y.wav', true],
    ['2024/**', '2025/y.wav', false],
    ['day?.wav', 'day1.wav', true],
    ['day?.wav', 'day10.wav', false],
    ['[ab].wav', 'b.wav', true],
    ['[!ab].wav', 'b.wav', false],
    ['*.{mp3,wav}', 'x.wav', true],
    ['*.{mp3,wav}', 'x.flac', false],
    ['a+b (1).wav', 'a+b (1).wav', true],
    ['a.wav', 'abwav', false],
  ])('%s against %s: %s', (pattern, path, matches) => {
    expect(globToRegExp(pattern).test(path)).toBe(matches);
  });

  it('refuses an unclosed brace', () => {
    expect(() => globToRegExp('*.{mp3')).toThrow('unclosed { in *.{mp3');
  });
});

describe('compileFilter', () => {
  const take = (include: string[], exclude: string[], paths: string[]) => paths.filter(compileFilter({ include, exclude }));
  const paths = ['a.mp3', 'week1/b.wav', 'week1/drafts/c.wav', 'week2/d.flac'];
  it.each([
    [[], [], paths],
    [['*.wav'], [], ['week1/b.wav', 'week1/drafts/c.wav']],
    [[], ['drafts/**', '**/drafts/**'], ['a.mp3', 'week1/b.wav', 'week2/d.flac']],
    [['week1/*'], [], ['week1/b.wav']],
    [['*.wav', '*.mp3'], ['c.*'], ['a.mp3', 'week1/b.wav']],
    [['./week2/*'], [], ['week2/d.flac']],
  ])('include %j exclude %j', (include, exclude, expected) => {
    expect(take(include, exclude, paths)).toEqual(expected);
  });
});
