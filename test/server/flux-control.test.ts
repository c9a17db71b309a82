import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { CLOSE, expectedTurns, FLUX_ERRORS, scriptFromText } from '../support/deepgram-server/index.js';
import { connectFlux, FLUX, sendAndSync, summary, turnEvents, turnInfos } from './flux-client.js';
import { BYTES_PER_SECOND, LINEAR16, serverPerTest } from './live-client.js';

const start = serverPerTest();

// Hello, 0.5-0.9 | world. 0.9-1.3 | (1.5 s pause) | Bye 2.8-3.2 | now. 3.2-3.6
const TWO_SENTENCES = scriptFromText('Hello, world. Bye now.', { pauseAfterSentenceSec: 1.5 });

describe('ForceEndTurn', () => {
  it('ends the active turn with trigger manual and the words heard so far; the next word starts a new turn', async () => {
    const dg = await start({ script: TWO_SENTENCES });
    const client = await connectFlux(dg);
    client.sendAudio(1);
    await sendAndSync(client, { type: 'ForceEndTurn' });
    client.sendAudio(1);
    await sendAndSync(client, { type: 'ForceEndTurn' });
    expect(turnEvents(client.messages).map(summary)).toEqual([
      'StartOfTurn 0 0-0.9 "Hello,"',
      'EndOfTurn 0 0-1 "Hello," manual',
      'StartOfTurn 1 1-1.3 "world."',
      'EndOfTurn 1 1-1.6 "world." model',
    ]);
  });

  it('is ignored when no turn is active', async () => {
    const dg = await start({ script: TWO_SENTENCES });
    const client = await connectFlux(dg);
    client.sendAudio(0.5);
    await sendAndSync(client, { type: 'ForceEndTurn' });
    expect(client.messages.map(summary)).toEqual(['Connected', 'Update 0 0-0.25 ""', 'Update 0 0-0.5 ""', 'ConfigureSuccess']);
  });

  it("gets no answer at all with forceEndTurn: 'ignore' (self-hosted)", async () => {
    const dg = await start({ script: TWO_SENTENCES, flux: { forceEndTurn: 'ignore' } });
    const client = await connectFlux(dg);
    client.sendAudio(1);
    await sendAndSync(client, { type: 'ForceEndTurn' });
    expect(turnEvents(client.messages).map(summary)).toEqual(['StartOfTurn 0 0-0.9 "Hello,"']);
    expect(expectedTurns(TWO_SENTENCES, { audioSec: 1, forceEndTurn: 'ignore' }).map((t) => `${t.text} ${t.trigger}`)).toEqual(['Hello, update']);
    expect(expectedTurns(TWO_SENTENCES, { audioSec: 1 }).map((t) => `${t.text} ${t.trigger}`)).toEqual(['Hello, manual']);
  });
});

describe('CloseStream and messages v2 does not have', () => {
  it('CloseStream: the server closes with no status code (1005) and does not end the active turn', async () => {
    const dg = await start({ script: TWO_SENTENCES });
    const client = await connectFlux(dg);
    client.sendAudio(1.5); // the Update at 1.5 holds "world." (heard at 1.3); EndOfTurn would come at 1.6
    expect(await client.closeStream()).toEqual({ code: 1005, reason: '' });
    expect(turnEvents(client.messages).map(summary)).toEqual(['StartOfTurn 0 0-0.9 "Hello,"']);
    expect(turnInfos(client.messages).at(-1)).toMatchObject({ event: 'Update', transcript: 'Hello, world.' });
    expect(await dg.waitForClose(0)).toMatchObject({ closedBy: 'server', closeCode: 1005 });
  });

  it.each(['KeepAlive', 'Finalize'])('%s: an Error message, then a close with no status code', async (type) => {
    const dg = await start({ script: TWO_SENTENCES });
    const client = await connectFlux(dg);
    client.sendJson({ type });
    expect(await client.closed).toEqual({ code: 1005, reason: '' });
    expect(client.messages.slice(1)).toEqual([{ type: 'Error', sequence_id: 1, ...FLUX_ERRORS.unknownType(type) }]);
    expect(FLUX_ERRORS.unknownType(type).code).toBe('UNKNOWN_MESSAGE_TYPE');
  });

  it('malformed JSON: an Error message, then close 1011', async () => {
    const dg = await start();
    const client = await connectFlux(dg);
    client.ws.send('{"type": ');
    expect(await client.closed).toEqual({ code: 1011, reason: FLUX_ERRORS.unparsable.description });
    expect(client.messages.slice(1)).toEqual([{ type: 'Error', sequence_id: 1, ...FLUX_ERRORS.unparsable }]);
  });

  it('closes after idleTimeoutMs without audio (1011, NET-0001); text frames do not count', async () => {
    const dg = await start({ idleTimeoutMs: 300 });
    const client = await connectFlux(dg);
    const opened = Date.now();
    const ticker = setInterval(() => client.sendJson({ type: 'Configure' }), 50);
    const closed = await client.closed;
    clearInterval(ticker);
    expect(closed).toEqual({ code: CLOSE.idle.code, reason: CLOSE.idle.reason });
    expect(Date.now() - opened).toBeLessThan(2000);
  });
});

describe('Configure', () => {
  it('answers ConfigureSuccess with the thresholds in force and the keyterms; later decisions use them', async () => {
    const dg = await start({ script: TWO_SENTENCES });
    const client = await connectFlux(dg, `${FLUX}&keyterm=Flux`);
    client.sendJson({ type: 'Configure', thresholds: { eot_threshold: 0.9, eager_eot_threshold: 0.5 }, keyterms: ['Deepgram'] });
    const answer = await client.waitFor((m) => m.type === 'ConfigureSuccess');
    expect(answer).toEqual({
      type: 'ConfigureSuccess',
      request_id: dg.connections[0]?.requestId,
      thresholds: { eot_threshold: 0.9, eager_eot_threshold: 0.5, eot_timeout_ms: 5000 },
      keyterms: ['Deepgram'],
      sequence_id: 1,
    });
    client.sendAudio(2.5);
    await sendAndSync(client, { type: 'ForceEndTurn' });
    // eager 0.1 s and eot 0.5 s after "world." (1.3)
    expect(turnEvents(client.messages).map(summary)).toEqual([
      'StartOfTurn 0 0-0.9 "Hello,"',
      'EagerEndOfTurn 0 0-1.4 "Hello, world."',
      'EndOfTurn 0 0-1.8 "Hello, world." model',
    ]);
  });

  it('a lower eot_threshold whose delay has already passed ends the turn at the next audio', async () => {
    const dg = await start({ script: TWO_SENTENCES });
    const client = await connectFlux(dg, `${FLUX}&eot_threshold=1.0`);
    client.sendAudio(2);
    await sendAndSync(client, { type: 'Configure', thresholds: { eot_threshold: 0.7 } });
    client.sendAudio(0.1);
    await sendAndSync(client, { type: 'ForceEndTurn' });
    expect(turnEvents(client.messages).map(summary)).toEqual(['StartOfTurn 0 0-0.9 "Hello,"', 'EndOfTurn 0 0-2 "Hello, world." model']);
  });

  it.each([
    [{ thresholds: { eot_threshold: 0.2 } }],
    [{ thresholds: { eager_eot_threshold: 0.95 } }],
    [{ thresholds: { eot_timeout_ms: 100 } }],
    [{ thresholds: { eot_threshold: '0.8' } }],
    [{ keyterms: 'Deepgram' }],
    [{ language_hints: ['de'] }], // only flux-general-multi
  ])('answers ConfigureFailure to %j and keeps the settings', async (change) => {
    const dg = await start();
    const client = await connectFlux(dg);
    client.sendJson({ type: 'Configure', ...change });
    expect(await client.waitFor((m) => m.type === 'ConfigureFailure')).toEqual({
      type: 'ConfigureFailure',
      request_id: dg.connections[0]?.requestId,
      sequence_id: 1,
    });
    client.sendJson({ type: 'Configure' });
    expect((await client.waitFor((m) => m.type === 'ConfigureSuccess')).thresholds).toEqual({ eot_threshold: 0.7, eot_timeout_ms: 5000 });
  });

  it('takes language_hints on flux-general-multi and echoes them', async () => {
    const dg = await start();
    const client = await connectFlux(dg, `model=flux-general-multi&${LINEAR16}`);
    client.sendJson({ type: 'Configure', language_hints: ['de', 'fr'] });
    expect(await client.waitFor((m) => m.type === 'ConfigureSuccess')).toMatchObject({ keyterms: [], language_hints: ['de', 'fr'] });
  });
});

describe('faults, stalls and reconnecting on v2', () => {
  it('stallAfterSec: no event after that much audio, no answer to ForceEndTurn, the socket stays open', async () => {
    const dg = await start({ script: TWO_SENTENCES, flux: { stallAfterSec: 1 }, idleTimeoutMs: 200 });
    const client = await connectFlux(dg);
    client.sendAudio(3);
    client.sendJson({ type: 'ForceEndTurn' });
    await new Promise((resolve) => setTimeout(resolve, 400)); // past the idle timeout: a stalled server does not close either
    expect(client.messages.map(summary)).toEqual([
      'Connected',
      'Update 0 0-0.25 ""',
      'Update 0 0-0.5 ""',
      'Update 0 0-0.75 ""',
      'StartOfTurn 0 0-0.9 "Hello,"',
      'Update 0 0-1 "Hello,"',
    ]);
    expect(dg.connections[0]?.closedAt).toBeUndefined();
    client.ws.close();
  });

  it('the stall fault sends Connected and then nothing; the garbage fault comes before every message', async () => {
    const dg = await start({ script: TWO_SENTENCES, faults: [{ stall: true }, { garbage: true }] });
    const stalled = await connectFlux(dg);
    stalled.sendAudio(2);
    const garbled = await connectFlux(dg);
    garbled.sendAudio(0.25);
    await garbled.waitFor((m) => m?.event === 'Update');
    expect(garbled.messages.map(summary)).toEqual(['not json {', 'Warning', 'Connected', 'not json {', 'Warning', 'Update 0 0-0.25 ""']);
    await vi.waitFor(() => expect(dg.connections[0]?.audioBytes).toBe(2 * BYTES_PER_SECOND));
    expect(stalled.messages.map(summary)).toEqual(['Connected']);
    stalled.ws.close();
  });

  it('dropAfterBytes and goAway close v2 connections like v1 ones', async () => {
    const dg = await start({ faults: [{ dropAfterBytes: { bytes: BYTES_PER_SECOND } }] });
    const first = await connectFlux(dg);
    first.sendAudio(2);
    expect(await first.closed).toEqual({ code: CLOSE.internal.code, reason: CLOSE.internal.reason });
    const second = await connectFlux(dg);
    await dg.goAway();
    expect((await second.closed).code).toBe(1006);
  });

  it('reference: a reconnecting client replaying from the end of the last EndOfTurn window hears the rest, times relative to the connection', async () => {
    const reference = randomBytes(5 * BYTES_PER_SECOND);
    const dg = await start({ script: TWO_SENTENCES, reference, faults: [{ dropAfterBytes: { bytes: 2 * BYTES_PER_SECOND, abrupt: true } }] });
    const first = await connectFlux(dg);
    first.sendBytes(reference.subarray(0, 2 * BYTES_PER_SECOND));
    expect((await first.closed).code).toBe(1006);
    const lastEnd = turnEvents(first.messages).findLast((m) => m.event === 'EndOfTurn');
    expect(summary(lastEnd)).toBe('EndOfTurn 0 0-1.6 "Hello, world." model');

    const replayFrom = lastEnd.audio_window_end * BYTES_PER_SECOND;
    const second = await connectFlux(dg);
    second.sendBytes(reference.subarray(replayFrom), 1000);
    await sendAndSync(second, { type: 'ForceEndTurn' });
    expect(dg.connections[1]).toMatchObject({ referenceOffset: replayFrom, referenceOffsetSeconds: 1.6, referenceFound: true });
    // Bye 2.8-3.2 now. 3.2-3.6 on the session timeline: 1.2-1.6 and 1.6-2.0 on the connection's.
    expect(turnEvents(second.messages).map(summary)).toEqual(['StartOfTurn 0 0-1.6 "Bye"', 'EndOfTurn 0 0-2.3 "Bye now." model']);
    expect(
      turnEvents(second.messages)
        .at(-1)
        .words.map((w: { start: number }) => w.start),
    ).toEqual([1.2, 1.6]);
  });
});
