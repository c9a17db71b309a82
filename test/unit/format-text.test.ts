import { describe, expect, it } from 'vitest';
import { parseNameMap } from '../../src/settings/parsers.js';
import { textLines, type TextOptions } from '../../src/transcript/format-text.js';
import type { Utterance } from '../../src/transcript/model.js';
import { formatLocalClock, formatTimecode, formatUtcClock } from '../../src/transcript/timecode.js';
import { fixture, said, utterancesOf } from './transcript-helpers.js';

describe('formatTimecode', () => {
  it.each<[number, '.' | ',' | undefined, string]>([
    [0, undefined, '00:00:00.000'],
    [72.48, undefined, '00:01:12.480'],
    [72.48, ',', '00:01:12,480'],
    [14.639999, undefined, '00:00:14.640'],
    [3599.9996, undefined, '01:00:00.000'],
    [45296.789, ',', '12:34:56,789'],
    [360_000.5, undefined, '100:00:00.500'],
    [-0.2, undefined, '00:00:00.000'],
    [Number.NaN, undefined, '00:00:00.000'],
  ])('%s (%s) -> %s', (seconds, separator, expected) => {
    expect(formatTimecode(seconds, separator)).toBe(expected);
  });
});

describe('clock formatters', () => {
  it('local time is what Date#getHours shows, whatever the zone', () => {
    expect(formatLocalClock(new Date(2025, 0, 2, 14, 3, 55, 999))).toBe('14:03:55');
    expect(formatLocalClock(new Date(2025, 0, 2, 9, 5, 7))).toBe('09:05:07');
  });
  it('UTC', () => {
    expect(formatUtcClock(new Date('2025-03-04T23:59:59.999Z'))).toBe('23:59:59');
  });
});

describe('parseNameMap', () => {
  it.each<[string, [number, string][]]>([
    [
      '0=Ana,1=Bo',
      [
        [0, 'Ana'],
        [1, 'Bo'],
      ],
    ],
    [
      ' 1 = Bo Smith , 0=Ana ',
      [
        [1, 'Bo Smith'],
        [0, 'Ana'],
      ],
    ],
    ['0=Ana,', [[0, 'Ana']]],
    ['2=a=b', [[2, 'a=b']]],
    ['10=Desk', [[10, 'Desk']]],
  ])('%j', (spec, entries) => {
    expect([...parseNameMap(spec)]).toEqual(entries);
  });

  it.each<[string, RegExp]>([
    ['', /no names given/],
    [' , ', /no names given/],
    ['Ana', /"Ana" has no "="/],
    ['0=Ana,Bo', /"Bo" has no "="/],
    ['x=Ana', /"x" is not a speaker or channel number/],
    ['-1=Ana', /"-1" is not a speaker or channel number/],
    ['1.5=Ana', /"1.5" is not/],
    ['0=', /"0=" has no name/],
    ['0=  ,1=Bo', /"0=" has no name/],
    ['0=Ana,0=Bo', /0 is named twice \("Ana" and "Bo"\)/],
    ['99999999999999999999=Ana', /too large/],
  ])('rejects %j', (spec, reason) => {
    expect(() => parseNameMap(spec)).toThrow(reason);
  });
});

const startedAt = new Date('2025-03-04T14:03:50.000Z');
const names = parseNameMap('0=Ana,1=Bo');
const channelNames = parseNameMap('0=Agent,1=Caller');
/** Words 0.5 s apart: `said` puts word i at start + i/2. */
const dialogue = said('[0] Hello there. [1] Hi, Ana. [0] How are you?', { start: 1 });

describe('textLines', () => {
  it.each<[string, Utterance, TextOptions, string[]]>([
    ['plain: the utterance text', said('Hello world.'), {}, ['Hello world.']],
    [
      "plain uses Deepgram's transcript, not the words",
      {
        text: 'It costs $5.',
        start: 1,
        end: 2,
        channel: 0,
        confidence: 0.9,
        words: [
          { text: 'It', start: 1, end: 1.2, confidence: 0.9 },
          { text: 'costs', start: 1.2, end: 1.5, confidence: 0.9 },
          { text: '$5', start: 1.5, end: 2, confidence: 0.9 },
        ],
      },
      {},
      ['It costs $5.'],
    ],
    ['offset timestamp', said('Hello world.', { start: 72.48 }), { timestamps: { kind: 'offset' } }, ['[00:01:12.480] Hello world.']],
    [
      'wall timestamp: start + offset',
      said('Hello world.', { start: 5.2 }),
      { timestamps: { kind: 'wall', startedAt, formatClock: formatUtcClock } },
      ['[14:03:55] Hello world.'],
    ],
    [
      'wall timestamp past midnight',
      said('Late.', { start: 3600 * 10 }),
      { timestamps: { kind: 'wall', startedAt, formatClock: formatUtcClock } },
      ['[00:03:50] Late.'],
    ],
    ['diarized: split at each speaker change', dialogue, { diarize: true }, ['Speaker 0: Hello there.', 'Speaker 1: Hi, Ana.', 'Speaker 0: How are you?']],
    ['diarized with names', dialogue, { diarize: true, speakers: names }, ['Ana: Hello there.', 'Bo: Hi, Ana.', 'Ana: How are you?']],
    // The settings turn diarize on with the names (src/settings/resolve.ts); the formatter reads diarize alone.
    ['names without diarize: plain', dialogue, { speakers: names }, ['Hello there. Hi, Ana. How are you?']],
    ['unnamed speaker falls back to its number', said('[2] Who, me?'), { diarize: true, speakers: names }, ['Speaker 2: Who, me?']],
    [
      'each line stamped with its first word',
      dialogue,
      { diarize: true, speakers: names, timestamps: { kind: 'offset' } },
      ['[00:00:01.000] Ana: Hello there.', '[00:00:02.000] Bo: Hi, Ana.', '[00:00:03.000] Ana: How are you?'],
    ],
    ['one speaker: one line', said('[1] Just me here.'), { diarize: true }, ['Speaker 1: Just me here.']],
    ['words without speaker join the turn around them', said('Well [1] I think [0] so.'), { diarize: true }, ['Speaker 1: Well I think', 'Speaker 0: so.']],
    ['diarize asked but no speakers sent: plain', said('No labels.'), { diarize: true }, ['No labels.']],
    ['speakers sent but diarize off: one plain line', dialogue, {}, ['Hello there. Hi, Ana. How are you?']],
    ['multichannel: channel 0', said('Hello.', { channel: 0, channels: 2 }), { multichannel: true }, ['[ch0] Hello.']],
    ['multichannel: channel 1', said('Hi.', { channel: 1, channels: 2 }), { multichannel: true }, ['[ch1] Hi.']],
    ['channel names', said('Hi.', { channel: 1, channels: 2 }), { multichannel: true, channelNames }, ['[Caller] Hi.']],
    [
      'all together: [timestamp] [channel] Speaker: text',
      said('[0] Hello. [1] Hi.', { channel: 0, channels: 2, start: 3661.5 }),
      { multichannel: true, channelNames, diarize: true, speakers: names, timestamps: { kind: 'offset' } },
      ['[01:01:01.500] [Agent] Ana: Hello.', '[01:01:02.000] [Agent] Bo: Hi.'],
    ],
    ['empty utterance: no line', { text: ' ', start: 0, end: 0, channel: 0, confidence: 0, words: [] }, { diarize: true }, []],
  ])('%s', (_name, utterance, options, expected) => {
    expect(textLines(utterance, options)).toEqual(expected);
  });

  it('real fixture through the model, with offset timestamps', () => {
    const [utterance] = utterancesOf([fixture('live-results-final-speech-final')]);
    expect(textLines(utterance!, { timestamps: { kind: 'offset' } })).toEqual(['[00:00:14.080] This is the Oh, no. I meant all then.']);
  });

  it('wall time in the local zone, deterministic under any TZ', () => {
    const localStart = new Date(2025, 5, 1, 14, 3, 50);
    expect(textLines(said('Hi.', { start: 5.9 }), { timestamps: { kind: 'wall', startedAt: localStart } })).toEqual(['[14:03:55] Hi.']);
  });
});
