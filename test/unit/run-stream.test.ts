import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import type { Context } from '../../src/context.js';
import { NetworkError, TranscribeError } from '../../src/errors.js';
import { closingAfter } from '../../src/stream/closing.js';
import { finalResults } from '../support/fake-deepgram.js';
import { startStream } from '../support/stream-harness.js';

describe('runStream: the end of a run', () => {
  it('one Ctrl+C after the audio ended stops within the 1.5 s grace (exit 130), not the 10 s close', async () => {
    const run = startStream({ seconds: 2 });
    await run.clock.until(() => run.server.sockets[0]?.controls.includes('CloseStream') ?? false, 1000);
    await run.clock.advance(1000);
    run.signal('SIGINT');
    const took = await run.clock.until(() => run.outcome() !== undefined, 20_000);
    expect(took).toBeLessThanOrEqual(1510);
    expect(run.outcome()).toBe(130);
    expect(run.notices).toEqual(['transcribe: Deepgram did not finish within 1.5 s; the last words may be missing']);
    expect(run.server.sockets).toHaveLength(1);
  });

  it('"Deepgram did not finish within 10 s" without a stop is a failure: exit 5', async () => {
    const run = startStream({ seconds: 2 });
    await run.clock.until(() => run.server.sockets[0]?.controls.includes('CloseStream') ?? false, 1000);
    run.server.last.final(0, 2, 'everything.'); // all audio confirmed: nothing to send again
    await run.clock.until(() => run.outcome() !== undefined, 20_000);
    expect(run.outcome()).toBe('Deepgram did not finish within 10 s; the last words may be missing (exit 5)');
    expect(run.events.slice(-2)).toEqual(['final everything.', 'close 5 Deepgram did not finish within 10 s; the last words may be missing']);
  });

  it('SIGHUP ends like SIGTERM (Finalize, CloseStream, the last words) with exit 129', async () => {
    const run = startStream({ seconds: 10, speed: 1 });
    await run.clock.advance(3000);
    run.signal('SIGHUP');
    await run.clock.until(() => run.server.last.controls.includes('CloseStream'), 1000);
    expect(run.server.last.controls.filter((type) => type !== 'KeepAlive')).toEqual(['Finalize', 'CloseStream']);
    run.server.last.final(0, 2.9, 'last.');
    run.server.last.metadata();
    run.server.last.drop(1000);
    await run.clock.until(() => run.outcome() !== undefined, 1000);
    expect(run.outcome()).toBe(129);
    expect(run.events.slice(-3)).toEqual(['final last.', 'metadata 3', 'close 129 interrupted']);
  });
});

describe('runStream: NDJSON metadata', () => {
  it('comes after the last final it covers, even one that no speech_final ended', async () => {
    const run = startStream({ seconds: 2 });
    await run.clock.until(() => run.server.sockets[0]?.controls.includes('CloseStream') ?? false, 1000);
    run.server.last.say({ ...finalResults(0, 2, 'pending.'), speech_final: false });
    run.server.last.metadata();
    run.server.last.drop(1000);
    await run.clock.until(() => run.outcome() !== undefined, 1000);
    expect(run.events.filter((event) => !event.startsWith('interim'))).toEqual(['open', 'final pending.', 'metadata 2', 'close 0 end']);
  });

  it('the duration covers the whole run, not the last connection', async () => {
    const run = startStream({ seconds: 4 });
    await run.clock.until(() => run.server.sockets[0]?.controls.includes('CloseStream') ?? false, 1000);
    run.server.last.final(0, 1, 'first.');
    run.server.last.drop(1011);
    await run.clock.until(() => run.server.sockets.length === 2 && run.server.last.controls.includes('CloseStream'), 5000);
    expect(run.server.last.audioSeconds).toBe(3);
    run.server.last.final(0, 3, 'second.');
    run.server.last.metadata(3);
    run.server.last.drop(1000);
    await run.clock.until(() => run.outcome() !== undefined, 1000);
    expect(run.outcome()).toBe(0);
    expect(run.events.filter((event) => event.startsWith('metadata') || event.startsWith('close'))).toEqual(['metadata 4', 'close 0 end']);
  });
});

describe('closingAfter: an error while closing the outputs', () => {
  const context = () => {
    const stderr = new PassThrough();
    let text = '';
    stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    return { context: { stderr, verbose: false } as unknown as Context, stderr: () => text };
  };
  const diskFull = () => {
    throw new TranscribeError('cannot write out.txt (ENOSPC)', 1, 'free some space');
  };

  it('never replaces the run own error and exit code; it is reported', async () => {
    const { context: ctx, stderr } = context();
    const failure = new NetworkError('the connection to Deepgram dropped (code 1006)', 'check your network and try again');
    await expect(closingAfter(ctx, () => Promise.reject(failure), diskFull)).rejects.toBe(failure);
    expect(stderr()).toBe('transcribe: cannot write out.txt (ENOSPC) — free some space\n');
  });

  it('nor a non-zero exit code (an interrupt)', async () => {
    const { context: ctx } = context();
    await expect(closingAfter(ctx, async () => 130, diskFull)).resolves.toBe(130);
  });

  it('is the result of a run that succeeded', async () => {
    const { context: ctx } = context();
    await expect(closingAfter(ctx, async () => 0, diskFull)).rejects.toThrow('cannot write out.txt (ENOSPC)');
  });
});
