import { describe, expect, it } from 'vitest';
import { COLLECT_EVERY_MS, periodicCollector } from '../../src/many/collect-garbage.js';

describe('periodicCollector: one full collection at most every COLLECT_EVERY_MS, when a file is done', () => {
  it.each([
    ['files done faster than the period: one collection per period', [100, 1000, 2400, 2600, 2700, 4000, 5200], [2600, 5200]],
    ['files done slower than the period: one after each', [3000, 6000, 9000], [3000, 6000, 9000]],
    ['nothing before the first period has passed', [1, 2, 2499], []],
  ])('%s', (_name, doneAt, expected) => {
    let now = 0;
    const collections: number[] = [];
    const fileDone = periodicCollector(
      () => now,
      () => collections.push(now),
    );
    for (const at of doneAt) {
      now = at;
      fileDone();
    }
    expect(COLLECT_EVERY_MS).toBe(2500);
    expect(collections).toEqual(expected);
  });

  it("the real collector is V8's gc(), which frees what nothing holds", async () => {
    const fileDone = periodicCollector(() => Date.now(), undefined, 0);
    const ref = ((): WeakRef<object> => new WeakRef({ big: new Array<number>(1000).fill(1) }))();
    await new Promise((resolve) => setTimeout(resolve, 0)); // a WeakRef holds its target until the turn ends
    fileDone();
    expect(ref.deref()).toBeUndefined();
  });
});
