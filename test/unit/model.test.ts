import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLiveV1, type DeepgramResults } from '../../src/deepgram/live-v1.js';
import { MAX_UTTERANCE_CHARS, TranscriptModel, type TranscriptEvent } from '../../src/transcript/model.js';
import { hear } from './transcript-helpers.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/deepgram/${name}.json`, import.meta.url), 'utf8');

/** A Results message in the shape of the real fixtures. */
function results(text: string, o: { start?: number; isFinal?: boolean; speechFinal?: boolean; channel?: number } = {}): string {
  const words = text
    .split(' ')
    .filter(Boolean)
    .map((punctuated, i) => ({
      word: punctuated.toLowerCase().replace(/[^a-z']/g, ''),
      start: (o.start ?? 0) + i * 0.5,
      end: (o.start ?? 0) + i * 0.5 + 0.4,
      confidence: 0.9,
      punctuated_word: punctuated,
    }));
  const message: DeepgramResults = {
    type: 'Results',
    channel_index: [o.channel ?? 0, 1],
    start: o.start ?? 0,
    duration: 1,
    is_final: o.isFinal ?? false,
    speech_final: o.speechFinal ?? false,
    channel: { alternatives: [{ transcript: text, confidence: 0.9, words }] },
    metadata: { request_id: 'r', model_info: { name: 'general-nova-3', version: '1', arch: 'nova-3' }, model_uuid: 'u' },
  };
  return JSON.stringify(message);
}
const utteranceEnd = (lastWordEnd: number) => JSON.stringify({ type: 'UtteranceEnd', channel: [0, 1], last_word_end: lastWordEnd });

/** Text view of model output: `~text` for an interim, `=text` for a finished utterance. */
function run(messages: string[], flush = false): string[] {
  const model = new TranscriptModel();
  const events: TranscriptEvent[] = messages.flatMap((text) => hear(model, text));
  if (flush) events.push(...model.flush());
  return events.map((event) =>
    event.type === 'interim' ? `~${event.text}` : event.type === 'final' ? `=${event.utterance.text}` : `turn ${event.turn.phase}`,
  );
}

describe('TranscriptModel', () => {
  it.each<[string, string[], string[], boolean?]>([
    ['interim then speech_final', [results('Hello'), results('Hello world.', { isFinal: true, speechFinal: true })], ['~Hello', '=Hello world.']],
    [
      'several finals make one utterance',
      [results('One two', { isFinal: true }), results('three.', { start: 2, isFinal: true, speechFinal: true })],
      ['~One two', '=One two three.'],
    ],
    ['interim after a final shows both', [results('One two', { isFinal: true }), results('three', { start: 2 })], ['~One two', '~One two three']],
    ['UtteranceEnd ends the utterance', [results('No pause here', { isFinal: true }), utteranceEnd(1.4)], ['~No pause here', '=No pause here']],
    ['UtteranceEnd with nothing pending prints nothing', [utteranceEnd(-1)], []],
    ['empty finals print nothing', [results('', { isFinal: true, speechFinal: true }), results('', { isFinal: true })], []],
    ['identical interims are not repeated', [results('Hi'), results('Hi')], ['~Hi']],
    [
      'end of stream flushes finals, drops interims',
      [results('Kept', { isFinal: true }), results('unconfirmed', { start: 1 })],
      ['~Kept', '~Kept unconfirmed', '=Kept'],
      true,
    ],
    ['unknown and malformed messages are ignored', ['not json', '{"type":"Warning"}', '[1,2]'], []],
    [
      'real fixtures',
      [fixture('live-results-interim-words'), fixture('live-results-final-speech-final')],
      ['~This is the', '=This is the Oh, no. I meant all then.'],
    ],
    [
      'real empty fixtures',
      [
        fixture('live-results-interim-empty'),
        fixture('live-results-empty-final'),
        fixture('live-utterance-end'),
        fixture('live-speech-started'),
        fixture('live-metadata-full'),
      ],
      [],
    ],
  ])('%s', (_name, messages, expected, flush) => {
    expect(run(messages, flush)).toEqual(expected);
  });

  it('puts times on the session timeline, with an offset', () => {
    const model = new TranscriptModel(10);
    const [event] = hear(model, results('Hello there.', { start: 2, isFinal: true, speechFinal: true }));
    expect(event).toEqual({
      type: 'final',
      utterance: {
        text: 'Hello there.',
        start: 12,
        end: 12.9,
        channel: 0,
        confidence: 0.9,
        words: [
          { text: 'Hello', start: 12, end: 12.4, confidence: 0.9 },
          { text: 'there.', start: 12.5, end: 12.9, confidence: 0.9 },
        ],
      },
    });
  });

  it('keeps channels apart', () => {
    expect(run([results('Left', { isFinal: true }), results('Right', { isFinal: true, speechFinal: true, channel: 1 })], true)).toEqual([
      '~Left',
      '=Right',
      '=Left',
    ]);
  });

  it('an utterance that never ends (finals, no speech_final nor UtteranceEnd) is cut at MAX_UTTERANCE_CHARS, at linear cost', () => {
    // A hostile server's flood: 12,000 finals of one word. Joining every final again per message was quadratic (a hang).
    const model = new TranscriptModel();
    const finals = Array.from({ length: 12_000 }, (_, i) => parseLiveV1(results(`w${i}`, { start: i, isFinal: true })));
    const started = performance.now();
    const events = finals.flatMap((heard) => heard.flatMap((one) => model.apply(one))).concat(model.flush());
    const elapsed = performance.now() - started;
    const lines = events.flatMap((event) => (event.type === 'final' ? [event.utterance.text] : []));
    expect(lines.join(' ')).toBe(finals.map((_, i) => `w${i}`).join(' ')); // every word, once, in order
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThan(MAX_UTTERANCE_CHARS + 10);
    expect(lines.length).toBeGreaterThan(5);
    expect(elapsed).toBeLessThan(2000);
  });
});
