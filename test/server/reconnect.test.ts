import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { scriptFromText, type ScriptWord } from '../support/deepgram-server/index.js';
import { BYTES_PER_SECOND, connect, expectRefusal, finals, LINEAR16, listenUrl, type Message, serverPerTest } from './live-client.js';

const start = serverPerTest();

// One 0.5-0.9 two 0.9-1.3 three. 1.3-1.7 | Four 2.7-3.1 five 3.1-3.5 six. 3.5-3.9 | Seven 4.9-5.3 eight 5.3-5.7 nine. 5.7-6.1
const SCRIPT = scriptFromText('One two three. Four five six. Seven eight nine.');
const WORDS = SCRIPT.map((word) => word.text);
/** 8 s of noise: every 3200-byte stretch of it is unique, as real speech audio is. */
const REFERENCE = randomBytes(8 * BYTES_PER_SECOND);
const QUERY = `${LINEAR16}&interim_results=true&smart_format=true`;

interface HeardWord {
  text: string;
  start: number;
  end: number;
}

/** The words of every final, with times moved onto the session timeline by `offsetSec`. */
function finalWords(messages: Message[], offsetSec = 0): HeardWord[] {
  return finals(messages).flatMap((m) =>
    (m.channel.alternatives[0].words as Message[]).map((w) => ({ text: w.punctuated_word ?? w.word, start: w.start + offsetSec, end: w.end + offsetSec })),
  );
}

/** Whole 16-bit samples: where a client replays from. */
const bytesAt = (seconds: number): number => Math.round((seconds * BYTES_PER_SECOND) / 2) * 2;

function expectOnTimeline(heard: HeardWord[], script: ScriptWord[]): void {
  expect(heard.map((w) => w.text)).toEqual(script.map((w) => w.text));
  heard.forEach((word, i) => {
    expect(word.start).toBeCloseTo((script[i] as ScriptWord).start, 5);
    expect(word.end).toBeCloseTo((script[i] as ScriptWord).end, 5);
  });
}

describe('reference: a reconnecting client replays audio and hears each word once', () => {
  it('connection 2 starts where its audio is in the reference, with times relative to itself', async () => {
    const dg = await start({ script: SCRIPT, reference: REFERENCE, faults: [{ dropAfterBytes: { bytes: 3 * BYTES_PER_SECOND, code: 1011 } }] });

    const first = await connect(dg, QUERY);
    first.sendBytes(REFERENCE.subarray(0, 3 * BYTES_PER_SECOND));
    expect((await first.closed).code).toBe(1011);
    const heard1 = finalWords(first.messages);
    expect(heard1.map((w) => w.text)).toEqual(['One', 'two', 'three.']);
    expect((await dg.waitForClose(0)).referenceOffset).toBe(0);

    // Replay from the end of the last final word, in whole samples, to the end.
    const replayFrom = bytesAt(heard1.at(-1)?.end ?? 0);
    const offsetSec = replayFrom / BYTES_PER_SECOND;
    const second = await connect(dg, QUERY);
    second.sendBytes(REFERENCE.subarray(replayFrom), 1000); // small frames: the probe spans several
    await second.closeStream();

    const log = await dg.waitForClose(1);
    expect(log.referenceOffset).toBe(replayFrom);
    expect(log.referenceOffsetSeconds).toBeCloseTo(offsetSec, 9);
    expect(log.referenceFound).toBe(true);
    const own = finalWords(second.messages);
    expect(own[0]?.start).toBeCloseTo(2.7 - offsetSec, 5); // relative to connection 2
    expectOnTimeline([...heard1, ...finalWords(second.messages, offsetSec)], SCRIPT);
    expect([...heard1, ...own].map((w) => w.text)).toEqual(WORDS);
    // Every message is on the new connection's timeline: nothing starts before its audio or after it.
    const lastResult = finals(second.messages).at(-1);
    expect(lastResult.start + lastResult.duration).toBeCloseTo((REFERENCE.length - replayFrom) / BYTES_PER_SECOND, 5);
  });

  it('a word cut by the replay start is not heard; the next ones are', async () => {
    const dg = await start({ script: SCRIPT, reference: REFERENCE });
    const replayFrom = bytesAt(2.9); // inside "Four" (2.7-3.1)
    const client = await connect(dg, QUERY);
    client.sendBytes(REFERENCE.subarray(replayFrom));
    await client.closeStream();
    expect(finalWords(client.messages).map((w) => w.text)).toEqual(['five', 'six.', 'Seven', 'eight', 'nine.']);
    expect(finalWords(client.messages, 2.9)[0]?.start).toBeCloseTo(3.1, 5);
  });

  it('a stream shorter than the probe is located by all its bytes (at CloseStream)', async () => {
    const dg = await start({ script: SCRIPT, reference: REFERENCE });
    const replayFrom = bytesAt(1.0);
    const client = await connect(dg, QUERY);
    client.sendBytes(REFERENCE.subarray(replayFrom, replayFrom + 3000)); // < 3200 bytes
    await client.closeStream();
    expect((await dg.waitForClose(0)).referenceOffset).toBe(replayFrom);
  });

  it('audio that is not in the reference is heard from 0 and logged as not found', async () => {
    const dg = await start({ script: SCRIPT, reference: REFERENCE });
    const client = await connect(dg, QUERY);
    client.sendBytes(randomBytes(2 * BYTES_PER_SECOND));
    await client.closeStream();
    expect(await dg.waitForClose(0)).toMatchObject({ referenceOffset: 0, referenceFound: false });
    expect(finalWords(client.messages).map((w) => w.text)).toEqual(['One', 'two', 'three.']);
  });

  it('repeated content: the first match at or after the previous connection start wins', async () => {
    const block = randomBytes(BYTES_PER_SECOND);
    const reference = Buffer.concat([block, randomBytes(BYTES_PER_SECOND), block, randomBytes(BYTES_PER_SECOND)]);
    const dg = await start({ script: SCRIPT, reference });
    for (const from of [bytesAt(1.5), 2 * BYTES_PER_SECOND]) {
      const client = await connect(dg, QUERY);
      client.sendBytes(reference.subarray(from));
      await client.closeStream();
    }
    // Connection 2's block also occurs at 0, but that is before connection 1's start.
    expect(dg.connections.map((c) => c.referenceOffset)).toEqual([bytesAt(1.5), 2 * BYTES_PER_SECOND]);
  });

  it('without a reference every connection hears the script from its own 0, as before', async () => {
    const dg = await start({ script: SCRIPT });
    for (let i = 0; i < 2; i++) {
      const client = await connect(dg, QUERY);
      client.sendBytes(REFERENCE.subarray(bytesAt(1.7), bytesAt(1.7) + 2 * BYTES_PER_SECOND));
      await client.closeStream();
      expect(finalWords(client.messages).map((w) => w.text)).toEqual(['One', 'two', 'three.']);
    }
    expect(dg.connections.map((c) => c.referenceOffset)).toEqual([undefined, undefined]);
  });

  it('faults apply per attempt across reconnects: drop, refused handshake, then a clean session', async () => {
    const dg = await start({
      script: SCRIPT,
      reference: REFERENCE,
      faults: [{ dropAfterBytes: { bytes: 64_000, code: 1011 } }, { reject: { status: 429 } }, {}],
    });
    const first = await connect(dg, QUERY);
    first.sendBytes(REFERENCE);
    expect((await first.closed).code).toBe(1011);
    const heard1 = finalWords(first.messages);
    expect(heard1.map((w) => w.text)).toEqual(['One', 'two', 'three.']);

    expect((await expectRefusal(listenUrl(dg, QUERY))).status).toBe(429);

    const replayFrom = bytesAt(heard1.at(-1)?.end ?? 0);
    const third = await connect(dg, QUERY);
    third.sendBytes(REFERENCE.subarray(replayFrom));
    expect((await third.closeStream()).code).toBe(1000);
    expect([...heard1, ...finalWords(third.messages)].map((w) => w.text)).toEqual(WORDS);
    expect(dg.connections.map((c) => [c.rejectedWith, c.closeCode, c.referenceOffset])).toEqual([
      [undefined, 1011, 0],
      [429, undefined, undefined],
      [undefined, 1000, replayFrom],
    ]);
  });
});

describe('keepAudio: false', () => {
  it('keeps no audio but still hashes it and locates the reference', async () => {
    const dg = await start({ script: SCRIPT, reference: REFERENCE, keepAudio: false });
    const client = await connect(dg, QUERY);
    const sent = REFERENCE.subarray(bytesAt(1.7));
    client.sendBytes(sent, 777);
    await client.closeStream();
    const log = await dg.waitForClose(0);
    expect(log.sha256).toBe(createHash('sha256').update(sent).digest('hex'));
    expect(log.audioBytes).toBe(sent.length);
    expect(log.referenceOffset).toBe(bytesAt(1.7));
    expect(() => log.audio).toThrow(/keepAudio/);
    expect(finalWords(client.messages).map((w) => w.text)).toEqual(WORDS.slice(3));
  });
});

describe('goAway / comeBack', () => {
  /** Resolves with the error code of a connection attempt that fails before the handshake. */
  const failedConnect = (url: string): Promise<string | undefined> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers: { Authorization: 'Token test-key' } });
      ws.on('open', () => reject(new Error('connected')));
      ws.on('error', (error: NodeJS.ErrnoException) => resolve(error.code));
    });

  it('drops open connections abruptly, refuses new ones, then listens again on the same port', async () => {
    const dg = await start({ script: SCRIPT });
    const { port, url } = dg;
    const open = await connect(dg, QUERY);
    open.sendAudio(1);
    await open.waitFor((m) => m.type === 'Results');

    await dg.goAway();
    expect((await open.closed).code).toBe(1006);
    expect(await dg.waitForClose(0)).toMatchObject({ closedBy: 'server', closeCode: 1006 });
    expect(await failedConnect(listenUrl(dg, QUERY))).toBe('ECONNREFUSED');
    expect(dg.connections).toHaveLength(1);

    await dg.comeBack();
    expect([dg.port, dg.url]).toEqual([port, url]);
    const again = await connect(dg, QUERY);
    again.sendAudio(2);
    expect((await again.closeStream()).code).toBe(1000);
    expect(finalWords(again.messages).map((w) => w.text)).toEqual(['One', 'two', 'three.']);
    expect(dg.connections).toHaveLength(2);
  });

  it('can go away and come back repeatedly, and close() works while away', async () => {
    const dg = await start();
    for (let i = 0; i < 3; i++) {
      await dg.goAway();
      await dg.comeBack();
    }
    const client = await connect(dg);
    await dg.goAway();
    expect((await client.closed).code).toBe(1006);
    await dg.close();
  });
});
