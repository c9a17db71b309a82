import { describe, expect, it } from 'vitest';
import { AudioTotal, wavSeconds } from '../../src/many/audio-total.js';

/** A WAV header: `rate` Hz, `channels`, 16-bit, declaring `dataBytes` (0: unknown, as a pipe leaves it). */
function wavHead(rate: number, channels: number, dataBytes: number): Buffer {
  const head = Buffer.alloc(44);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(36 + dataBytes, 4);
  head.write('WAVEfmt ', 8, 'latin1');
  head.writeUInt32LE(16, 16);
  head.writeUInt16LE(1, 20);
  head.writeUInt16LE(channels, 22);
  head.writeUInt32LE(rate, 24);
  head.writeUInt32LE(rate * channels * 2, 28);
  head.writeUInt16LE(channels * 2, 32);
  head.writeUInt16LE(16, 34);
  head.write('data', 36, 'latin1');
  head.writeUInt32LE(dataBytes, 40);
  return head;
}

describe('wavSeconds: a WAV says how long it is', () => {
  it.each<[string, Buffer, number, number | undefined]>([
    ['16 kHz mono, 1 s', wavHead(16_000, 1, 32_000), 44 + 32_000, 1],
    ['48 kHz stereo, 2.5 s', wavHead(48_000, 2, 480_000), 44 + 480_000, 2.5],
    ['size unknown in the header (a pipe wrote it): from the file size', wavHead(16_000, 1, 0), 44 + 64_000, 2],
    ['truncated file: what is there', wavHead(16_000, 1, 32_000), 44 + 16_000, 0.5],
    ['not a WAV (an MP3)', Buffer.from('ID3\x03\x00\x00\x00\x00\x00\x00', 'latin1'), 5000, undefined],
    ['a broken header', Buffer.from('RIFF\x00\x00\x00\x00WAVEdata\x10\x00\x00\x00', 'latin1'), 100, undefined],
  ])('%s', (_name, head, size, seconds) => expect(wavSeconds(head, size)).toBe(seconds));
});

describe('AudioTotal: hours to do, exact or "~"', () => {
  type Step = ['measured', string, number, number?] | ['done', string, number];
  it.each<[string, number, Step[], { seconds: number; estimated: boolean } | undefined]>([
    ['not every input measured yet', 2, [['measured', 'a.wav', 32_044, 1]], undefined],
    [
      'WAVs: exact from their headers',
      2,
      [
        ['measured', 'a.wav', 32_044, 1],
        ['measured', 'b.wav', 64_044, 2],
      ],
      { seconds: 3, estimated: false },
    ],
    [
      'an MP3, none done: unknown',
      2,
      [
        ['measured', 'a.wav', 32_044, 1],
        ['measured', 'b.mp3', 16_000],
      ],
      undefined,
    ],
    [
      'MP3s estimated from the first one done: its seconds per byte',
      3,
      [
        ['measured', 'a.mp3', 16_000],
        ['measured', 'b.mp3', 32_000],
        ['measured', 'c.wav', 32_044, 1],
        ['done', 'a.mp3', 10],
      ],
      { seconds: 10 + 20 + 1, estimated: true },
    ],
    [
      'every one done: exact again (what was done, not the header)',
      2,
      [
        ['measured', 'a.mp3', 16_000],
        ['measured', 'b.wav', 32_044, 1],
        ['done', 'a.mp3', 10],
        ['done', 'b.wav', 1.5],
      ],
      { seconds: 11.5, estimated: false },
    ],
    [
      'done before it was measured: its time kept, its size a sample',
      2,
      [
        ['done', 'a.mp3', 10],
        ['measured', 'a.mp3', 16_000],
        ['measured', 'b.mp3', 8_000],
      ],
      { seconds: 15, estimated: true },
    ],
  ])('%s', (_name, count, steps, expected) => {
    const total = new AudioTotal(count);
    for (const step of steps) {
      if (step[0] === 'done') total.done(step[1], step[2]);
      else total.measured(step[1], step[2], step[3]);
    }
    expect(total.total).toEqual(expected);
  });
});
