import { describe, expect, it } from 'vitest';
import { Aimd, PROBE_ROUNDS } from '../../src/many/aimd.js';

describe('Aimd', () => {
  const make = (max: number) => {
    const clock = { time: 0 };
    return { aimd: new Aimd(max, () => clock.time), clock };
  };

  it('starts at the maximum and never grows past it', () => {
    const { aimd } = make(4);
    expect(aimd.room(0)).toBe(4);
    aimd.success();
    expect(aimd.limit).toBe(4);
    expect(aimd.room(3)).toBe(1);
    expect(aimd.room(5)).toBe(0);
  });

  it('halves from what was in flight on a 429, then adds one per success up to just below it', () => {
    const { aimd } = make(16);
    const token = aimd.start();
    aimd.busy(token, 12);
    expect(aimd.limit).toBe(6);
    const steps: number[] = [];
    for (let i = 0; i < 7; i++) {
      aimd.success();
      steps.push(aimd.limit);
    }
    expect(steps).toEqual([7, 8, 9, 10, 11, 11, 11]);
  });

  it('above the last 429, probes one more per PROBE_ROUNDS rounds of successes, up to --jobs', () => {
    const { aimd } = make(16);
    aimd.busy(aimd.start(), 12);
    while (aimd.limit < 11) aimd.success();
    const successesPerStep: number[] = [];
    let count = 0;
    while (aimd.limit < 16) {
      const before = aimd.limit;
      aimd.success();
      count += 1;
      if (aimd.limit !== before) {
        successesPerStep.push(count);
        count = 0;
      }
    }
    expect(successesPerStep).toEqual([11, 12, 13, 14, 15].map((limit) => limit * PROBE_ROUNDS));
    for (let i = 0; i < 1000; i++) aimd.success();
    expect(aimd.limit).toBe(16);
  });

  it('against a hard limit of 50 from --jobs 64 it stays near the limit (simulated: in flight = the limit, one completion a tick)', () => {
    const { aimd } = make(64);
    let served = 0;
    let used = 0;
    for (let tick = 0; tick < 20_000; tick++) {
      const inFlight = aimd.limit;
      used += Math.min(inFlight, 50);
      if (inFlight > 50) aimd.busy(aimd.start(), inFlight);
      else {
        aimd.success();
        served += 1;
      }
    }
    // The share of the 50 slots in use over time: halving and growing one per success straight back into the limit gives about 0.75.
    expect(used / 20_000 / 50).toBeGreaterThan(0.9);
    expect(served).toBeGreaterThan(19_900);
  });

  it('decreases once per round: 429s of requests started before the decrease do not halve again', () => {
    const { aimd } = make(16);
    const before = aimd.start();
    aimd.busy(before, 16);
    aimd.busy(before, 15);
    aimd.busy(before, 14);
    expect(aimd.limit).toBe(8);
    const after = aimd.start();
    aimd.busy(after, 8);
    expect(aimd.limit).toBe(4);
  });

  it('never goes below one', () => {
    const { aimd } = make(2);
    aimd.busy(aimd.start(), 1);
    expect(aimd.limit).toBe(1);
    aimd.busy(aimd.start(), 1);
    expect(aimd.limit).toBe(1);
    expect(aimd.room(0)).toBe(1);
  });

  it('Retry-After pauses every start until it has passed', () => {
    const { aimd, clock } = make(8);
    aimd.busy(aimd.start(), 8, 3000);
    expect(aimd.resumeAt).toBe(3000);
    expect(aimd.room(0)).toBe(0);
    clock.time = 2999;
    expect(aimd.room(0)).toBe(0);
    clock.time = 3000;
    expect(aimd.room(0)).toBe(4);
    // A stale 429 (an older round) still extends the pause it asks for, without halving.
    aimd.busy(0, 4, 5000);
    expect(aimd.resumeAt).toBe(8000);
    expect(aimd.limit).toBe(4);
  });
});
