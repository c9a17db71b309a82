import { describe, expect, it } from 'vitest';
import { Aimd } from '../../src/many/aimd.js';
import { Queue, type Result, type Verdict } from '../../src/many/queue.js';
import { FakeClock } from '../support/fake-clock.js';

class Busy extends Error {
  constructor(readonly retryAfterMs?: number) {
    super('429');
  }
}
class Flaky extends Error {}
class Broken extends Error {}
class Refused extends Error {}

const classify = (error: unknown): Verdict => {
  if (error instanceof Busy) return { kind: 'busy', retryAfterMs: error.retryAfterMs };
  if (error instanceof Flaky) return { kind: 'retry' };
  if (error instanceof Refused) return { kind: 'fail-all' };
  return { kind: 'fail' };
};

/** A fake service: each request takes `ms`; `answer(item, attempt)` throws to refuse it. */
function harness(items: string[], jobs: number, answer: (item: string, attempt: number, inFlight: number) => void = () => {}, ms = 100) {
  const clock = new FakeClock();
  const aimd = new Aimd(jobs, () => clock.now());
  const results: Result<string>[] = [];
  const log: string[] = [];
  const attempts = new Map<string, number>();
  let inFlight = 0;
  let peak = 0;
  const queue = new Queue(items, {
    clock,
    aimd,
    backoffMs: (attempt) => 1000 * attempt,
    classify,
    onResult: (result) => results.push(result),
    async work(item) {
      const attempt = (attempts.get(item) ?? 0) + 1;
      attempts.set(item, attempt);
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      log.push(`${clock.now()} start ${item}#${attempt}`);
      try {
        await clock.sleep(ms);
        answer(item, attempt, inFlight);
        return 'done';
      } finally {
        inFlight -= 1;
      }
    },
  });
  return { clock, aimd, queue, results, log, peak: () => peak };
}

const statuses = (results: Result<string>[]) => results.map((r) => `${r.item}:${r.status}`).sort();

describe('Queue', () => {
  it('runs every item once with at most --jobs in flight', async () => {
    const items = Array.from({ length: 10 }, (_, i) => `f${i}`);
    const h = harness(items, 3);
    const done = h.queue.run();
    await h.clock.advance(10_000);
    expect(await done).toEqual([]);
    expect(h.peak()).toBe(3);
    expect(statuses(h.results)).toEqual(items.map((item) => `${item}:done`).sort());
    expect(h.log.filter((line) => line.startsWith('0 '))).toHaveLength(3);
  });

  it('halves in flight on 429 and waits for Retry-After before starting anything', async () => {
    // The service takes 2 at a time: beyond that, 429 with Retry-After 1500 ms (longer than the 1 s backoff).
    const items = Array.from({ length: 8 }, (_, i) => `f${i}`);
    const h = harness(items, 8, (_item, _attempt, inFlight) => {
      if (inFlight > 2) throw new Busy(1500);
    });
    const done = h.queue.run();
    await h.clock.advance(60_000);
    await done;
    expect(statuses(h.results)).toEqual(items.map((item) => `${item}:done`).sort());
    // The 8 first starts at 0 all ended at 100 ms; nothing started again before 100 + 1500.
    const restarts = h.log.filter((line) => !line.startsWith('0 ')).map((line) => Number(line.split(' ')[0]));
    expect(Math.min(...restarts)).toBe(1600);
    expect(h.aimd.limit).toBeLessThanOrEqual(8);
  });

  it('retries a failing file with backoff and reports it after three failures', async () => {
    const h = harness(['good', 'flaky', 'bad'], 2, (item, attempt) => {
      if (item === 'bad') throw new Flaky('503');
      if (item === 'flaky' && attempt < 3) throw new Flaky('503');
    });
    const done = h.queue.run();
    await h.clock.advance(60_000);
    await done;
    expect(statuses(h.results)).toEqual(['bad:failed', 'flaky:done', 'good:done']);
    expect(h.results.find((r) => r.item === 'bad')).toMatchObject({ attempts: 3 });
    // 2 jobs: good and flaky start first; each retry waits 1 s, then 2 s, after the failure.
    expect(h.log.filter((line) => line.includes('bad#'))).toEqual(['100 start bad#1', '1200 start bad#2', '3300 start bad#3']);
  });

  it('fails a file at once on an error that retrying cannot fix', async () => {
    const h = harness(['a', 'b'], 1, (item) => {
      if (item === 'a') throw new Broken('undecodable');
    });
    const done = h.queue.run();
    await h.clock.advance(1000);
    await done;
    expect(h.results.map((r) => `${r.item}:${r.status}`)).toEqual(['a:failed', 'b:done']);
    expect(h.results[0]).toMatchObject({ attempts: 1 });
  });

  it('starts nothing more after an error every file would share (a refused key)', async () => {
    const h = harness(['a', 'b', 'c'], 1, () => {
      throw new Refused('401');
    });
    const done = h.queue.run();
    await h.clock.advance(1000);
    expect(await done).toEqual(['b', 'c']);
    expect(statuses(h.results)).toEqual(['a:failed']);
  });

  it('never retries a 429 forever, nor in a burst when Retry-After is short', async () => {
    const h = harness(['a'], 1, () => {
      throw new Busy(10);
    });
    const done = h.queue.run();
    await h.clock.advance(300_000); // Retry-After 10 ms, but each refusal backs off longer: 1 s, 2 s, ... 19 s
    await done;
    expect(h.results).toMatchObject([{ item: 'a', status: 'failed', attempts: 20 }]);
    expect(h.log.slice(0, 3)).toEqual(['0 start a#1', '1100 start a#2', '3200 start a#3']);
  });

  it('stop: starts nothing more, lets running ones finish, gives back the rest', async () => {
    const h = harness(['a', 'b', 'c', 'd'], 2);
    const done = h.queue.run();
    await h.clock.advance(50);
    h.queue.stop();
    await h.clock.advance(1000);
    expect(await done).toEqual(['c', 'd']);
    expect(statuses(h.results)).toEqual(['a:done', 'b:done']);
  });
});

/** On a loaded machine time passes between two readings: room() reads the clock just before a pause ends, nextStart() just after. */
class LateReadingAimd extends Aimd {
  private lateOnce = true;
  override room(inFlight: number): number {
    if (this.lateOnce && this.resumeAt > -Infinity && this.clockNow() >= this.resumeAt) {
      this.lateOnce = false;
      return 0; // what a reading taken a moment earlier said
    }
    return super.room(inFlight);
  }
  constructor(
    max: number,
    private readonly clockNow: () => number,
  ) {
    super(max, clockNow);
  }
}

describe('Queue on a loaded machine', () => {
  it('a pause that ends between two readings of the clock still wakes the queue (it waited forever: the process exited with nothing said)', async () => {
    const clock = new FakeClock();
    const aimd = new LateReadingAimd(1, () => clock.now());
    let tries = 0;
    const results: Result<string>[] = [];
    const queue = new Queue(['only'], {
      clock,
      aimd,
      backoffMs: () => 10,
      classify,
      onResult: (result) => results.push(result),
      async work() {
        await clock.sleep(5);
        if (++tries === 1) throw new Busy(1000);
        return 'done';
      },
    });
    const done = queue.run();
    await clock.advance(5000);
    expect(results.map((result) => result.status)).toEqual(['done']);
    expect(await done).toEqual([]);
  });
});

/**
 * Files in three phases, as a --batch file of many: prepared (`prepMs`, no slot), requested
 * (`requestMs`, holding a slot), written (`writeMs`, the slot given back).
 */
function pipeline(items: string[], jobs: number, ahead: number, { prepMs = 50, requestMs = 100, writeMs = 200, refuseAbove = Infinity } = {}) {
  const clock = new FakeClock();
  const aimd = new Aimd(jobs, () => clock.now());
  const results: Result<string>[] = [];
  const log: string[] = [];
  let requests = 0;
  let peakRequests = 0;
  let underWay = 0;
  let peakUnderWay = 0;
  let refused = 0;
  const queue = new Queue(items, {
    clock,
    aimd,
    ahead,
    classify,
    // No jitter: the same run every time.
    backoffMs: (attempt) => 1000 * 2 ** (attempt - 1),
    onResult: (result) => results.push(result),
    async work(item, slot) {
      underWay += 1;
      peakUnderWay = Math.max(peakUnderWay, underWay);
      try {
        await clock.sleep(prepMs);
        await slot.ready();
        requests += 1;
        peakRequests = Math.max(peakRequests, requests);
        log.push(`${clock.now()} send ${item}`);
        const busy = requests > refuseAbove;
        await clock.sleep(requestMs);
        requests -= 1;
        slot.answered();
        if (busy) {
          refused += 1;
          throw new Busy();
        }
        await clock.sleep(writeMs);
        log.push(`${clock.now()} written ${item}`);
        return 'done';
      } finally {
        underWay -= 1;
      }
    },
  });
  return { clock, queue, results, log, refused: () => refused, peaks: () => ({ requests: peakRequests, underWay: peakUnderWay }) };
}

describe('Queue: the slot is the request only', () => {
  it('a file being written holds no slot, and the next file was prepared ahead: its request starts as the answer comes', async () => {
    const p = pipeline(['a', 'b', 'c'], 1, 2);
    const done = p.queue.run();
    await p.clock.advance(10_000);
    expect(await done).toEqual([]);
    // a: prepared 0-50, request 50-150, written 150-350; b was prepared meanwhile and is sent at 150, not at 350 + 50.
    expect(p.log.filter((line) => line.includes('send'))).toEqual(['50 send a', '150 send b', '250 send c']);
    expect(p.peaks().requests).toBe(1);
    expect(statuses(p.results)).toEqual(['a:done', 'b:done', 'c:done']);
  });

  it('bounds the files under way (prepared, requested, being written) to the limit plus `ahead`', async () => {
    const items = Array.from({ length: 40 }, (_, i) => `f${i}`);
    const p = pipeline(items, 4, 3, { prepMs: 10, requestMs: 100, writeMs: 500 });
    const done = p.queue.run();
    await p.clock.advance(60_000);
    expect(await done).toEqual([]);
    expect(p.peaks()).toEqual({ requests: 4, underWay: 7 });
    expect(p.results.filter((result) => result.status === 'done')).toHaveLength(40);
  });

  it('Ctrl+C: answered files are still written, a request in flight ends, a prepared file is given back unsent', async () => {
    const p = pipeline(['a', 'b', 'c', 'd'], 1, 2);
    const done = p.queue.run();
    await p.clock.advance(200); // a is being written (150-350), b is requesting (150-250), c is prepared and waits for the slot
    expect(p.queue.running).toBe(2);
    p.queue.stop();
    let ended = false;
    void done.then(() => (ended = true));
    await p.clock.advance(140); // 340: a is not written yet
    expect(ended).toBe(false);
    await p.clock.advance(1000);
    expect(await done).toEqual(['c', 'd']);
    expect(p.log).toEqual(['50 send a', '150 send b', '350 written a', '450 written b']);
    expect(statuses(p.results)).toEqual(['a:done', 'b:done']);
  });

  it('with files prepared ahead, a 429 gives the slot back, halves the limit, and the file is done later, once', async () => {
    const items = Array.from({ length: 12 }, (_, i) => `f${i}`);
    // The service takes 3 requests at a time; --jobs 8.
    const p = pipeline(items, 8, 4, { refuseAbove: 3 });
    const done = p.queue.run();
    await p.clock.advance(120_000);
    expect(await done).toEqual([]);
    expect(statuses(p.results)).toEqual(items.map((item) => `${item}:done`).sort());
    expect(p.log.filter((line) => line.includes('written'))).toHaveLength(12);
    // 8 sent into a limit of 3 (5 refused), then fewer as the limit halves: 11 in all, the same every run (no jitter).
    expect(p.refused()).toBe(11);
  });
});
