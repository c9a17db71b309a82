import { describe, expect, it, vi } from 'vitest';
import { ChunkQueue, forEachChunk, type ChunkQueueHooks } from '../../src/audio/chunk-queue.js';

const chunk = (n: number) => Buffer.from([n]);

function queue(overrides: Partial<ChunkQueueHooks> = {}) {
  const hooks = { taken: vi.fn(), finish: vi.fn(async () => {}), abandon: vi.fn(async () => {}), ...overrides };
  return { q: new ChunkQueue(hooks), hooks };
}

describe('ChunkQueue read with for await', () => {
  it('gives chunks pushed before and after the reader asks, then ends with finish()', async () => {
    const { q, hooks } = queue();
    q.push(chunk(1));
    const seen: number[] = [];
    const reading = (async () => {
      for await (const c of q) seen.push(c[0]!);
    })();
    await new Promise((resolve) => setTimeout(resolve, 0));
    q.push(chunk(2));
    q.end();
    await reading;
    expect(seen).toEqual([1, 2]);
    expect(hooks.finish).toHaveBeenCalledOnce();
    expect(hooks.taken).toHaveBeenCalledWith(0);
  });

  it('rejects with why the producer ended (finish() throws)', async () => {
    const { q } = queue({ finish: async () => Promise.reject(new Error('recorder died')) });
    q.end();
    await expect(q.next()).rejects.toThrow('recorder died');
  });

  it('breaking off abandons the producer', async () => {
    const { q, hooks } = queue();
    q.push(chunk(1));
    for await (const _ of q) break;
    expect(hooks.abandon).toHaveBeenCalledOnce();
  });
});

describe('ChunkQueue.pipeTo (forEachChunk)', () => {
  it('delivers inside push() while the sink keeps up, in order, then settles after finish()', async () => {
    const { q, hooks } = queue();
    q.push(chunk(1)); // queued before the sink exists
    const seen: number[] = [];
    const done = forEachChunk(q, (c) => void seen.push(c[0]!));
    expect(seen).toEqual([1]);
    q.push(chunk(2));
    expect(seen).toEqual([1, 2]); // synchronously: no promise or microtask per chunk
    q.end();
    await done;
    expect(hooks.finish).toHaveBeenCalledOnce();
  });

  it('holds chunks back while a promise from the sink is pending', async () => {
    const { q } = queue();
    let release!: () => void;
    const seen: number[] = [];
    const done = forEachChunk(q, (c) => {
      seen.push(c[0]!);
      return c[0] === 1 ? new Promise<void>((resolve) => (release = resolve)) : undefined;
    });
    q.push(chunk(1));
    q.push(chunk(2));
    q.push(chunk(3));
    expect(seen).toEqual([1]);
    expect(q.queuedBytes).toBe(2);
    q.end();
    release();
    await done;
    expect(seen).toEqual([1, 2, 3]);
  });

  it('a failing sink stops the producer and rejects with its error', async () => {
    const { q, hooks } = queue();
    const done = forEachChunk(q, () => {
      throw new Error('socket gone');
    });
    q.push(chunk(1));
    await expect(done).rejects.toThrow('socket gone');
    expect(hooks.abandon).toHaveBeenCalledOnce();
    q.push(chunk(2)); // ignored after the stop
    expect(q.queuedBytes).toBe(0);
  });

  it('an async iterable that is not a queue is read with for await', async () => {
    async function* three() {
      yield* [chunk(1), chunk(2), chunk(3)];
    }
    const seen: number[] = [];
    await forEachChunk(three(), (c) => (seen.push(c[0]!), c[0] === 2 ? Promise.resolve() : undefined));
    expect(seen).toEqual([1, 2, 3]);
  });
});
