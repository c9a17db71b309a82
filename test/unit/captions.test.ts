import { describe, expect, it } from 'vitest';
import { buildCues, renderSrt, renderVtt, type CaptionOptions, type Cue } from '../../src/transcript/captions.js';
import { parseNameMap } from '../../src/settings/parsers.js';
import type { Utterance } from '../../src/transcript/model.js';
import { fixture, parseCaptions, preamble, said, utterancesOf } from './transcript-helpers.js';

const names = parseNameMap('0=Ana,1=Bo');
const channelNames = parseNameMap('0=Agent,1=Caller');
/** Words 0.5 s apart, each 0.4 s long (see `said`). */
const dialogue = said('[0] Hello there. [1] Hi, Ana. [0] How are you?', { start: 10 });
/** `w01 w02 ...`: n words of 6 characters (`word01`), `step` seconds apart, 0.2 s long. */
const numbered = (n: number, step = 0.25) =>
  said(Array.from({ length: n }, (_, i) => `word${String(i + 1).padStart(2, '0')}`).join(' '), { step, length: 0.2 });
const long = 'Supercalifragilisticexpialidocious-antidisestablishmentarianism';

/** Compact view of cues: `start-end voice|line|line`. */
const show = (cues: Cue[]) => cues.map((cue) => `${cue.start}-${cue.end}${cue.voice === undefined ? '' : ` ${cue.voice}`}|${cue.lines.join('|')}`);

describe('buildCues', () => {
  it.each<[string, Utterance[], CaptionOptions, string[]]>([
    ['one short utterance', [said('Hello world.', { start: 1 })], {}, ['1-1.9|Hello world.']],
    ['no utterances, no cues', [], {}, []],
    ['a cue never spans two utterances', [said('First.', { start: 0 }), said('Second.', { start: 1 })], {}, ['0-0.5|First.', '1-1.5|Second.']],
    ['stretched to 0.5 s when there is room', [said('Hi.', { start: 1 })], {}, ['1-1.5|Hi.']],
    ['stretched only up to the next cue', [said('Hi.', { start: 1 }), said('Yes.', { start: 1.42 })], {}, ['1-1.42|Hi.', '1.42-1.92|Yes.']],
    ['minimum duration is an option', [said('Hi.', { start: 1 })], { minSeconds: 1 }, ['1-2|Hi.']],
    [
      'diarized: a cue per speaker turn',
      [dialogue],
      { diarize: true },
      ['10-10.9 Speaker 0|Hello there.', '11-11.9 Speaker 1|Hi, Ana.', '12-13.4 Speaker 0|How are you?'],
    ],
    ['diarized with names', [dialogue], { diarize: true, speakers: names }, ['10-10.9 Ana|Hello there.', '11-11.9 Bo|Hi, Ana.', '12-13.4 Ana|How are you?']],
    ['speakers sent but diarize off: one cue, no voice', [dialogue], {}, ['10-13.4|Hello there. Hi, Ana. How are you?']],
    [
      'multichannel',
      [said('Hello.', { channel: 0, channels: 2 }), said('Hi.', { channel: 1, channels: 2, start: 2 })],
      { multichannel: true },
      ['0-0.5 ch0|Hello.', '2-2.5 ch1|Hi.'],
    ],
    [
      'channel names, with speakers too',
      [said('[0] Hello.', { channel: 0, channels: 2 }), said('[1] Hi.', { channel: 1, channels: 2, start: 2 })],
      { multichannel: true, channelNames, diarize: true, speakers: names },
      ['0-0.5 Agent / Ana|Hello.', '2-2.5 Caller / Bo|Hi.'],
    ],
    [
      'channels talking over each other: in order, the earlier cut where the later starts',
      [said('One two three four.', { channel: 0, channels: 2 }), said('Yes.', { channel: 1, channels: 2, start: 1 })],
      { multichannel: true },
      ['0-1 ch0|One two three four.', '1-1.5 ch1|Yes.'],
    ],
    [
      'same start on two channels: the second follows the first',
      [said('A b.', { channel: 0, channels: 2 }), said('C.', { channel: 1, channels: 2 })],
      { multichannel: true },
      ['0-0.9 ch0|A b.', '0.9-1.4 ch1|C.'],
    ],
    [
      'utterances out of order (two channels arrive late): sorted',
      [said('Later.', { channel: 1, channels: 2, start: 5 }), said('Earlier.', { channel: 0, channels: 2, start: 1 })],
      { multichannel: true },
      ['1-1.5 ch0|Earlier.', '5-5.5 ch1|Later.'],
    ],
    [
      'split by length: 2 lines of at most 42 characters',
      [numbered(20)],
      {},
      [
        '0-2.95|word01 word02 word03 word04 word05 word06|word07 word08 word09 word10 word11 word12',
        '3-4.95|word13 word14 word15 word16 word17 word18|word19 word20',
      ],
    ],
    [
      'the SRT speaker prefix counts in the first line',
      [said(`[0] ${numbered(12).text}`, { step: 0.25, length: 0.2 })],
      { diarize: true, speakers: names },
      ['0-2.7 Ana|word01 word02 word03 word04 word05|word06 word07 word08 word09 word10 word11', '2.75-3.25 Ana|word12'],
    ],
    [
      'line length and count are options',
      [numbered(5)],
      { maxLineChars: 13, maxLines: 1, minSeconds: 0 },
      ['0-0.45|word01 word02', '0.5-0.95|word03 word04', '1-1.2|word05'],
    ],
    [
      'split by duration: at most 7 s',
      [said('One two three four five six seven eight nine ten.', { step: 1, length: 0.5 })],
      {},
      ['0-6.5|One two three four five six seven', '7-9.5|eight nine ten.'],
    ],
    ['maximum duration is an option', [said('One two three four.', { step: 1, length: 0.5 })], { maxSeconds: 2 }, ['0-1.5|One two', '2-3.5|three four.']],
    ['a word longer than a line stays whole', [said(`Say ${long} now.`)], {}, [`0-0.9|Say|${long}`, `1-1.5|now.`]],
    [
      'a word longer than 7 s stays one cue',
      [{ text: 'Hmmmm.', start: 0, end: 9, channel: 0, confidence: 0.9, words: [{ text: 'Hmmmm.', start: 0, end: 9, confidence: 0.9 }] }],
      {},
      ['0-9|Hmmmm.'],
    ],
    [
      'an utterance without word timings: one cue at its times',
      [{ text: 'No words here.', start: 2, end: 3, channel: 0, confidence: 0.9, words: [] }],
      {},
      ['2-3|No words here.'],
    ],
    ['real fixture through the model', utterancesOf([fixture('live-results-final-speech-final')]), {}, ['14.08-16.58|This is the Oh, no. I meant all then.']],
  ])('%s', (_name, utterances, options, expected) => {
    expect(show(buildCues(utterances, options))).toEqual(expected);
  });

  it('diarized speaker changing mid-utterance in a long turn: split at the change and by length', () => {
    const text = `[0] ${numbered(14).text} [1] Right. [0] ${numbered(3).text}`;
    const cues = buildCues([said(text, { step: 0.25, length: 0.2 })], { diarize: true });
    expect(cues.map((cue) => [cue.voice, cue.lines.join(' ').split(' ').length])).toEqual([
      // "Speaker 0: " takes 11 of the first line's 42 characters: 4 + 6 words of 6 characters.
      ['Speaker 0', 10],
      ['Speaker 0', 4],
      ['Speaker 1', 1],
      ['Speaker 0', 3],
    ]);
  });

  it('the real long utterance (pre-recorded fixture) obeys every limit', () => {
    const utterance = preamble();
    const cues = buildCues([utterance]);
    expect(cues).toHaveLength(5);
    expect(cues.flatMap((cue) => cue.lines.join(' ').split(' '))).toEqual(utterance.words.map((word) => word.text));
    cues.forEach((cue, i) => {
      expect(cue.lines.length).toBeLessThanOrEqual(2);
      for (const line of cue.lines) expect(line.length <= 42 || !line.includes(' ')).toBe(true);
      expect(cue.end - cue.start).toBeLessThanOrEqual(7);
      expect(cue.end).toBeGreaterThan(cue.start);
      if (i > 0) expect(cue.start).toBeGreaterThanOrEqual(cues[i - 1]!.end);
    });
  });
});

describe('renderSrt and renderVtt', () => {
  const cues = buildCues([dialogue], { diarize: true, speakers: names });

  it('SRT: numbered from 1, comma milliseconds, speaker prefix', () => {
    expect(renderSrt(cues)).toBe(
      '1\n00:00:10,000 --> 00:00:10,900\nAna: Hello there.\n\n' +
        '2\n00:00:11,000 --> 00:00:11,900\nBo: Hi, Ana.\n\n' +
        '3\n00:00:12,000 --> 00:00:13,400\nAna: How are you?\n',
    );
  });

  it('WebVTT: header, dot milliseconds, voice tags', () => {
    expect(renderVtt(cues)).toBe(
      'WEBVTT\n\n' +
        '00:00:10.000 --> 00:00:10.900\n<v Ana>Hello there.\n\n' +
        '00:00:11.000 --> 00:00:11.900\n<v Bo>Hi, Ana.\n\n' +
        '00:00:12.000 --> 00:00:13.400\n<v Ana>How are you?\n',
    );
  });

  it('two lines, no voice', () => {
    const [cue] = buildCues([numbered(12)]);
    expect(renderSrt([cue!])).toBe('1\n00:00:00,000 --> 00:00:02,950\nword01 word02 word03 word04 word05 word06\nword07 word08 word09 word10 word11 word12\n');
    expect(renderVtt([cue!])).toBe(
      'WEBVTT\n\n00:00:00.000 --> 00:00:02.950\nword01 word02 word03 word04 word05 word06\nword07 word08 word09 word10 word11 word12\n',
    );
  });

  it('WebVTT escapes &, < and > in text and voice; SRT keeps them', () => {
    const [cue] = buildCues([said('[0] Tom & Jerry <3 -->')], { diarize: true, speakers: parseNameMap('0=R&D <team>') });
    expect(renderVtt([cue!])).toBe('WEBVTT\n\n00:00:00.000 --> 00:00:02.400\n<v R&amp;D &lt;team&gt;>Tom &amp; Jerry &lt;3 --&gt;\n');
    expect(renderSrt([cue!])).toBe('1\n00:00:00,000 --> 00:00:02,400\nR&D <team>: Tom & Jerry <3 -->\n');
  });

  it('an empty transcript is a valid empty file', () => {
    expect(renderSrt([])).toBe('');
    expect(renderVtt([])).toBe('WEBVTT\n');
  });

  it('hours past 99 and timecodes rounded to the millisecond', () => {
    const [cue] = buildCues([said('Late.', { start: 360_000.0004 })]);
    expect(renderSrt([cue!])).toBe('1\n100:00:00,000 --> 100:00:00,500\nLate.\n');
  });
});

describe('SRT and WebVTT read back by an independent parser (media-captions, strict mode)', () => {
  const cases: [string, Utterance[], CaptionOptions][] = [
    ['diarized with names', [dialogue], { diarize: true, speakers: names }],
    ['diarized without names', [dialogue], { diarize: true }],
    [
      'multichannel, overlapping',
      [said('One two three four.', { channel: 0, channels: 2 }), said('Yes.', { channel: 1, channels: 2, start: 1 })],
      { multichannel: true, channelNames },
    ],
    ['long, split by length', [numbered(40)], {}],
    ['slow, split by duration', [said('One two three four five six seven eight nine ten.', { step: 1, length: 0.5 })], {}],
    ['the real long utterance', [preamble()], {}],
    ['markup characters', [said('[0] Tom & Jerry <3 -->')], { diarize: true, speakers: parseNameMap('0=R&D <team>') }],
    ['past an hour', [said('Late, but here.', { start: 3723.25 })], {}],
  ];

  it.each(cases)('%s: SRT', async (_name, utterances, options) => {
    const cues = buildCues(utterances, options);
    const parsed = await parseCaptions(renderSrt(cues), 'srt');
    expect(parsed).toHaveLength(cues.length);
    parsed.forEach((read, i) => {
      const cue = cues[i]!;
      expect(read.start).toBeCloseTo(cue.start, 6);
      expect(read.end).toBeCloseTo(cue.end, 6);
      const lines = cue.voice === undefined ? cue.lines : [`${cue.voice}: ${cue.lines[0]}`, ...cue.lines.slice(1)];
      expect(read.text).toBe(lines.join('\n'));
    });
    expect(renderSrt(cues)).toMatch(/^1\n\d{2,}:\d{2}:\d{2},\d{3} --> \d{2,}:\d{2}:\d{2},\d{3}\n/);
  });

  it.each(cases)('%s: WebVTT', async (_name, utterances, options) => {
    const cues = buildCues(utterances, options);
    const parsed = await parseCaptions(renderVtt(cues), 'vtt');
    expect(parsed).toHaveLength(cues.length);
    parsed.forEach((read, i) => {
      const cue = cues[i]!;
      expect(read.start).toBeCloseTo(cue.start, 6);
      expect(read.end).toBeCloseTo(cue.end, 6);
      expect(read.text).toBe(cue.lines.join('\n'));
      expect(read.voice).toBe(cue.voice);
    });
  });

  it('the parser is strict enough to catch a broken file', async () => {
    await expect(parseCaptions('WEBVTT\n\n00:00:01,000 --> 00:00:02,000\nx\n', 'vtt')).rejects.toThrow(/timestamp/);
    await expect(parseCaptions('00:00:01.000 --> 00:00:02.000\nx\n', 'vtt')).rejects.toThrow(/header/);
    await expect(parseCaptions('1\n00:00:1,000 --> 00:00:02,000\nx\n', 'srt')).rejects.toThrow(/timestamp/);
    expect(await parseCaptions(renderVtt([]), 'vtt')).toEqual([]);
    expect(await parseCaptions(renderSrt([]), 'srt')).toEqual([]);
  });
});
