import { describe, expect, it } from 'vitest';
import { frameBytes } from '../../src/audio/format.js';
import { Framer } from '../../src/audio/framer.js';
import { Pacer, pacingDelayMs, type Clock } from '../../src/audio/pacer.js';

describe('frameBytes', () => {
  it.each([
    [16000, 1, 50, 1600],
    [8000, 1, 50, 800],
    [44100, 2, 50, 8820],
    [22050, 1, 20, 882],
    [11025, 2, 50, 2204],
  ])('%i Hz x %i ch, %i ms -> %i bytes', (sampleRate, channels, ms, bytes) => {
    expect(frameBytes({ sampleRate, channels }, ms)).toBe(bytes);
  });
});

describe('Framer', () => {
  it.each<[string, number[], number[], number | undefined]>([
    ['exact frames', [8, 8], [4, 4, 4, 4], undefined],
    ['small chunks gather', [1, 1, 1, 1, 1, 1], [4], 2],
    ['a half sample at the end is dropped', [1, 1, 1, 1, 1], [4], undefined],
    ['large chunk splits', [10], [4, 4], 2],
    ['odd tail dropped to whole samples', [7], [4], 2],
  ])('%s', (_name, chunks, frames, tail) => {
    const framer = new Framer(4, 2);
    const out = chunks.flatMap((size) => framer.push(Buffer.alloc(size)));
    expect(out.map((frame) => frame.length)).toEqual(frames);
    expect(framer.flush()?.length).toBe(tail);
  });

  it('copies what it holds back: the caller may reuse its buffer for the next chunk', () => {
    const framer = new Framer(4, 1);
    const reused = Buffer.alloc(3);
    const frames: Buffer[] = [];
    for (const bytes of [[1, 2, 3], [4], [5], [6]]) {
      reused.fill(0);
      bytes.forEach((byte, i) => (reused[i] = byte));
      frames.push(...framer.push(reused.subarray(0, bytes.length)).map((frame) => Buffer.from(frame)));
    }
    reused.fill(9); // the source reads on (a WAV's trailing chunk) before the end is flushed
    expect(Buffer.concat([...frames, framer.flush()!])).toEqual(Buffer.from([1, 2, 3, 4, 5, 6]));
  });

  it('keeps bytes in order across frames', () => {
    const framer = new Framer(3, 1);
    const frames = [Buffer.from([1, 2]), Buffer.from([3, 4, 5, 6, 7])].flatMap((chunk) => framer.push(chunk));
    expect(Buffer.concat([...frames, framer.flush()!])).toEqual(Buffer.from([1, 2, 3, 4, 5, 6, 7]));
  });
});

describe('pacingDelayMs', () => {
  it.each([
    ['on time', 1, 1, 1000, 0],
    ['ahead at 1x', 2, 1, 1000, 1000],
    ['ahead at 2x', 2, 2, 500, 500],
    ['1.25x', 5, 1.25, 3000, 1000],
    ['behind: a slow producer is never delayed', 1, 1, 5000, 0],
    ['max never waits', 1000, Infinity, 0, 0],
  ])('%s', (_name, sent, speed, elapsed, delay) => {
    expect(pacingDelayMs(sent, speed, elapsed)).toBeCloseTo(delay, 6);
  });
});

describe('Pacer', () => {
  function fakeClock(): Pick<Clock, 'now' | 'sleep'> & { sleeps: number[] } {
    let now = 0;
    const sleeps: number[] = [];
    return { sleeps, now: () => now, sleep: async (ms) => void (sleeps.push(ms), (now += ms)) };
  }

  it('sends the first frame at once and then one frame per frame duration at 1x', async () => {
    const clock = fakeClock();
    const pacer = new Pacer(1, clock);
    for (let i = 0; i < 4; i++) await pacer.beforeFrame(0.05);
    expect(clock.sleeps.map(Math.round)).toEqual([50, 50, 50]);
  });

  it('never lets audio run ahead of speed x wall time by more than one frame', async () => {
    const clock = fakeClock();
    const pacer = new Pacer(1.25, clock);
    let sent = 0;
    for (let i = 0; i < 100; i++) {
      await pacer.beforeFrame(0.1);
      sent += 0.1;
      expect(sent).toBeLessThanOrEqual((1.25 * clock.now()) / 1000 + 0.1 + 1e-9);
    }
    expect(clock.now()).toBeCloseTo((9.9 / 1.25) * 1000, 3);
  });

  it('does not wait at speed max', async () => {
    const clock = fakeClock();
    const pacer = new Pacer(Infinity, clock);
    for (let i = 0; i < 10; i++) await pacer.beforeFrame(0.1);
    expect(clock.sleeps).toEqual([]);
  });
});
