import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_WORDS_PER_TURN, parseFlux } from '../../src/deepgram/flux.js';
import { TranscriptModel, type TranscriptEvent } from '../../src/transcript/model.js';
import { controlCharacters } from '../support/control-chars.js';

/** A TurnInfo in the shape of Deepgram's specification (asyncapi.yml, listen v2). */
function turnInfo(
  event: string,
  transcript: string,
  o: { index?: number; start?: number; end?: number; trigger?: string; times?: boolean; eot?: number } = {},
): string {
  const start = o.start ?? 0;
  const words = transcript
    .split(' ')
    .filter(Boolean)
    .map((word, i) => ({ word, confidence: 0.9, ...(o.times === false ? {} : { start: start + i * 0.5, end: start + i * 0.5 + 0.4 }) }));
  return JSON.stringify({
    type: 'TurnInfo',
    request_id: 'r',
    sequence_id: 1,
    event,
    turn_index: o.index ?? 0,
    audio_window_start: start,
    audio_window_end: o.end ?? start + Math.max(1, words.length * 0.5),
    transcript,
    words,
    end_of_turn_confidence: o.eot ?? 0.1,
    ...(o.trigger ? { trigger: o.trigger } : {}),
  });
}

const verdict = (text: string): string => {
  const [first] = parseFlux(text);
  return first === undefined ? 'nothing' : first.kind === 'unknown' ? first.reason : first.kind;
};

describe('parseFlux: validates /v2/listen messages at the edge', () => {
  it.each<[string, string]>([
    ['flux-connected', ''],
    ['flux-turn-start', 'turn start 0 "Hello" 0-0.96'],
    ['flux-turn-update', 'turn update 0 "Hello, how are" 0-1.2'],
    ['flux-turn-update-no-times', 'turn update 0 "Hello, how are you" 0-1.44'],
    ['flux-turn-eager', 'turn eager-end 0 "Hello, how are you?" 0-1.68'],
    ['flux-turn-resumed', 'turn resumed 0 "Hello, how are you?" 0-1.92'],
    ['flux-turn-end', 'turn end 0 "Hello, how are you today?" 0-2.64 model, confirmed 2.64'],
    ['flux-turn-end-empty', 'turn end 1 "" 2.64-7.68 timeout, confirmed 7.68'],
    ['flux-turn-end-multi', 'turn end 2 "Guten Morgen." 7.68-9.6 manual de, confirmed 9.6'],
    ['flux-configure-success', ''],
    ['flux-error', 'failure INTERNAL_SERVER_ERROR: An internal error occurred.'],
  ])('the fixture %s', (name, expected) => {
    const heard = parseFlux(readFileSync(new URL(`../fixtures/deepgram/${name}.json`, import.meta.url), 'utf8'));
    const shown = heard.map((one) => {
      if (one.kind === 'turn')
        return `turn ${one.phase} ${one.index} "${one.text}" ${one.start}-${one.end}${one.trigger ? ` ${one.trigger}` : ''}${one.languages ? ` ${one.languages.join('+')}` : ''}`;
      if (one.kind === 'confirmed') return `confirmed ${one.until}`;
      if (one.kind === 'failure') return `failure ${one.code}: ${one.description}`;
      return one.kind;
    });
    expect(shown.join(', ')).toBe(expected);
  });

  it.each<[string, string, string]>([
    ['Connected is news to no one', '{"type":"Connected","request_id":"r","sequence_id":0}', 'nothing'],
    ['an Update', turnInfo('Update', 'hello'), 'turn'],
    ['an EndOfTurn', turnInfo('EndOfTurn', 'hello', { trigger: 'model' }), 'turn'],
    ['ConfigureSuccess', '{"type":"ConfigureSuccess","request_id":"r","thresholds":{},"keyterms":[],"sequence_id":2}', 'nothing'],
    ['ConfigureFailure', '{"type":"ConfigureFailure","request_id":"r","sequence_id":2}', 'Deepgram refused a Configure'],
    ['Error', '{"type":"Error","sequence_id":3,"code":"INTERNAL","description":"boom"}', 'failure'],
    ['not JSON', 'nope', 'not JSON'],
    ['an unknown type', '{"type":"Surprise"}', 'unknown type'],
    ['an unknown event', turnInfo('Surprise', 'hi'), 'TurnInfo with an unknown event'],
    ['a negative window', turnInfo('Update', 'hi', { start: -1 }), 'TurnInfo with audio_window_start not a time >= 0'],
    ['a window ending before it starts', turnInfo('Update', 'hi', { start: 5, end: 2 }), 'TurnInfo with audio_window_end before audio_window_start'],
    ['a confidence of 2', turnInfo('EndOfTurn', 'hi', { eot: 2 }), 'TurnInfo with end_of_turn_confidence not between 0 and 1'],
  ])('%s', (_name, text, expected) => {
    expect(verdict(text)).toBe(expected);
  });

  it('an EndOfTurn is a turn in our terms, then the audio it settles; strings sanitized, a new trigger passed on', () => {
    const text = turnInfo('EndOfTurn', 'Hi\u001b]52;c;eA==\u0007 there.', { index: 2, start: 1, trigger: 'silence-\u001b[2Jlater', eot: 0.9 });
    expect(parseFlux(text)).toEqual([
      {
        kind: 'turn',
        phase: 'end',
        index: 2,
        start: 1,
        end: 2,
        text: 'Hi]52;c;eA== there.',
        words: [
          { text: 'Hi]52;c;eA==', confidence: 0.9, start: 1, end: 1.4 },
          { text: 'there.', confidence: 0.9, start: 1.5, end: 1.9 },
        ],
        endConfidence: 0.9,
        trigger: 'silence-[2Jlater',
      },
      { kind: 'confirmed', until: 2 },
    ]);
  });

  it('words without times share the audio window evenly', () => {
    const [turn] = parseFlux(turnInfo('Update', 'one two three four', { start: 2, end: 4, times: false }));
    expect(turn?.kind === 'turn' && turn.words.map((word) => [word.start, word.end])).toEqual([
      [2, 2.5],
      [2.5, 3],
      [3, 3.5],
      [3.5, 4],
    ]);
  });

  it('a turn with more words than any turn holds is refused by its count; an Error is short and clean', () => {
    const words = Array.from({ length: MAX_WORDS_PER_TURN + 1 }, () => ({ word: 'x', confidence: 1 }));
    const text = JSON.stringify({ type: 'TurnInfo', event: 'Update', audio_window_start: 0, audio_window_end: 1, transcript: '', words });
    expect(verdict(text)).toBe(`TurnInfo with ${MAX_WORDS_PER_TURN + 1} words (at most ${MAX_WORDS_PER_TURN})`);
    const [failure] = parseFlux(JSON.stringify({ type: 'Error', code: '\u001b[31mX', description: 'y'.repeat(1000) }));
    expect(failure?.kind === 'failure' && [failure.code, failure.description.length, controlCharacters(failure.description)]).toEqual(['[31mX', 201, []]);
  });
});

/** Model output as text: `~` interim (`~?` tentative), `=` final with its times, `#` turn news. */
function run(texts: string[], flush = false, model = new TranscriptModel()): string[] {
  const events: TranscriptEvent[] = texts.flatMap((text) => parseFlux(text).flatMap((heard) => model.apply(heard)));
  if (flush) events.push(...model.flush());
  return events.map((event) => {
    if (event.type === 'interim') return `~${event.tentative ? '?' : ''}${event.text}`;
    if (event.type === 'final') return `=${event.utterance.text} ${event.utterance.start}-${event.utterance.end}`;
    const { phase, index, trigger } = event.turn;
    return `#${phase} ${index}${trigger ? ` ${trigger}` : ''}`;
  });
}

describe('TranscriptModel: one line per Flux turn', () => {
  it.each<[string, string[], string[], boolean?]>([
    [
      'updates drive the interim line; the end prints the turn once',
      [
        turnInfo('StartOfTurn', 'Hello'),
        turnInfo('Update', 'Hello'),
        turnInfo('Update', 'Hello there.'),
        turnInfo('EndOfTurn', 'Hello there.', { trigger: 'model' }),
      ],
      ['#start 0', '~Hello', '~Hello there.', '=Hello there. 0-0.9', '#end 0 model'],
    ],
    [
      'an empty EndOfTurn (seen in the field) keeps the last non-empty Update',
      [turnInfo('StartOfTurn', ''), turnInfo('Update', 'Keep me.'), turnInfo('Update', ''), turnInfo('EndOfTurn', '', { trigger: 'timeout' })],
      ['#start 0', '~Keep me.', '=Keep me. 0-0.9', '#end 0 timeout'],
    ],
    [
      'an eager end shows the text as tentative; TurnResumed takes it back',
      [
        turnInfo('StartOfTurn', 'So,'),
        turnInfo('EagerEndOfTurn', 'So,'),
        turnInfo('TurnResumed', 'So,'),
        turnInfo('Update', 'So, what now?'),
        turnInfo('EndOfTurn', 'So, what now?', { trigger: 'model' }),
      ],
      ['#start 0', '~So,', '#eager-end 0', '~?So,', '#resumed 0', '~So,', '~So, what now?', '=So, what now? 0-1.4', '#end 0 model'],
    ],
    [
      'turns are counted over the session, and each one is its own line',
      [
        turnInfo('StartOfTurn', 'One.'),
        turnInfo('EndOfTurn', 'One.'),
        turnInfo('StartOfTurn', 'Two.', { start: 3 }),
        turnInfo('EndOfTurn', 'Two.', { start: 3 }),
      ],
      ['#start 0', '~One.', '=One. 0-0.4', '#end 0', '#start 1', '~Two.', '=Two. 3-3.4', '#end 1'],
    ],
    [
      'the stream ends inside a turn (CloseStream does not end it): its last text is kept',
      [turnInfo('StartOfTurn', ''), turnInfo('Update', 'Almost done')],
      ['#start 0', '~Almost done', '=Almost done 0-0.9'],
      true,
    ],
    ['a turn that said nothing prints nothing', [turnInfo('StartOfTurn', ''), turnInfo('EndOfTurn', '')], ['#start 0', '#end 0'], true],
  ])('%s', (_name, texts, expected, flush) => {
    expect(run(texts, flush)).toEqual(expected);
  });

  it('puts turns on the session timeline; a reconnection forgets the unsettled turn (its audio is replayed)', () => {
    const model = new TranscriptModel(10);
    expect(run([turnInfo('StartOfTurn', 'Lost'), turnInfo('Update', 'Lost words')], false, model)).toEqual(['#start 0', '~Lost', '~Lost words']);
    model.setOffset(20);
    expect(run([turnInfo('StartOfTurn', 'Heard again.', { start: 1 }), turnInfo('EndOfTurn', 'Heard again.', { start: 1 })], true, model)).toEqual([
      '#start 0',
      '~Heard again.',
      '=Heard again. 21-21.9',
      '#end 0',
    ]);
  });
});
