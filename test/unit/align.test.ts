import { describe, expect, it } from 'vitest';
import { ChannelAligner, type AlignerOptions } from '../../src/audio/align.js';

let RATE = 16000;

interface SourceSpec {
  /** Clock error of the device, parts per million (positive: its samples come faster). */
  ppm: number;
  /** Wall time of its first sample, ms. */
  startMs: number;
  chunkMs: number;
  /** Extra random delivery delay, 0..jitterMs. */
  jitterMs: number;
  /** [from, to] wall ms during which the device captures nothing (a stall: those samples never exist). */
  stall?: [number, number];
  /** Sustained lateness (a loaded machine): every `everyMs`, its chunks arrive `byMs` late for `forMs`. */
  late?: { everyMs: number; forMs: number; byMs: number };
  /** Independent "speech" (loud noise below the beep threshold) during these seconds of every 10. */
  speech: [number, number];
}

/** Deterministic noise. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/**
 * What a device hears at wall time `t` (seconds): room noise, its own speech, and at 5.0-5.2 s of
 * every 10 s a 1 kHz beep that both devices hear at the same moment (the ground truth of alignment).
 */
function sample(t: number, spec: SourceSpec, noise: () => number): number {
  const phase = t % 10;
  if (phase >= 5 && phase < 5.2) return Math.round(8000 * Math.sin(2 * Math.PI * 1000 * t));
  if (phase >= spec.speech[0] && phase < spec.speech[1]) return Math.round((noise() - 0.5) * 6000);
  return Math.round((noise() - 0.5) * 40);
}

interface Run {
  /** Per beep on channel 1: output sample index of its onset on channel 0 minus on channel 1, in ms. */
  beepSkewsMs: number[];
  stats: ChannelAligner['stats'];
  frames: number;
  /** Bytes of each stereo chunk emitted. */
  chunkBytes: Set<number>;
}

/** Runs two simulated devices for `seconds` of wall time through an aligner; finds the beeps in its output. */
function simulate(seconds: number, sources: [SourceSpec, SourceSpec], options: Partial<AlignerOptions> = {}): Run {
  const aligner = new ChannelAligner({ sampleRate: RATE, ...options }, 0);
  const noise = [random(1), random(2)];
  const jitter = random(3);
  // Arrival events of both devices, generated lazily in time order.
  const next = sources.map((spec) => ({ k: 0, arrival: 0, spec }));
  const plan = (channel: 0 | 1) => {
    const source = next[channel]!;
    const rate = RATE * (1 + source.spec.ppm * 1e-6);
    const count = Math.round((RATE * source.spec.chunkMs) / 1000);
    let lastCapture = source.spec.startMs + ((source.k + count - 1) / rate) * 1000;
    const stall = source.spec.stall;
    if (stall && lastCapture >= stall[0] && lastCapture < stall[1]) {
      // The device skips the stalled span: its next samples are captured after it.
      source.k += Math.round(((stall[1] - source.spec.startMs) / 1000) * rate) - source.k;
      lastCapture = source.spec.startMs + ((source.k + count - 1) / rate) * 1000;
    }
    const late = source.spec.late;
    const lateBy = late && lastCapture % late.everyMs < late.forMs ? late.byMs : 0;
    source.arrival = lastCapture + 5 + lateBy + jitter() * source.spec.jitterMs;
    return { rate, count };
  };
  const plans = [plan(0), plan(1)];
  const onsets: number[][] = [[], []];
  const quietSince = [0, 0];
  let frames = 0;
  const chunkBytes = new Set<number>();
  const scan = (stereo: Buffer) => {
    chunkBytes.add(stereo.length);
    const view = new Int16Array(stereo.buffer, stereo.byteOffset, stereo.length / 2);
    for (let i = 0; i < view.length; i += 2) {
      for (const c of [0, 1]) {
        const loud = Math.abs(view[i + c]!) > 4000;
        if (loud && frames - quietSince[c]! > RATE / 2) onsets[c]!.push(frames);
        if (loud) quietSince[c] = frames;
      }
      frames++;
    }
  };
  const endMs = seconds * 1000;
  for (;;) {
    const channel: 0 | 1 = next[0]!.arrival <= next[1]!.arrival ? 0 : 1;
    const source = next[channel]!;
    if (source.arrival > endMs) break;
    const { rate, count } = plans[channel]!;
    const chunk = new Int16Array(count);
    for (let i = 0; i < count; i++) chunk[i] = sample((source.spec.startMs + ((source.k + i) / rate) * 1000) / 1000, source.spec, noise[channel]!);
    source.k += count;
    for (const out of aligner.push(channel, chunk, source.arrival)) scan(out);
    plans[channel] = plan(channel);
  }
  // Each beep the system channel has, against the nearest one on the microphone channel.
  const nearest = (at: number) => onsets[0]!.reduce((best, o) => (Math.abs(o - at) < Math.abs(best - at) ? o : best), Infinity);
  const beepSkewsMs = onsets[1]!.map((at) => ((nearest(at) - at) * 1000) / RATE);
  return { beepSkewsMs, stats: aligner.stats, frames, chunkBytes };
}

const maxAbs = (values: number[]) => Math.max(...values.map(Math.abs));
const MIC: SourceSpec = { ppm: 0, startMs: 0, chunkMs: 50, jitterMs: 30, speech: [1, 3.5] };
const SYSTEM: SourceSpec = { ppm: 300, startMs: 400, chunkMs: 50, jitterMs: 30, speech: [6, 9.5] };

describe('ChannelAligner', () => {
  it('a 60-minute capture with one clock 300 ppm fast (1.08 s of drift) stays within 50 ms at every beep', () => {
    RATE = 8000; // the aligner works in samples and milliseconds alike; half the rate, half the test's time
    const run = simulate(3600, [MIC, SYSTEM]);
    expect(run.beepSkewsMs.length).toBeGreaterThanOrEqual(355);
    expect(maxAbs(run.beepSkewsMs)).toBeLessThanOrEqual(50);
    expect(run.stats.maxSkewMs).toBeLessThanOrEqual(50);
    // The drift was taken out of the system channel's silence, not by stretching anything.
    expect(run.stats.dropped[1] + run.stats.padded[0]).toBeGreaterThan(RATE * 1.0);
    RATE = 16000;
  }, 60_000);

  it('without correction the same capture drifts far past 50 ms (the measurement can fail)', () => {
    const run = simulate(400, [MIC, SYSTEM], { correct: false });
    expect(maxAbs(run.beepSkewsMs)).toBeGreaterThan(100);
  }, 30_000);

  it('the later start of one source is made up with silence: the first beep is aligned', () => {
    const run = simulate(12, [MIC, { ...SYSTEM, ppm: 0, startMs: 900 }]);
    expect(run.beepSkewsMs.length).toBe(1);
    expect(Math.abs(run.beepSkewsMs[0]!)).toBeLessThanOrEqual(25);
  });

  it('a stalled source is filled with silence: the other channel goes on, and both are aligned afterwards', () => {
    const run = simulate(40, [MIC, { ...SYSTEM, ppm: 0, stall: [12_000, 24_000] }]);
    // Beeps at 5, 15, 25, 35 s on the microphone; the system missed the one at 15 s.
    expect(run.stats.stalls).toEqual([0, 1]);
    expect(run.frames).toBeGreaterThan(RATE * 39);
    expect(run.beepSkewsMs.length).toBe(3);
    const aligned = [run.beepSkewsMs[0]!, run.beepSkewsMs.at(-1)!];
    expect(maxAbs(aligned)).toBeLessThanOrEqual(50);
  });

  it('sustained late delivery of one source (a loaded machine: 45 ms late for 4 s in every 7) is not taken for drift', () => {
    const run = simulate(300, [MIC, { ...SYSTEM, ppm: 0, late: { everyMs: 7000, forMs: 4000, byMs: 45 } }]);
    expect(maxAbs(run.beepSkewsMs)).toBeLessThanOrEqual(25);
  });

  it('bursty delivery (sox through PulseAudio: 150 ms chunks against 50 ms ones) is no stall and stays aligned', () => {
    const run = simulate(120, [MIC, { ...SYSTEM, chunkMs: 150, jitterMs: 80 }]);
    expect(run.stats.stalls).toEqual([0, 0]);
    expect(maxAbs(run.beepSkewsMs)).toBeLessThanOrEqual(50);
    // Whole 50 ms stereo frames (3200 bytes), which the stream's framer passes on untouched; the start-up fill aside.
    expect([...run.chunkBytes].filter((bytes) => bytes % 3200 !== 0).length).toBeLessThanOrEqual(1);
  });
});
