import { describe, expect, it } from 'vitest';
import { Aimd } from '../../src/many/aimd.js';

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

  it('halves from what was in flight on a 429, then adds one per success', () => {
    const { aimd } = make(16);
    const token = aimd.start();
    aimd.busy(token, 12);
    expect(aimd.limit).toBe(6);
    const steps: number[] = [];
    for (let i = 0; i < 12; i++) {
      aimd.success();
      steps.push(aimd.limit);
    }
    expect(steps).toEqual([7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 16, 16]);
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
