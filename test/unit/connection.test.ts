import { describe, expect, it } from 'vitest';
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
