import { describe, expect, it } from 'vitest';
import { LevelMeter, levelDbfs, meterLine, peakDbfs, SilenceGuard, type MeterReading } from '../../src/audio/levels.js';

const MONO16K = { sampleRate: 16000, channels: 1 };

/** 16-bit samples from a function of the sample index. */
function pcm(count: number, sample: (i: number) => number): Buffer {
  const buffer = Buffer.alloc(count * 2);
  for (let i = 0; i < count; i++) buffer.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(sample(i)))), i * 2);
  return buffer;
}
const sine = (count: number, amplitude: number, hz = 440) => pcm(count, (i) => amplitude * Math.sin((2 * Math.PI * hz * i) / 16000));
const square = (count: number, amplitude: number) => pcm(count, (i) => (i % 2 ? amplitude : -amplitude));
const zeros = (count: number) => Buffer.alloc(count * 2);
/** Feeds `audio` in chunks of `size` bytes. */
const chunks = (audio: Buffer, size: number) => Array.from({ length: Math.ceil(audio.length / size) }, (_, n) => audio.subarray(n * size, (n + 1) * size));

describe('levelDbfs (RMS) and peakDbfs', () => {
  it.each<[string, Buffer, number, number]>([
    ['empty frame', Buffer.alloc(0), -Infinity, -Infinity],
    ['digital silence', zeros(1600), -Infinity, -Infinity],
    ['full-scale square wave', square(1600, 32768), 0, 0],
    ['full-scale sine', sine(16000, 32767), -3.01, 0],
    ['half-scale sine', sine(16000, 16384), -9.03, -6.02],
    ['1 LSB square (a muted input\u2019s noise)', square(1600, 1), -90.31, -90.31],
    ['-60 dBFS sine', sine(16000, 32.768 * Math.SQRT2), -60, -57],
  ])('%s', (_name, frame, rms, peak) => {
    expect(levelDbfs(frame)).toBeCloseTo(rms, 1);
    expect(peakDbfs(frame)).toBeCloseTo(peak, 0);
  });

  it('ignores a trailing half sample and reads unaligned buffers', () => {
    const frame = Buffer.concat([Buffer.from([0xff]), square(100, 1000), Buffer.from([0x7f])]).subarray(1);
    expect(frame.byteOffset % 2).toBe(1);
    expect(levelDbfs(frame)).toBeCloseTo(20 * Math.log10(1000 / 32768), 6);
    expect(peakDbfs(frame)).toBeCloseTo(20 * Math.log10(1000 / 32768), 6);
  });
});

describe('SilenceGuard: one report on the first 3 s', () => {
  const second = 16000;
  it.each<[string, Buffer, number, string]>([
    ['all zeros', zeros(3 * second), 3200, 'digital-silence'],
    ['1 LSB of noise: below -70 dBFS', square(3 * second, 1), 3200, 'too-quiet'],
    ['-75 dBFS hiss', sine(3 * second, 32768 * 10 ** (-75 / 20) * Math.SQRT2, 3000), 1600, 'too-quiet'],
    ['room noise at -60 dBFS', sine(3 * second, 32.768 * Math.SQRT2, 3000), 1600, 'sound'],
    ['silence, then one word at 2.8 s', Buffer.concat([zeros(2.8 * second), sine(0.2 * second, 8000)]), 1600, 'sound'],
    ['odd chunk sizes', sine(3 * second, 8000), 1001, 'sound'],
  ])('%s -> %s', (_name, audio, size, verdict) => {
    const guard = new SilenceGuard(MONO16K);
    const reports = chunks(audio, size).map((chunk) => guard.push(chunk));
    const given = reports.filter((report) => report !== undefined);
    expect(given).toHaveLength(1);
    expect(given[0]!.verdict).toBe(verdict);
    expect(given[0]!.seconds).toBe(3);
    expect(reports.at(-1)).toBe(given[0]); // reported with the chunk that completes 3 s, not before
    expect(guard.push(sine(second, 20000))).toBeUndefined(); // and never again
  });

  it('only looks at the first 3 s: a sound at 3.5 s does not change the verdict', () => {
    const guard = new SilenceGuard(MONO16K);
    const report = guard.push(Buffer.concat([zeros(3.5 * 16000), sine(8000, 20000)]));
    expect(report).toEqual({ verdict: 'digital-silence', loudestDbfs: -Infinity, seconds: 3 });
  });

  it('reports the loudest 100 ms and honours its options', () => {
    const guard = new SilenceGuard({ sampleRate: 8000, channels: 2 }, { seconds: 1, thresholdDbfs: -50 });
    const quiet = pcm(2 * 8000, (i) => (i % 4 < 2 ? 100 : -100)); // stereo frames, -50.3 dBFS
    const report = guard.push(quiet);
    expect(report?.verdict).toBe('too-quiet');
    expect(report?.loudestDbfs).toBeCloseTo(-50.3, 1);
    expect(report?.seconds).toBe(1);
  });
});

describe('LevelMeter: a reading per 100 ms of audio, whatever the chunking', () => {
  it('cuts 250 ms fed in 33 ms chunks into two readings, keeping the rest', () => {
    const meter = new LevelMeter(MONO16K);
    const audio = Buffer.concat([sine(1600, 16384), zeros(1600), square(800, 100)]);
    const readings = chunks(audio, 1056).flatMap((chunk) => meter.push(chunk));
    expect(readings).toHaveLength(2);
    expect(readings[0]!.rmsDbfs).toBeCloseTo(-9.03, 1);
    expect(readings[0]!.peakDbfs).toBeCloseTo(-6.02, 1);
    expect(readings[1]).toEqual({ rmsDbfs: -Infinity, peakDbfs: -Infinity });
    expect(meter.push(square(800, 100))).toHaveLength(1);
  });
});

describe('meterLine', () => {
  it.each<[string, MeterReading, { width?: number; floorDbfs?: number } | undefined, string]>([
    ['silence', { rmsDbfs: -Infinity, peakDbfs: -Infinity }, undefined, '[------------------------------]  rms   -inf dBFS  peak   -inf dBFS'],
    ['speech', { rmsDbfs: -30, peakDbfs: -10 }, undefined, '[###############---------|-----]  rms  -30.0 dBFS  peak  -10.0 dBFS'],
    ['below the floor', { rmsDbfs: -75.25, peakDbfs: -64 }, undefined, '[------------------------------]  rms  -75.3 dBFS  peak  -64.0 dBFS'],
    ['peak within the RMS cells', { rmsDbfs: -20, peakDbfs: -19.5 }, undefined, '[####################----------]  rms  -20.0 dBFS  peak  -19.5 dBFS'],
    ['peak one cell above', { rmsDbfs: -20, peakDbfs: -19 }, undefined, '[####################|---------]  rms  -20.0 dBFS  peak  -19.0 dBFS'],
    ['clipping', { rmsDbfs: -3, peakDbfs: 0 }, undefined, '[#############################|]  rms   -3.0 dBFS  peak    0.0 dBFS  CLIP'],
    ['narrow, other floor', { rmsDbfs: -20, peakDbfs: -5 }, { width: 10, floorDbfs: -40 }, '[#####---|-]  rms  -20.0 dBFS  peak   -5.0 dBFS'],
  ])('%s', (_name, reading, options, line) => {
    expect(meterLine(reading, options)).toBe(line);
  });
});
