import { describe, expect, it } from 'vitest';
import { FakeDeepgram, finalResults } from '../support/fake-deepgram.js';
import { openConnection, sendAudio } from '../support/stream-harness.js';

describe('DeepgramConnection on a fake clock', () => {
  it('a stall (audio sent, nothing heard for 15 s) opens a new connection and replays the audio', async () => {
    const { connection, clock, server, log } = await openConnection();
    await clock.advance(100);
    await sendAudio(connection, 1);
    await clock.advance(14_000);
    expect(server.sockets).toHaveLength(1);
    await clock.until(() => server.sockets.length === 2, 3000);
    await clock.advance(10);
    expect(log.at(-1)).toBe('reconnected 1: offset 0 s, replayed 1 s');
    expect(server.last.audioSeconds).toBe(1);
    connection.abort();
  });

  it('no answer to CloseStream: gives up after the 10 s close timeout', async () => {
    const { connection, clock, server } = await openConnection();
    await sendAudio(connection, 1);
    server.last.final(0, 1); // all of it confirmed: nothing to send again
    let closed: unknown;
    void connection.closeStream(10_000, true).then((result) => (closed = result));
    await clock.advance(9_990);
    expect(closed).toBeUndefined();
    await clock.advance(20);
    expect(closed).toEqual({ code: 1006, reason: '', timedOut: true });
    expect(server.last.controls.filter((type) => type !== 'KeepAlive')).toEqual(['CloseStream']);
    expect(server.sockets).toHaveLength(1);
  });
});

describe('a drop while the results of CloseStream are awaited', () => {
  it.each([1006, 1011, 1012, 1013])('%i: reconnects, replays from the end of the last final, and finishes', async (code) => {
    const { connection, clock, server, log } = await openConnection();
    await sendAudio(connection, 3);
    server.last.final(0, 1);
    let closed: unknown;
    void connection.closeStream(10_000, true).then((result) => (closed = result));
    await clock.advance(100);
    server.last.drop(code);
    await clock.until(() => server.sockets.length === 2 && server.last.controls.includes('CloseStream'), 5000);
    expect(log).toContain(`reconnecting 1: the connection dropped (code ${code})`);
    expect(server.last.audioSeconds).toBe(2); // from 1 s (the last final) to the end
    server.last.final(0, 2);
    server.last.metadata();
    server.last.drop(1000);
    await clock.advance(10);
    expect(closed).toEqual({ code: 1000, reason: '', timedOut: false });
  });

  it('after the closing Metadata, a drop is the end', async () => {
    const { connection, clock, server } = await openConnection();
    await sendAudio(connection, 2);
    let closed: unknown;
    void connection.closeStream(10_000, true).then((result) => (closed = result));
    await clock.advance(100);
    server.last.final(0, 1.5);
    server.last.metadata();
    server.last.drop(1011);
    await clock.advance(100);
    expect(closed).toEqual({ code: 1011, reason: '', timedOut: false });
    expect(server.sockets).toHaveLength(1);
  });

  it('after the closing Metadata, a server that holds the socket open is not waited on for the 10 s close timeout', async () => {
    const { connection, clock, server } = await openConnection();
    await sendAudio(connection, 2);
    const closing = connection.closeStream(10_000, true);
    await clock.advance(100);
    server.last.final(0, 2);
    server.last.metadata();
    await clock.advance(1100);
    expect(await closing).toEqual({ code: 1006, reason: '', timedOut: false });
    expect(connection.finished).toBe(true);
    expect(server.sockets).toHaveLength(1);
  });

  it('a Metadata before CloseStream (a server mistake) does not make a later drop the end: the rest is replayed', async () => {
    const { connection, clock, server } = await openConnection();
    server.last.metadata();
    await sendAudio(connection, 3);
    server.last.final(0, 1);
    const closing = connection.closeStream(10_000, true);
    await clock.advance(100);
    server.last.drop(1006);
    await clock.until(() => server.sockets.length === 2 && server.last.controls.includes('CloseStream'), 5000);
    expect(server.last.audioSeconds).toBe(2);
    expect(connection.finished).toBe(false);
    server.last.final(0, 2);
    server.last.metadata();
    server.last.drop(1000);
    await clock.advance(10);
    expect(await closing).toEqual({ code: 1000, reason: '', timedOut: false });
    expect(connection.finished).toBe(true);
  });
});

describe('the replay after a reconnection is paced', () => {
  async function dropWithBacklog(paceSpeed: number, live = false) {
    const opened = await openConnection({ paceSpeed, live });
    await sendAudio(opened.connection, 8);
    opened.server.last.final(0, 0); // nothing confirmed: all 8 s go again
    opened.server.last.drop(1011);
    await opened.clock.until(() => opened.server.sockets.length === 2 && opened.server.last.readyState === 1, 1000);
    return opened;
  }

  it('a file at --speed 1.25: the backlog goes out at 1.25x, not in a burst', async () => {
    const { clock, server, connection } = await dropWithBacklog(1.25);
    const started = clock.now();
    const seen: number[] = [];
    while (server.last.audioSeconds < 8) {
      await clock.advance(100);
      seen.push(server.last.audioSeconds);
      expect(server.last.audioSeconds).toBeLessThanOrEqual((1.25 * (clock.now() - started)) / 1000 + 0.05 + 1e-9);
    }
    expect(clock.now() - started).toBeGreaterThanOrEqual(6300); // 8 s / 1.25
    expect(seen.length).toBeLessThan(70);
    connection.abort();
  });

  it('--speed max: the replay goes out at once', async () => {
    const { clock, server, connection } = await dropWithBacklog(Number.POSITIVE_INFINITY);
    await clock.advance(10);
    expect(server.last.audioSeconds).toBe(8);
    connection.abort();
  });

  it('a live source: paced at 1.25x while its new audio is taken without waiting', async () => {
    const { clock, server, connection } = await dropWithBacklog(1.25, true);
    await clock.advance(1000);
    expect(server.last.audioSeconds).toBeLessThanOrEqual(1.3);
    expect(connection.send(Buffer.alloc(1600))).toBeUndefined();
    connection.abort();
  });
});

describe('a stall', () => {
  it('is reported as a stall, not as a dropped connection', async () => {
    const { connection, clock, server, log } = await openConnection();
    await clock.advance(100);
    await sendAudio(connection, 1);
    await clock.until(() => server.sockets.length === 2, 20_000);
    expect(log).toContain('reconnecting 1: no answer from Deepgram for 15 s');
    expect(log.join('\n')).not.toMatch(/1006/);
    connection.abort();
  });
});

describe('a server that accepts every connection and never answers', () => {
  it('is given up on within --reconnect-timeout of the last final, with few connections', async () => {
    const { connection, clock, server, failure } = await openConnection({ reconnectTimeoutMs: 3000 });
    await sendAudio(connection, 2);
    void connection.closeStream(10_000, true);
    const took = await clock.until(() => failure() !== undefined, 120_000);
    expect(failure()).toMatch(/^could not reconnect to Deepgram within 3 s \(no answer to CloseStream within 10 s\) \(exit 5\)$/);
    expect(server.sockets.length).toBeLessThanOrEqual(2);
    expect(took).toBeLessThan(25_000);
  });

  it('with the default budget: a handful of connections, then a clear failure', async () => {
    const { connection, clock, server, failure } = await openConnection();
    await clock.advance(100);
    await sendAudio(connection, 2);
    await clock.until(() => failure() !== undefined, 300_000);
    expect(failure()).toMatch(/^Deepgram accepted 5 connections in a row and transcribed nothing \(no answer from Deepgram for 15 s\) \(exit 5\)$/);
    expect(server.sockets).toHaveLength(5);
  });

  it('one interrupt while closing: no new connection, done within the 1.5 s grace', async () => {
    const { connection, clock, server } = await openConnection();
    await sendAudio(connection, 2);
    let closed: unknown;
    void connection.closeStream(10_000, true).then((result) => (closed = result));
    await clock.advance(10_500); // no answer to the first CloseStream: the second connection is closing
    expect(server.sockets).toHaveLength(2);
    await clock.advance(2000);
    connection.interrupt(1500);
    await clock.advance(1490);
    expect(closed).toBeUndefined();
    await clock.advance(20);
    expect(closed).toMatchObject({ timedOut: true });
    await clock.advance(60_000);
    expect(server.sockets).toHaveLength(2);
  });
});

describe('an interrupt while reconnecting', () => {
  it('closeStream stops waiting within the grace, and no new attempt starts', async () => {
    const server = new FakeDeepgram();
    server.onConnect = (socket) => setImmediate(() => (socket.index === 0 ? socket.accept() : socket.refuse()));
    const { connection, clock } = await openConnection({}, server);
    await sendAudio(connection, 2);
    server.last.drop(1011);
    await clock.advance(2000);
    const attempts = server.sockets.length;
    connection.interrupt(1500);
    let closed: unknown;
    void connection.closeStream(10_000, true).then((result) => (closed = result));
    await clock.advance(1600);
    expect(closed).toEqual({ code: 1006, reason: 'still reconnecting', timedOut: true });
    await clock.advance(30_000);
    expect(server.sockets.length).toBeLessThanOrEqual(attempts + 1);
  });
});

describe('a server that closes every connection right after the handshake', () => {
  it('is not stormed: backoff grows across cycles, and a few unproductive connections end it', async () => {
    const server = new FakeDeepgram();
    server.onConnect = (socket) =>
      setImmediate(() => {
        socket.accept();
        if (socket.index > 0) setImmediate(() => socket.drop(1011));
      });
    const { connection, clock, failure } = await openConnection({ reconnectTimeoutMs: 60_000 }, server);
    await sendAudio(connection, 1);
    server.last.drop(1011);
    await clock.until(() => failure() !== undefined, 60_000);
    expect(server.sockets.length).toBeLessThanOrEqual(5);
    expect(failure()).toMatch(/^Deepgram accepted 5 connections in a row and transcribed nothing/);
    expect(clock.now()).toBeGreaterThan(3000); // 0, 0.5, 1, 2 s between them
  });

  it('so does a connection that lived 30 s (no final: a quiet live source)', async () => {
    const { connection, clock, server, log, failure } = await openConnection({ live: true });
    const interims = clock.every(1000, () => server.last.say({ ...finalResults(0, 1, 'word'), is_final: false }));
    for (let i = 0; i < 6; i++) {
      await clock.advance(30_000);
      server.last.drop(1011);
      await clock.until(() => server.last.readyState === 1 && server.sockets.length === i + 2, 1000);
    }
    expect(failure()).toBeUndefined();
    expect(log.filter((line) => line.startsWith('reconnecting'))).toEqual(Array(6).fill('reconnecting 1: the connection dropped (code 1011)'));
    interims();
    connection.abort();
  });

  it('a connection that delivered a final starts the backoff over', async () => {
    const { connection, clock, server, log } = await openConnection();
    await sendAudio(connection, 1);
    for (let i = 0; i < 6; i++) {
      server.last.final(0, 0.1 * (i + 1));
      server.last.drop(1011);
      await clock.until(() => server.last.readyState === 1 && server.sockets.length === i + 2, 1000);
    }
    expect(log.filter((line) => line.startsWith('reconnecting'))).toEqual(Array(6).fill('reconnecting 1: the connection dropped (code 1011)'));
    connection.abort();
  });
});

describe('a file whose server never sends finals', () => {
  it('sends Finalize when the replay buffer stays full and fails (exit 5) when no final comes', async () => {
    const { connection, clock, server, failure } = await openConnection({ bufferSeconds: 2 });
    const interims = clock.every(1000, () => server.last.say({ ...finalResults(0, 1, 'word'), is_final: false }));
    void sendAudio(connection, 5);
    await clock.advance(100);
    expect(server.last.audioSeconds).toBe(2);
    expect(server.last.controls).not.toContain('Finalize'); // a final may still come on its own
    await clock.advance(5000);
    expect(server.last.controls).toContain('Finalize');
    await clock.advance(14_000);
    expect(failure()).toBeUndefined();
    await clock.advance(1500);
    expect(failure()).toBe('Deepgram sent no final transcript for 2 s of audio, nor within 15 s of a Finalize (exit 5)');
    interims();
  });

  it('a final after the Finalize frees the buffer and the file goes on', async () => {
    const { connection, clock, server, failure } = await openConnection({ bufferSeconds: 2 });
    let done = false;
    void sendAudio(connection, 3).then(() => (done = true));
    await clock.advance(6000);
    expect(server.last.controls).toContain('Finalize');
    server.last.final(0, 1.5);
    await clock.advance(5000);
    expect({ done, failure: failure(), sent: server.last.audioSeconds }).toEqual({ done: true, failure: undefined, sent: 3 });
    connection.abort();
  });

  it('finals that come on their own (a file at --speed max keeps the buffer full): no Finalize', async () => {
    const { connection, clock, server, failure } = await openConnection({ bufferSeconds: 2 });
    let done = false;
    void sendAudio(connection, 10).then(() => (done = true));
    for (let end = 1; !done; end += 1) {
      await clock.advance(2000);
      server.last.final(0, end);
    }
    expect({ failure: failure(), finalize: server.last.controls.includes('Finalize') }).toEqual({ failure: undefined, finalize: false });
    connection.abort();
  });
});
