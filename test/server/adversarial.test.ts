import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { parseLiveV1 } from '../../src/deepgram/live-v1.js';
import { Adversary, resolveAdversarial } from '../support/deepgram-server/adversarial.js';
import { BROKEN_MESSAGES, CLOSE, scriptFromText } from '../support/deepgram-server/index.js';
import { BYTES_PER_SECOND, connect, finals, LINEAR16, results, serverPerTest, transcriptOf, type Message } from './live-client.js';

const SCRIPT = scriptFromText('Hello world, this is a test. The quick brown fox jumps over the lazy dog.', { startAt: 0.3, wordSec: 0.3 });
const INTERIMS = `${LINEAR16}&interim_results=true&punctuate=true`;
const start = serverPerTest();

describe('adversarial profile: options', () => {
  it("profile 'adversarial' turns every behaviour on; each can be turned off or tuned alone", () => {
    expect(resolveAdversarial(undefined)).toEqual({ latency: null, revisions: false, paceLimit: null, brokenMessages: null, randomClose: null });
    const all = resolveAdversarial('adversarial');
    expect(all).toMatchObject({
      latency: { minMs: 200, maxMs: 900 },
      revisions: true,
      paceLimit: { speed: 1.25, aheadSec: 5 },
      brokenMessages: { rate: 0.3 },
      randomClose: { connections: 1 },
    });
    expect(resolveAdversarial('adversarial', { randomClose: false, latency: { maxMs: 300 } })).toMatchObject({
      randomClose: null,
      latency: { minMs: 200, maxMs: 300 },
    });
    expect(resolveAdversarial('faithful', { revisions: true })).toMatchObject({ revisions: true, latency: null });
  });

  it('every broken message is a known type that the client must ignore', () => {
    for (const text of BROKEN_MESSAGES) {
      expect(['Results', 'UtteranceEnd', 'SpeechStarted', 'Metadata']).toContain((JSON.parse(text) as { type: string }).type);
      expect(parseLiveV1(text)[0]?.kind, text).toBe('unknown');
    }
  });
});

describe('adversarial behaviours, one at a time', () => {
  it('latency: each Results comes 200-900 ms after the audio it covers, not at once', async () => {
    const dg = await start({ script: SCRIPT, adversarial: { latency: true } });
    const client = await connect(dg, INTERIMS);
    const sentAt = Date.now();
    client.sendAudio(6);
    await client.waitFor((m: Message) => m.type === 'Results' && m.is_final, 5000);
    await sleep(1000);
    const delays = client.messages.flatMap((message: Message, i: number) => (message.type === 'Results' ? [client.arrivals[i]! - sentAt] : []));
    expect(delays.length).toBeGreaterThan(3);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(195);
    expect(Math.max(...delays)).toBeLessThan(1100);
  });

  it('latency: the delays are seeded, spread over 200-900 ms, the same for the same seed', () => {
    const behaviours = resolveAdversarial('faithful', { latency: true });
    const delays = (seed: number) =>
      Array.from(
        { length: 200 },
        (
          (adversary) => () =>
            adversary.resultsDelayMs(0)
        )(new Adversary(behaviours, seed, 0, BYTES_PER_SECOND)),
      );
    const values = delays(5);
    expect(delays(5)).toEqual(values);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(200);
    expect(Math.max(...values)).toBeLessThanOrEqual(900);
    expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(500);
  });

  it('revisions: interims change earlier words (not only grow); finals have them right', async () => {
    const dg = await start({ script: SCRIPT, interimIntervalSec: 0.5, adversarial: { revisions: true } });
    const client = await connect(dg, INTERIMS);
    client.sendAudio(8);
    await client.closeStream();
    const finalText = finals(client.messages).map(transcriptOf).filter(Boolean).join(' ');
    expect(finalText).toBe(SCRIPT.map((word) => word.text).join(' '));
    const scriptWords = new Set(SCRIPT.map((word) => word.text));
    const interims = results(client.messages).filter((message: Message) => !message.is_final);
    const revised = interims.filter((message: Message) =>
      message.channel.alternatives[0].words.some((word: { punctuated_word: string }) => !scriptWords.has(word.punctuated_word)),
    );
    expect(revised.length).toBeGreaterThan(0);
    // The revised word is not the last: the interim is not a prefix of what the final says.
    for (const message of revised) expect(scriptWords.has(message.channel.alternatives[0].words.at(-1).punctuated_word)).toBe(true);
  });

  it('paceLimit: audio more than 5 s ahead of 1.25x real time is closed with 1008', async () => {
    const dg = await start({ script: SCRIPT, adversarial: { paceLimit: true } });
    const client = await connect(dg, INTERIMS);
    client.sendAudio(7);
    expect(await client.closed).toEqual({ code: 1008, reason: CLOSE.tooFast.reason });
    expect(dg.connections[0]).toMatchObject({ closedBy: 'server', closeCode: 1008 });
    expect(dg.connections[0]!.audioBytes).toBeLessThanOrEqual(5.2 * BYTES_PER_SECOND);
  });

  it('paceLimit: audio within the limit is transcribed as usual', async () => {
    const dg = await start({ script: SCRIPT, adversarial: { paceLimit: true } });
    const client = await connect(dg, INTERIMS);
    client.sendAudio(4.5);
    await sleep(1000);
    client.sendAudio(1.5);
    expect(await client.closeStream()).toEqual({ code: 1000, reason: '' });
  });

  it('brokenMessages: known types with fields missing come between the real ones, which all still come', async () => {
    const faithful = await start({ script: SCRIPT });
    const plain = await connect(faithful, INTERIMS);
    plain.sendAudio(8);
    await plain.closeStream();
    const dg = await start({ script: SCRIPT, adversarial: { brokenMessages: { rate: 1 } } });
    const client = await connect(dg, INTERIMS);
    client.sendAudio(8);
    await client.closeStream();
    const broken = new Set(BROKEN_MESSAGES);
    const real = client.messages.filter(
      (message: Message) =>
        !broken.has(JSON.stringify(message)) && !BROKEN_MESSAGES.some((text) => JSON.stringify(JSON.parse(text)) === JSON.stringify(message)),
    );
    expect(client.messages.length).toBe(real.length * 2);
    const strip = (message: Message) => ({ ...message, metadata: undefined, request_id: undefined, created: undefined });
    expect(real.map(strip)).toEqual(plain.messages.map(strip));
  });

  it('randomClose: the same seed closes at the same point; other seeds close elsewhere, abruptly or with 1011', async () => {
    const closeOf = async (seed: number) => {
      const dg = await start({ script: SCRIPT, seed, adversarial: { randomClose: { during: ['audio'] } } });
      const client = await connect(dg, INTERIMS);
      client.sendAudio(6);
      const close = await client.closed;
      const log = await dg.waitForClose(0);
      await dg.close();
      return { code: close.code, bytes: log.audioBytes };
    };
    const first = await closeOf(7);
    expect(await closeOf(7)).toEqual(first);
    const others = [];
    for (let seed = 1; seed <= 6; seed++) others.push(await closeOf(seed));
    expect(new Set(others.map((close) => close.bytes)).size).toBeGreaterThan(3);
    expect(new Set(others.map((close) => close.code))).toEqual(new Set([1006, 1011]));
    for (const close of others) expect(close.bytes).toBeLessThanOrEqual(5 * BYTES_PER_SECOND + 3200);
  });

  it('randomClose during CloseStream: some finals, then a close without Metadata', async () => {
    const seen = new Set<number>();
    for (let seed = 1; seed <= 8; seed++) {
      const dg = await start({ script: SCRIPT, seed, adversarial: { randomClose: { during: ['close-stream'] } } });
      const client = await connect(dg, INTERIMS);
      client.sendAudio(8);
      const close = await client.closeStream();
      expect([1006, 1011]).toContain(close.code);
      expect(client.messages.some((message: Message) => message.type === 'Metadata')).toBe(false);
      seen.add(close.code);
      await dg.close();
    }
    expect(seen).toEqual(new Set([1006, 1011]));
  });

  it('only the first `connections` connections are closed', async () => {
    const dg = await start({ script: SCRIPT, seed: 3, adversarial: { randomClose: { during: ['audio'], withinSec: 1 } } });
    const first = await connect(dg, INTERIMS);
    first.sendAudio(2);
    await first.closed;
    const second = await connect(dg, INTERIMS);
    second.sendAudio(2);
    expect(await second.closeStream()).toEqual({ code: 1000, reason: '' });
  });
});
