import { describe, expect, it } from 'vitest';
import { expectedTurns, scriptFromText, type ScriptWord } from '../support/deepgram-server/index.js';
import { connectFlux, FLUX, sendAndSync, summary, turnEvents, turnInfos } from './flux-client.js';
import { LINEAR16, serverPerTest, silence, wavHeader, type Message } from './live-client.js';

const start = serverPerTest();

// Hello, 0.5-0.9 | world. 0.9-1.3 | (1.5 s pause) | Bye 2.8-3.2 | now. 3.2-3.6
const TWO_SENTENCES = scriptFromText('Hello, world. Bye now.', { pauseAfterSentenceSec: 1.5 });

/** Sends `seconds` of audio, then ForceEndTurn, and waits for its answer (or the sync point when nothing answers). */
async function run(client: Awaited<ReturnType<typeof connectFlux>>, seconds: number, frameBytes?: number): Promise<Message[]> {
  client.sendAudio(seconds, frameBytes);
  await sendAndSync(client, { type: 'ForceEndTurn' });
  return client.messages;
}

describe('Flux messages from the word script', () => {
  it('sends Connected first, then TurnInfo with sequence_id counting every message', async () => {
    const dg = await start({ script: TWO_SENTENCES });
    const client = await connectFlux(dg);
    const messages = await run(client, 1);
    expect(messages[0]).toEqual({ type: 'Connected', request_id: dg.connections[0]?.requestId, sequence_id: 0 });
    expect(messages.map((m) => m.sequence_id)).toEqual(messages.map((_, i) => i));
    expect(new Set(messages.map((m) => m.request_id))).toEqual(new Set([dg.connections[0]?.requestId]));
  });

  it('runs the turns of a two-sentence script: StartOfTurn, EndOfTurn (model) 0.3 s after the sentence, turn_index counting', async () => {
    const dg = await start({ script: TWO_SENTENCES });
    const client = await connectFlux(dg);
    await run(client, 5);
    expect(turnEvents(client.messages).map(summary)).toEqual([
      'StartOfTurn 0 0-0.9 "Hello,"',
      'EndOfTurn 0 0-1.6 "Hello, world." model',
      'StartOfTurn 1 1.6-3.2 "Bye"',
      'EndOfTurn 1 1.6-3.9 "Bye now." model',
    ]);
    expect(expectedTurns(TWO_SENTENCES).map((t) => [t.text, t.start, t.end, t.trigger])).toEqual([
      ['Hello, world.', 0.5, 1.3, 'model'],
      ['Bye now.', 2.8, 3.6, 'model'],
    ]);
  });

  it('sends the fields of the specification, trigger on EndOfTurn only, words with times', async () => {
    const dg = await start({ script: TWO_SENTENCES });
    const client = await connectFlux(dg);
    await run(client, 2);
    const end = turnEvents(client.messages).find((m) => m.event === 'EndOfTurn');
    expect(end).toEqual({
      type: 'TurnInfo',
      request_id: dg.connections[0]?.requestId,
      sequence_id: end.sequence_id,
      event: 'EndOfTurn',
      turn_index: 0,
      audio_window_start: 0,
      audio_window_end: 1.6,
      transcript: 'Hello, world.',
      words: [
        { word: 'Hello,', confidence: 0.99, start: 0.5, end: 0.9 },
        { word: 'world.', confidence: 0.99, start: 0.9, end: 1.3 },
      ],
      end_of_turn_confidence: 0.7,
      trigger: 'model',
    });
    for (const info of turnInfos(client.messages).filter((m) => m.event !== 'EndOfTurn')) expect(Object.keys(info)).not.toContain('trigger');
  });

  it('sends an Update every 0.25 s of audio with the words heard so far (empty between turns), whatever the frame size', async () => {
    const dg = await start({ script: TWO_SENTENCES });
    const client = await connectFlux(dg);
    await run(client, 2, 1234);
    const updates = turnInfos(client.messages).filter((m) => m.event === 'Update');
    expect(updates.map((m) => `${m.audio_window_end} ${m.turn_index} "${m.transcript}"`)).toEqual([
      '0.25 0 ""',
      '0.5 0 ""',
      '0.75 0 ""',
      '1 0 "Hello,"',
      '1.25 0 "Hello,"',
      '1.5 0 "Hello, world."',
      '1.75 1 ""',
      '2 1 ""',
    ]);
    expect(updates.every((m) => m.end_of_turn_confidence === 0.1)).toBe(true);
    const in100ms = await connectFlux(dg);
    await run(in100ms, 2);
    expect(in100ms.messages.slice(1).map(summary)).toEqual(client.messages.slice(1).map(summary));
  });

  it('eager end of turn: EagerEndOfTurn, then TurnResumed when speech comes back within the eot delay', async () => {
    // Well, 0.5-0.9 | (0.25 s) I 1.15-1.55 | think 1.55-1.95 | so. 1.95-2.35 | (0.2 s) Right. 2.55-2.95
    const script = [...scriptFromText('Well,'), ...scriptFromText('I think so.', { startAt: 1.15 }), ...scriptFromText('Right.', { startAt: 2.55 })];
    const dg = await start({ script });
    const client = await connectFlux(dg, `${FLUX}&eager_eot_threshold=0.5`);
    await run(client, 4);
    expect(turnEvents(client.messages).map(summary)).toEqual([
      'StartOfTurn 0 0-0.9 "Well,"',
      'EagerEndOfTurn 0 0-1 "Well,"', // 0.1 s after a comma: eager, never a model end
      'TurnResumed 0 0-1.55 "Well, I"',
      'EagerEndOfTurn 0 0-2.45 "Well, I think so."',
      'TurnResumed 0 0-2.95 "Well, I think so. Right."', // "Right." started before the 0.3 s eot delay ran out
      'EagerEndOfTurn 0 0-3.05 "Well, I think so. Right."',
      'EndOfTurn 0 0-3.25 "Well, I think so. Right." model',
    ]);
    expect(turnEvents(client.messages).find((m) => m.event === 'EagerEndOfTurn').end_of_turn_confidence).toBe(0.5);
    expect(expectedTurns(script, { eagerEotThreshold: 0.5 }).map((t) => t.text)).toEqual(['Well, I think so. Right.']);
  });

  it('ends a turn without punctuation after eot_timeout_ms of silence (trigger timeout)', async () => {
    const script = scriptFromText('Hello there'); // 0.5-1.3
    const dg = await start({ script });
    const client = await connectFlux(dg, `${FLUX}&eot_timeout_ms=1000`);
    await run(client, 3);
    expect(turnEvents(client.messages).map(summary)).toEqual(['StartOfTurn 0 0-0.9 "Hello"', 'EndOfTurn 0 0-2.3 "Hello there" timeout']);
    expect(turnEvents(client.messages).at(-1).end_of_turn_confidence).toBe(0.1);
  });

  it('never ends a turn by the model with eot_threshold=1.0: the timeout does', async () => {
    const dg = await start({ script: TWO_SENTENCES });
    const client = await connectFlux(dg, `${FLUX}&eot_threshold=1.0&eot_timeout_ms=1000`);
    await run(client, 5);
    expect(turnEvents(client.messages).map(summary)).toEqual([
      'StartOfTurn 0 0-0.9 "Hello,"',
      'EndOfTurn 0 0-2.3 "Hello, world." timeout',
      'StartOfTurn 1 2.3-3.2 "Bye"',
      'EndOfTurn 1 2.3-4.6 "Bye now." timeout',
    ]);
    expect(expectedTurns(TWO_SENTENCES, { eotThreshold: 1, eotTimeoutMs: 1000 }).map((t) => `${t.text} ${t.trigger}`)).toEqual([
      'Hello, world. timeout',
      'Bye now. timeout',
    ]);
  });

  it('wordTimes false: words carry only word and confidence', async () => {
    const dg = await start({ script: TWO_SENTENCES, flux: { wordTimes: false } });
    const client = await connectFlux(dg);
    await run(client, 2);
    expect(turnEvents(client.messages)[1].words).toEqual([
      { word: 'Hello,', confidence: 0.99 },
      { word: 'world.', confidence: 0.99 },
    ]);
  });

  it('emptyEndOfTurn: EndOfTurn has no transcript and no words; expectedTurns falls back to the last non-empty transcript', async () => {
    const dg = await start({ script: TWO_SENTENCES, flux: { emptyEndOfTurn: true } });
    const client = await connectFlux(dg);
    await run(client, 2);
    const end = turnEvents(client.messages).find((m) => m.event === 'EndOfTurn');
    expect([end.transcript, end.words, end.trigger]).toEqual(['', [], 'model']);
    expect(expectedTurns(TWO_SENTENCES, { emptyEndOfTurn: true }).map((t) => t.text)).toEqual(['Hello, world.', 'Bye now.']);
  });

  it('flux-general-multi: languages of the words on every TurnInfo, and the hints', async () => {
    const script: ScriptWord[] = [
      { text: 'Hello,', start: 0.5, end: 0.9 },
      { text: 'Guten', start: 0.9, end: 1.3, language: 'de' },
      { text: 'Tag.', start: 1.3, end: 1.7, language: 'de' },
    ];
    const dg = await start({ script });
    const client = await connectFlux(dg, `model=flux-general-multi&${LINEAR16}&language_hint=de&language_hint=en`);
    await run(client, 2.5);
    const infos = turnInfos(client.messages);
    expect(infos.map((m) => `${m.event} ${m.languages.join(',')}`).filter((line) => !line.startsWith('Update'))).toEqual(['StartOfTurn en', 'EndOfTurn en,de']);
    expect(infos[0]).toMatchObject({ event: 'Update', languages: [], languages_hinted: ['de', 'en'] });
  });

  it('reads the WAV header in container mode (no encoding)', async () => {
    const dg = await start({ script: TWO_SENTENCES });
    const client = await connectFlux(dg, 'model=flux-general-en');
    client.sendBytes(Buffer.concat([wavHeader(16000, 1, 64000), silence(2)]));
    await sendAndSync(client, { type: 'ForceEndTurn' });
    expect(turnEvents(client.messages).map(summary)).toEqual(['StartOfTurn 0 0-0.9 "Hello,"', 'EndOfTurn 0 0-1.6 "Hello, world." model']);
  });
});
