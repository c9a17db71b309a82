import { describe, expect, it } from 'vitest';
import { parseLiveV1 } from '../../src/deepgram/live-v1.js';
import {
  closeEvent,
  errorEvent,
  finalEvents,
  gapEvent,
  interimEvent,
  metadataEvent,
  openEvent,
  reconnectEvent,
  serializeEvent,
  speechStartedEvent,
  utteranceEndEvent,
  type OutputEvent,
} from '../../src/transcript/events.js';
import { parseNameMap } from '../../src/settings/parsers.js';
import { publicSettings } from '../../src/transcript/public-settings.js';
import { fixture, said, utterancesOf } from './transcript-helpers.js';

function metadata(name: string) {
  const [heard] = parseLiveV1(fixture(name));
  if (heard?.kind !== 'metadata') throw new Error(`${name} is not Metadata`);
  return heard;
}

const [realUtterance] = utterancesOf([fixture('live-results-final-speech-final')]);

// These lines are the README's schema examples: keep them in step.
describe('serializeEvent: one line per event type', () => {
  it.each<[string, OutputEvent, string]>([
    [
      'open',
      openEvent({
        requestId: '01a03ac2-b34c-7433-9df5-62b0600b10bf',
        model: 'nova-3',
        language: 'en',
        settings: {
          'api-key': 'dg_secret',
          diarize: true,
          'smart-format': true,
          'interim-results': true,
          keyterm: ['Deepgram'],
          speakers: parseNameMap('0=Ana,1=Bo'),
        },
        startedAt: new Date('2025-03-04T14:03:50.000Z'),
      }),
      '{"type":"open","request_id":"01a03ac2-b34c-7433-9df5-62b0600b10bf","model":"nova-3","language":"en","settings":{"diarize":true,"smart-format":true,"interim-results":true,"keyterm":["Deepgram"],"speakers":{"0":"Ana","1":"Bo"}},"started_at":"2025-03-04T14:03:50.000Z"}',
    ],
    ['interim', interimEvent(0, 'This is the'), '{"type":"interim","channel":0,"text":"This is the"}'],
    [
      'final (real fixture: times rounded to 3 decimals)',
      finalEvents(realUtterance!)[0]!,
      '{"type":"final","text":"This is the Oh, no. I meant all then.","start":14.08,"end":16.58,"confidence":0.824,"channel":0,"speaker":null,"words":[' +
        '{"word":"This","start":14.08,"end":14.4,"confidence":0.948},{"word":"is","start":14.4,"end":14.64,"confidence":0.997},' +
        '{"word":"the","start":14.64,"end":14.8,"confidence":0.857},{"word":"Oh,","start":14.96,"end":15.04,"confidence":0.685},' +
        '{"word":"no.","start":15.04,"end":15.2,"confidence":0.995},{"word":"I","start":15.2,"end":15.52,"confidence":0.959},' +
        '{"word":"meant","start":15.52,"end":15.555,"confidence":0.868},{"word":"all","start":15.84,"end":16.08,"confidence":0.271},' +
        '{"word":"then.","start":16.08,"end":16.58,"confidence":0.832}]}',
    ],
    [
      'final, diarized',
      finalEvents(said('[1] Hi, Ana.', { start: 2 }), { diarize: true })[0]!,
      '{"type":"final","text":"Hi, Ana.","start":2,"end":2.9,"confidence":0.9,"channel":0,"speaker":1,"words":[{"word":"Hi,","start":2,"end":2.4,"confidence":0.9,"speaker":1},{"word":"Ana.","start":2.5,"end":2.9,"confidence":0.9,"speaker":1}]}',
    ],
    ['utterance_end', utteranceEndEvent(0, 2.395), '{"type":"utterance_end","channel":0,"last_word_end":2.395}'],
    ['utterance_end with nothing pending', utteranceEndEvent(0, -1), '{"type":"utterance_end","channel":0,"last_word_end":null}'],
    ['speech_started', speechStartedEvent(0, 9.54), '{"type":"speech_started","channel":0,"timestamp":9.54}'],
    ['reconnect', reconnectEvent(1, 42.5, 3.2), '{"type":"reconnect","attempt":1,"offset":42.5,"replayed_seconds":3.2}'],
    ['gap', gapEvent(1.25), '{"type":"gap","seconds":1.25}'],
    [
      'metadata (real fixture)',
      metadataEvent(metadata('live-metadata-full')),
      '{"type":"metadata","request_id":"01a03ac3-92a1-79f0-ad85-2cee59754422","duration":44.26,"channels":1,"models":["7e3b5bdf-85ed-4fd2-9f7a-7721bbcad97b"]}',
    ],
    [
      'error',
      errorEvent('Deepgram refused the API key (401 INVALID_AUTH)', 3),
      '{"type":"error","message":"Deepgram refused the API key (401 INVALID_AUTH)","exit_code":3}',
    ],
    ['close', closeEvent({ duration: 44.259937, exitCode: 0, reason: 'end' }), '{"type":"close","duration":44.26,"exit_code":0,"reason":"end"}'],
  ])('%s', (_name, event, line) => {
    expect(serializeEvent(event)).toBe(line);
    expect(line).not.toContain('\n');
    expect(Object.keys(JSON.parse(line) as object)[0]).toBe('type');
  });

  it('metadata without audio has no models (real fixture)', () => {
    const event = metadataEvent(metadata('live-metadata-no-audio'));
    expect(event).not.toHaveProperty('models');
    expect(Object.keys(event)).toEqual(['type', 'request_id', 'duration', 'channels']);
  });

  it('open without a request id leaves the field out', () => {
    const line = serializeEvent(openEvent({ model: 'nova-3', language: 'en', settings: {}, startedAt: new Date(0) }));
    expect(line).toBe('{"type":"open","model":"nova-3","language":"en","settings":{},"started_at":"1970-01-01T00:00:00.000Z"}');
  });
});

describe('finalEvents', () => {
  const dialogue = said('[0] Hello there. [1] Hi, Ana. [0] How are you?', { start: 10 });

  it('diarized: one speaker-homogeneous final per turn, as the text lines split', () => {
    const events = finalEvents(dialogue, { diarize: true });
    expect(events.map((event) => [event.speaker, event.text, event.start, event.end, event.words.length])).toEqual([
      [0, 'Hello there.', 10, 10.9, 2],
      [1, 'Hi, Ana.', 11, 11.9, 2],
      [0, 'How are you?', 12, 13.4, 3],
    ]);
    expect(events.every((event) => event.words.every((word) => word.speaker === event.speaker))).toBe(true);
  });

  it('a split final has the mean confidence of its words', () => {
    const utterance = said('[0] Yes. [1] No.', { confidence: 0.5 });
    utterance.words[1]!.confidence = 0.7;
    const events = finalEvents(utterance, { diarize: true });
    expect(events.map((event) => event.confidence)).toEqual([0.5, 0.7]);
  });

  it('a word without speaker takes the turn around it but keeps no speaker field', () => {
    const [event, ...rest] = finalEvents(said('Well [1] yes.'), { diarize: true });
    expect(rest).toEqual([]);
    expect(event!.speaker).toBe(1);
    expect(event!.words).toEqual(
      [
        { word: 'Well', start: 0, end: 0.4, confidence: 0.9 },
        { word: 'yes.', start: 0.5, end: 0.9, confidence: 0.9 },
      ].map((word, i) => (i === 0 ? word : { ...word, speaker: 1 })),
    );
  });

  it('without diarization: one final per utterance, speaker null, utterance confidence', () => {
    const events = finalEvents(dialogue);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ speaker: null, text: 'Hello there. Hi, Ana. How are you?', confidence: expect.closeTo(0.9, 9), start: 10, end: 13.4 });
  });

  it('keeps the channel of a multichannel utterance', () => {
    expect(finalEvents(said('Hi.', { channel: 1, channels: 2 }), { multichannel: true })[0]).toMatchObject({ channel: 1 });
  });

  it('times stay on the session timeline after a reconnect offset', () => {
    const [utterance] = utterancesOf([fixture('live-results-final-speech-final')], 100);
    expect(finalEvents(utterance!)[0]).toMatchObject({ start: 114.08, end: 116.58 });
  });
});

describe('publicSettings', () => {
  it('drops secrets, keeps keyterm, removes URL credentials, makes JSON of the rest; --speed max is "max"', () => {
    expect(
      publicSettings({
        apiKey: 'a',
        'api-key': 'b',
        api_key: 'c',
        token: 'd',
        accessToken: 'e',
        password: 'f',
        authorization: 'g',
        keyterm: ['Deepgram', 'Nova'],
        'api-url': 'https://user:pass@dg.example.com/v1',
        speed: Number.POSITIVE_INFINITY,
        endpointing: false,
        output: undefined,
        'channel-names': parseNameMap('0=Agent'),
        since: new Date('2025-01-01T00:00:00.000Z'),
        nested: { token: 'x', ok: 1 },
      }),
    ).toEqual({
      keyterm: ['Deepgram', 'Nova'],
      'api-url': 'https://dg.example.com/v1',
      speed: 'max',
      endpointing: false,
      'channel-names': { 0: 'Agent' },
      since: '2025-01-01T00:00:00.000Z',
      nested: { ok: 1 },
    });
  });
});
