import { describe, expect, it } from 'vitest';
import { MAX_WORDS_PER_RESULTS, parseLiveV1 } from '../../src/deepgram/live-v1.js';
import type { Heard } from '../../src/transcript/heard.js';
import { sanitizeServerText, serverSnippet } from '../../src/deepgram/sanitize.js';
import { TranscriptModel } from '../../src/transcript/model.js';
import { controlCharacters } from '../support/control-chars.js';
import { fixture, hear } from './transcript-helpers.js';

describe('sanitizeServerText', () => {
  it.each<[string, string, string]>([
    ['plain text is kept', 'Hello, world.', 'Hello, world.'],
    ['unicode is kept', 'Grüße — 東京 🎉', 'Grüße — 東京 🎉'],
    ['tab is kept', 'a\tb', 'a\tb'],
    ['ESC of a CSI clear screen', 'a\u001b[2Jb', 'a[2Jb'],
    ['OSC 52 clipboard write ended by BEL', '\u001b]52;c;cm0gLXJmIH4=\u0007x', ']52;c;cm0gLXJmIH4=x'],
    ['OSC 0 title ended by ST', '\u001b]0;pwned\u001b\\ok', ']0;pwned\\ok'],
    ['C1 CSI (U+009B)', 'a\u009b2Jb', 'a2Jb'],
    ['C1 OSC and ST (U+009D, U+009C)', '\u009d52;c;x\u009cy', '52;c;xy'],
    ['NUL, BEL, backspace, DEL', 'a\u0000b\u0007c\u0008d\u007fe', 'abcde'],
    ['line breaks become one space each', 'one\ntwo\r\nthree\rfour', 'one two three four'],
    ['vertical tab and form feed go', 'a\u000bb\u000cc', 'abc'],
    ['U+00A0 (not a control) is kept', 'a\u00a0b', 'a\u00a0b'],
  ])('%s', (_name, input, expected) => {
    expect(sanitizeServerText(input)).toBe(expected);
  });

  it('serverSnippet cuts long text after sanitizing', () => {
    expect(serverSnippet('\u001b'.repeat(10) + 'x'.repeat(300), 5)).toBe('xxxxx…');
  });
});

const results = (fields: Record<string, unknown> = {}, alternative: Record<string, unknown> = {}): string =>
  JSON.stringify({
    type: 'Results',
    channel_index: [0, 1],
    start: 1,
    duration: 1,
    is_final: true,
    speech_final: true,
    channel: {
      alternatives: [
        { transcript: 'Hi there.', confidence: 0.9, words: [{ word: 'hi', start: 1, end: 1.2, confidence: 0.9, punctuated_word: 'Hi' }], ...alternative },
      ],
    },
    ...fields,
  });

/** `ok` for a known kind, else the reason of an ignored message. */
function verdict(heard: Heard[]): string {
  const message = heard[0]!;
  return message.kind === 'unknown' ? message.reason : 'ok';
}

describe('parseLiveV1: validates at the edge', () => {
  it.each<[string, string, string]>([
    ['a real Results', fixture('live-results-final-speech-final'), 'ok'],
    ['real UtteranceEnd', fixture('live-utterance-end'), 'ok'],
    ['real SpeechStarted', fixture('live-speech-started'), 'ok'],
    ['real Metadata', fixture('live-metadata-full'), 'ok'],
    ['real Metadata without audio', fixture('live-metadata-no-audio'), 'ok'],
    ['not JSON', 'not json {', 'not JSON'],
    ['a JSON array', '[1,2]', 'not a JSON object'],
    ['null', 'null', 'not a JSON object'],
    ['an unknown type', '{"type":"Warning"}', 'unknown type'],
    ['Results without channel', results({ channel: undefined }), 'Results with channel.alternatives missing'],
    ['Results with channel_index missing', results({ channel_index: undefined }), 'Results with channel_index missing'],
    ['Results with a channel past any count', results({ channel_index: [5000, 1] }), 'Results with channel_index[0] not a whole number from 0 to 1024'],
    ['Results with a fractional channel', results({ channel_index: [0.5, 1] }), 'Results with channel_index[0] not a whole number from 0 to 1024'],
    ['Results with a negative start', results({ start: -1 }), 'Results with start not a time >= 0'],
    ['Results with an infinite duration (1e999)', results().replace('"duration":1', '"duration":1e999'), 'Results with duration not a time >= 0'],
    ['Results with a string start', results({ start: 'NaN' }), 'Results with start not a time >= 0'],
    ['Results with a null time (NaN once serialized)', results({ duration: Number.NaN }), 'Results with duration not a time >= 0'],
    ['Results with is_final a string', results({ is_final: 'yes' }), 'Results with is_final not true or false'],
    ['Results without is_final', results({ is_final: undefined }), 'Results with is_final not true or false'],
    ['Results with a transcript that is a number', results({}, { transcript: 5 }), 'Results with transcript not a string'],
    ['Results with words an object', results({}, { words: {} }), 'Results with words not an array'],
    ['Results with a word without end', results({}, { words: [{ word: 'a', start: 1, confidence: 1 }] }), 'Results with words[0].end not a time >= 0'],
    [
      'Results with a word ending before it starts',
      results({}, { words: [{ word: 'a', start: 2, end: 1, confidence: 1 }] }),
      'Results with words[0] ending before it starts',
    ],
    ['Results with a word not a string', results({}, { words: [{ word: null, start: 1, end: 2, confidence: 1 }] }), 'Results with words[0].word not a string'],
    [
      'Results with a negative speaker',
      results({}, { words: [{ word: 'a', start: 1, end: 2, confidence: 1, speaker: -1 }] }),
      'Results with words[0].speaker not a whole number from 0 to 9007199254740991',
    ],
    ['Results with confidence 7', results({}, { confidence: 7 }), 'Results with confidence not between 0 and 1'],
    [
      'Results with too many words',
      results({}, { words: Array.from({ length: MAX_WORDS_PER_RESULTS + 1 }, () => ({})) }),
      `Results with ${MAX_WORDS_PER_RESULTS + 1} words (at most ${MAX_WORDS_PER_RESULTS})`,
    ],
    ['Results with no alternative', results({ channel: { alternatives: [] } }), 'ok'],
    ['UtteranceEnd with channel missing', '{"type":"UtteranceEnd","last_word_end":1}', 'UtteranceEnd with channel missing'],
    ['UtteranceEnd with last_word_end -1', '{"type":"UtteranceEnd","channel":[0,1],"last_word_end":-1}', 'ok'],
    ['UtteranceEnd with last_word_end -2', '{"type":"UtteranceEnd","channel":[0,1],"last_word_end":-2}', 'UtteranceEnd with last_word_end not a time >= 0'],
    ['SpeechStarted without timestamp', '{"type":"SpeechStarted","channel":[0,1]}', 'SpeechStarted with timestamp not a time >= 0'],
    ['Metadata without duration', '{"type":"Metadata","request_id":"r","channels":1}', 'Metadata with duration not a time >= 0'],
    ['Metadata without request_id', '{"type":"Metadata","duration":1,"channels":1}', 'Metadata with request_id not a string'],
    [
      'Metadata with channels -1',
      '{"type":"Metadata","request_id":"r","duration":1,"channels":-1}',
      'Metadata with channels not a whole number from 0 to 1024',
    ],
  ])('%s: %s', (_name, text, expected) => {
    expect(verdict(parseLiveV1(text))).toBe(expected);
  });

  it('a Results with a million words is refused by its count', () => {
    const text = results({}, { words: Array.from({ length: 1_000_000 }, () => 0) });
    expect(verdict(parseLiveV1(text))).toBe(`Results with 1000000 words (at most ${MAX_WORDS_PER_RESULTS})`);
  });

  it('produces our own events: only the first alternative, no extra fields, strings sanitized; a final confirms its audio', () => {
    const text = results(
      { extra: 1 },
      {
        transcript: 'Hi\u001b]52;c;eA==\u0007 there\u009b2J.',
        words: [{ word: 'hi\u001b[2J', start: 1, end: 1.2, confidence: 0.9, punctuated_word: 'Hi\u0007', x: 1 }],
      },
    );
    expect(parseLiveV1(text)).toEqual([
      {
        kind: 'words',
        channel: 0,
        final: true,
        endsUtterance: true,
        start: 1,
        end: 2,
        text: 'Hi]52;c;eA== there2J.',
        confidence: 0.9,
        words: [{ text: 'Hi', start: 1, end: 1.2, confidence: 0.9 }],
      },
      { kind: 'confirmed', until: 1.2 },
    ]);
  });

  it('the text of an ignored message is sanitized and short', () => {
    const [message] = parseLiveV1(`{"type":"\u001b]0;x\u0007Warning","pad":"${'y'.repeat(1000)}"}`);
    expect(message?.kind).toBe('unknown');
    if (message?.kind !== 'unknown') return;
    expect(controlCharacters(message.text)).toEqual([]);
    expect(message.text).not.toContain('\n');
    expect(message.text.length).toBeLessThanOrEqual(201);
  });

  it('the model takes every ignored message without throwing, and keeps the valid ones', () => {
    const model = new TranscriptModel();
    const texts = [
      results({ channel: undefined }),
      '{"type":"UtteranceEnd"}',
      '{"type":"Metadata"}',
      results({ start: -5 }),
      fixture('live-results-final-speech-final'),
    ];
    const events = texts.flatMap((text) => hear(model, text));
    expect(events.map((event) => (event.type === 'final' ? event.utterance.text : event.type === 'interim' ? `~${event.text}` : event.type))).toEqual([
      'This is the Oh, no. I meant all then.',
    ]);
  });
});
