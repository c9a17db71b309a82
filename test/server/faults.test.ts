import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { CLOSE, scriptFromText } from '../support/deepgram-server/index.js';
import { connect, finals, LINEAR16, results, transcriptOf, serverPerTest } from './live-client.js';

const NET_0001 = 'Deepgram did not receive audio data or a text message within the timeout window. See https://dpgr.am/net0001';
const SCRIPT = scriptFromText('Hello world. Bye now.');
const INTERIMS = `${LINEAR16}&interim_results=true`;

const start = serverPerTest();

describe('idle timeout (NET-0001)', () => {
  it('sends Metadata then closes 1011 with the exact reason when nothing arrives', async () => {
    const dg = await start({ idleTimeoutMs: 150 });
    const client = await connect(dg);
    const close = await client.closed;
    expect(close).toEqual({ code: 1011, reason: NET_0001 });
    expect(CLOSE.idle.reason).toBe(NET_0001);
    expect(client.messages.map((m) => m.type)).toEqual(['Metadata']);
    expect(client.messages[0].models).toBeUndefined();
    expect(await dg.waitForClose(0)).toMatchObject({ closedBy: 'server', closeCode: 1011, closeReason: NET_0001 });
  });

  it('counts from the last frame of any kind: KeepAlive keeps the socket open', async () => {
    const dg = await start({ idleTimeoutMs: 300 });
    const client = await connect(dg);
    for (let i = 0; i < 5; i++) {
      await sleep(100);
      client.sendJson({ type: 'KeepAlive' });
    }
    expect(dg.connections[0]?.closedAt).toBeUndefined();
    const keptAliveUntil = Date.now();
    expect((await client.closed).code).toBe(1011);
    expect(Date.now() - keptAliveUntil).toBeGreaterThanOrEqual(250);
  });

  it('times out after audio too, and Metadata then reports the audio', async () => {
    const dg = await start({ idleTimeoutMs: 150 });
    const client = await connect(dg);
    client.sendAudio(0.5);
    expect((await client.closed).code).toBe(1011);
    expect(client.messages.at(-1)).toMatchObject({ type: 'Metadata', duration: 0.5 });
    expect(client.messages.at(-1).models).toHaveLength(1);
  });
});

describe('dropAfterBytes', () => {
  it('closes with the given code and reason once that much audio arrived', async () => {
    const dg = await start({ script: SCRIPT, faults: [{ dropAfterBytes: { bytes: 16_000, code: 1011, reason: 'boom' } }] });
    const client = await connect(dg, INTERIMS);
    client.sendAudio(2);
    expect(await client.closed).toEqual({ code: 1011, reason: 'boom' });
    expect(client.messages.some((m) => m.type === 'Metadata')).toBe(false);
    const log = await dg.waitForClose(0);
    expect(log).toMatchObject({ closedBy: 'server', closeCode: 1011, closeReason: 'boom', audioBytes: 16_000 });
  });

  it('defaults to 1011 NET-0000', async () => {
    const dg = await start({ faults: [{ dropAfterBytes: { bytes: 1 } }] });
    const client = await connect(dg);
    client.sendAudio(0.1);
    expect(await client.closed).toEqual(CLOSE.internal);
  });

  it('abrupt: destroys the TCP socket without a close frame (the client sees 1006)', async () => {
    const dg = await start({ faults: [{ dropAfterBytes: { bytes: 3200, abrupt: true } }] });
    const client = await connect(dg);
    client.sendAudio(1);
    expect((await client.closed).code).toBe(1006);
    expect(await dg.waitForClose(0)).toMatchObject({ closedBy: 'server', closeCode: 1006 });
  });

  it('applies to its connection only: the reconnect is a fresh session from 0 s', async () => {
    const dg = await start({ script: SCRIPT, faults: [{ dropAfterBytes: { bytes: 16_000, abrupt: true } }] });
    const first = await connect(dg);
    first.sendAudio(1);
    await first.closed;
    const second = await connect(dg);
    second.sendAudio(1.5);
    await second.closeStream();
    expect(finals(second.messages).map(transcriptOf)).toEqual(['hello world', '']);
    expect(dg.connections.map((c) => c.audioBytes)).toEqual([16_000, 48_000]);
  });
});

describe('stall', () => {
  it('afterBytes: keeps reading audio but sends nothing more, ignores CloseStream, never times out', async () => {
    const dg = await start({ script: SCRIPT, idleTimeoutMs: 100, faults: [{ stall: { afterBytes: 32_000 } }] });
    const client = await connect(dg, INTERIMS);
    client.sendAudio(1);
    await client.waitFor((m) => m.type === 'Results');
    client.sendAudio(2);
    client.sendJson({ type: 'CloseStream' });
    await sleep(300);

    expect(results(client.messages).map((m) => m.start + m.duration)).toEqual([1]);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    const log = dg.connections[0];
    expect(log?.audioBytes).toBe(96_000);
    expect(log?.textFrames).toEqual([{ type: 'CloseStream' }]);

    client.ws.close(1000);
    expect(await dg.waitForClose(0)).toMatchObject({ closedBy: 'client', closeCode: 1000 });
  });

  it('true: silent from the start', async () => {
    const dg = await start({ script: SCRIPT, idleTimeoutMs: 100, faults: [{ stall: true }] });
    const client = await connect(dg, INTERIMS);
    client.sendAudio(3);
    await sleep(250);
    expect(client.messages).toEqual([]);
    expect(dg.connections[0]?.sent).toEqual([]);
    client.ws.terminate();
  });
});

describe('garbage', () => {
  it('sends a non-JSON frame and an unknown message type before every real message', async () => {
    const dg = await start({ script: SCRIPT, faults: [{ garbage: true }] });
    const client = await connect(dg, LINEAR16);
    client.sendAudio(1.5);
    await client.closeStream();
    const shapes = client.messages.map((m) => (typeof m === 'string' ? m : m.type));
    expect(shapes).toEqual(['not json {', 'Warning', 'Results', 'not json {', 'Warning', 'Results', 'not json {', 'Warning', 'Metadata']);
    expect(dg.connections[0]?.sent.map((s) => s.message)).toEqual(client.messages);
  });
});

describe('responseDelayMs', () => {
  it('holds each Results back, keeping the order of everything after it', async () => {
    const dg = await start({ script: SCRIPT, responseDelayMs: 150 });
    const client = await connect(dg, `${LINEAR16}&endpointing=false`);
    client.sendAudio(1.5);
    const sentAt = Date.now();
    await client.closeStream();
    expect(client.messages.map((m) => m.type)).toEqual(['Results', 'Metadata']);
    expect((client.arrivals[0] ?? 0) - sentAt).toBeGreaterThanOrEqual(140);
    const log = await dg.waitForClose(0);
    expect((log.sent[0]?.at ?? 0) - (log.textFrameLog[0]?.at ?? 0)).toBeGreaterThanOrEqual(140);
  });
});

describe('connections', () => {
  it('a client that closes without CloseStream is logged as closed by the client', async () => {
    const dg = await start();
    const client = await connect(dg);
    client.sendAudio(0.2);
    client.ws.close(4000, 'bye');
    const log = await dg.waitForClose(0);
    expect(log).toMatchObject({ closedBy: 'client', closeCode: 4000, closeReason: 'bye' });
    expect(log.closedAt).toBeGreaterThanOrEqual(log.openedAt);
  });

  it('keeps one state and one log per connection, at the same time', async () => {
    const dg = await start({ script: SCRIPT });
    const [a, b] = await Promise.all([connect(dg, LINEAR16), connect(dg, `${LINEAR16}&smart_format=true`)]);
    a.sendAudio(1.5);
    b.sendAudio(3.5);
    await Promise.all([a.closeStream(), b.closeStream()]);
    expect(finals(a.messages).map(transcriptOf)).toEqual(['hello world', '']);
    expect(finals(b.messages).map(transcriptOf)).toEqual(['Hello world.', 'Bye now.', '']);
    const ids = dg.connections.map((c) => c.requestId);
    expect(new Set(ids).size).toBe(2);
    expect(a.messages[0].metadata.request_id).toBe(dg.connections.find((c) => c.audioBytes === 48_000)?.requestId);
  });

  it('waitForConnections and waitForClose time out with a clear error', async () => {
    const dg = await start();
    await expect(dg.waitForConnections(1, 50)).rejects.toThrow(/1 connection/);
    await expect(dg.waitForClose(0, 50)).rejects.toThrow(/connection 0 to close/);
  });

  it('close() terminates open sockets', async () => {
    const dg = await start();
    const client = await connect(dg);
    await dg.close();
    expect((await client.closed).code).toBe(1006);
  });
});
