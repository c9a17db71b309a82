import { describe, expect, it } from 'vitest';
import { batchUrl, isFluxModel, listenEndpoint, listenUrl, type QuerySettings } from '../../src/deepgram/query.js';
import { UsageError } from '../../src/errors.js';

const base: QuerySettings = {
  apiUrl: 'https://api.deepgram.com',
  model: 'nova-3',
  language: 'en',
  smartFormat: true,
  punctuate: false,
  diarize: false,
  keyterm: [],
  endpointing: 300,
  utteranceEnd: 1000,
  param: [],
  multichannel: false,
  eotThreshold: undefined,
  eagerEotThreshold: undefined,
  eotTimeout: undefined,
  languageHint: [],
  manualTurns: false,
};
const format = { sampleRate: 16000, channels: 1 };
const defaults =
  'model=nova-3&language=en&encoding=linear16&sample_rate=16000&channels=1&interim_results=true&smart_format=true&endpointing=300&utterance_end_ms=1000';

describe('listenEndpoint', () => {
  it.each([
    ['https://api.deepgram.com', 'wss://api.deepgram.com/v1/listen'],
    ['https://api.eu.deepgram.com/', 'wss://api.eu.deepgram.com/v1/listen'],
    ['http://127.0.0.1:8080', 'ws://127.0.0.1:8080/v1/listen'],
    ['ws://dg.internal:8080/v1/listen', 'ws://dg.internal:8080/v1/listen'],
    ['wss://proxy.example/deepgram', 'wss://proxy.example/deepgram/v1/listen'],
    ['http://host/v1/listen?model=x', 'ws://host/v1/listen'],
    ['http://host/v2/listen', 'ws://host/v1/listen'],
  ])('%s -> %s', (input, expected) => {
    expect(listenEndpoint(input).toString()).toBe(expected);
  });
});

describe('listenUrl', () => {
  it.each<[string, Partial<QuerySettings>, { sampleRate: number; channels: number }, string]>([
    ['defaults', {}, format, defaults],
    ['raw 8 kHz stereo', {}, { sampleRate: 8000, channels: 2 }, defaults.replace('16000', '8000').replace('channels=1', 'channels=2')],
    ['no smart format, punctuate', { smartFormat: false, punctuate: true }, format, defaults.replace('smart_format=true', 'smart_format=false&punctuate=true')],
    ['diarize', { diarize: true }, format, defaults.replace('smart_format=true', 'smart_format=true&diarize=true')],
    [
      'keyterms repeat the key',
      { keyterm: ['Acme, Inc', 'Zyx'] },
      format,
      defaults.replace('smart_format=true', 'smart_format=true&keyterm=Acme%2C+Inc&keyterm=Zyx'),
    ],
    ['endpointing off', { endpointing: false }, format, defaults.replace('endpointing=300', 'endpointing=false')],
    [
      'model and language',
      { model: 'nova-2-meeting', language: 'de' },
      format,
      defaults.replace('nova-3', 'nova-2-meeting').replace('language=en', 'language=de'),
    ],
    [
      'multichannel on a stereo source',
      { multichannel: true },
      { sampleRate: 16000, channels: 2 },
      defaults.replace('channels=1', 'channels=2').replace('smart_format=true', 'smart_format=true&multichannel=true'),
    ],
    ['multichannel on mono is moot', { multichannel: true }, format, defaults],
    [
      '--param adds',
      {
        param: [
          ['redact', 'pci'],
          ['redact', 'ssn'],
        ],
      },
      format,
      `${defaults}&redact=pci&redact=ssn`,
    ],
    [
      '--param replaces a built parameter',
      { param: [['interim_results', 'false']] },
      format,
      defaults.replace('&interim_results=true', '') + '&interim_results=false',
    ],
  ])('%s', (_name, overrides, audio, query) => {
    expect(listenUrl({ ...base, ...overrides }, audio)).toBe(`wss://api.deepgram.com/v1/listen?${query}`);
  });
});

describe('batchUrl: the pre-recorded request', () => {
  const container = 'model=nova-3&language=en&smart_format=true&utterances=true';
  it.each<[string, Partial<QuerySettings>, { sampleRate: number; channels: number } | undefined, { paragraphs: boolean; utteranceSplit?: number }, string]>([
    ['a container: no live-only or raw-only parameters', {}, undefined, { paragraphs: false }, container],
    [
      'raw PCM keeps encoding, rate and channels',
      {},
      { sampleRate: 8000, channels: 1 },
      { paragraphs: false },
      'model=nova-3&language=en&encoding=linear16&sample_rate=8000&channels=1&smart_format=true&utterances=true',
    ],
    ['--paragraphs', {}, undefined, { paragraphs: true }, `${container}&paragraphs=true`],
    ['--utterance-split', {}, undefined, { paragraphs: false, utteranceSplit: 1.5 }, `${container}&utt_split=1.5`],
    [
      'multichannel on a container (its channels are unknown here)',
      { multichannel: true },
      undefined,
      { paragraphs: false },
      'model=nova-3&language=en&smart_format=true&multichannel=true&utterances=true',
    ],
    [
      '--param passes through',
      { param: [['redact', 'pci']] },
      undefined,
      { paragraphs: false },
      'model=nova-3&language=en&smart_format=true&redact=pci&utterances=true',
    ],
  ])('%s', (_name, overrides, raw, units, query) => {
    expect(batchUrl({ ...base, ...overrides }, raw, units)).toBe(`https://api.deepgram.com/v1/listen?${query}`);
  });
});

describe('isFluxModel', () => {
  it.each([
    ['flux-general-en', true],
    ['flux-general-multi', true],
    ['flux-', true],
    ['nova-3', false],
    ['nova-flux', false],
    ['Flux-general-en', false],
    ['', false],
  ])('%j -> %s', (model, flux) => expect(isFluxModel(model)).toBe(flux));
});

describe('listenEndpoint for Flux: /v2/listen', () => {
  it.each([
    ['https://api.deepgram.com', 'wss://api.deepgram.com/v2/listen'],
    ['https://api.eu.deepgram.com/', 'wss://api.eu.deepgram.com/v2/listen'],
    ['http://127.0.0.1:8080', 'ws://127.0.0.1:8080/v2/listen'],
    ['ws://dg.internal:8080/v1/listen', 'ws://dg.internal:8080/v2/listen'],
    ['ws://dg.internal:8080/v2/listen/', 'ws://dg.internal:8080/v2/listen'],
    ['wss://proxy.example/deepgram', 'wss://proxy.example/deepgram/v2/listen'],
  ])('%s -> %s', (input, expected) => {
    expect(listenEndpoint(input, 'live', 'v2').toString()).toBe(expected);
  });
});

describe('listenUrl for a Flux model', () => {
  const flux: QuerySettings = { ...base, model: 'flux-general-en' };
  const plain = 'model=flux-general-en&encoding=linear16&sample_rate=16000';
  it.each<[string, Partial<QuerySettings>, { sampleRate: number; channels: number }, string]>([
    // language, smart_format, endpointing, utterance_end_ms, interim_results and channels are refused by /v2/listen: never sent.
    ['defaults', {}, format, plain],
    ['8 kHz', {}, { sampleRate: 8000, channels: 1 }, plain.replace('16000', '8000')],
    [
      'turn settings given',
      { eotThreshold: 0.8, eagerEotThreshold: 0.5, eotTimeout: 3000 },
      format,
      `${plain}&eot_threshold=0.8&eager_eot_threshold=0.5&eot_timeout_ms=3000`,
    ],
    ['only the timeout', { eotTimeout: 500 }, format, `${plain}&eot_timeout_ms=500`],
    ['--manual-turns: the model never ends a turn', { manualTurns: true }, format, `${plain}&eot_threshold=1.0`],
    ['--manual-turns keeps the timeout', { manualTurns: true, eotTimeout: 10000 }, format, `${plain}&eot_threshold=1.0&eot_timeout_ms=10000`],
    ['keyterms repeat the key, never comma-joined', { keyterm: ['Acme, Inc', 'Zyx'] }, format, `${plain}&keyterm=Acme%2C+Inc&keyterm=Zyx`],
    [
      'language hints repeat the key',
      { model: 'flux-general-multi', languageHint: ['de', 'en'] },
      format,
      'model=flux-general-multi&encoding=linear16&sample_rate=16000&language_hint=de&language_hint=en',
    ],
    [
      '--param passes through and replaces',
      {
        param: [
          ['tag', 'a'],
          ['tag', 'b'],
          ['eot_timeout_ms', '700'],
        ],
      },
      format,
      `${plain}&tag=a&tag=b&eot_timeout_ms=700`,
    ],
    ['diarize and multichannel settings leave no trace', { diarize: true, multichannel: true }, format, plain],
  ])('%s', (_name, overrides, audio, query) => {
    expect(listenUrl({ ...flux, ...overrides }, audio)).toBe(`wss://api.deepgram.com/v2/listen?${query}`);
  });

  it('a self-hosted URL naming /v1/listen gets /v2/listen', () => {
    expect(listenUrl({ ...flux, apiUrl: 'http://dg.internal:8080/v1/listen' }, format)).toBe(`ws://dg.internal:8080/v2/listen?${plain}`);
  });

  it.each(['language', 'smart_format', 'punctuate', 'channels', 'diarize', 'interim_results', 'multichannel', 'endpointing', 'utterance_end_ms', 'vad_events'])(
    '--param %s is a usage error',
    (key) => {
      const call = () =>
        listenUrl(
          {
            ...flux,
            param: [
              ['tag', 'x'],
              [key, 'true'],
            ],
          },
          format,
        );
      expect(call).toThrow(UsageError);
      expect(call).toThrow(`Flux models (/v2/listen) refuse --param ${key}`);
    },
  );

  it('redact other than numbers is refused for Flux; numbers and aggressive_numbers pass', () => {
    const url = (value: string) => () => listenUrl({ ...flux, param: [['redact', value]] }, format);
    expect(url('pci')).toThrow('Flux models (/v2/listen) refuse --param redact=pci');
    expect(url('numbers')()).toBe(`wss://api.deepgram.com/v2/listen?${plain}&redact=numbers`);
    expect(url('aggressive_numbers')()).toBe(`wss://api.deepgram.com/v2/listen?${plain}&redact=aggressive_numbers`);
  });

  it.each([2, 6])('%i channels (a stereo file: the settings could not know) is a usage error', (channels) => {
    const call = () => listenUrl(flux, { sampleRate: 16000, channels });
    expect(call).toThrow(UsageError);
    expect(call).toThrow(`flux-general-en takes one channel, and this audio has ${channels}`);
  });

  it('the same --param keys are fine on /v1/listen', () => {
    expect(listenUrl({ ...base, param: [['vad_events', 'true']] }, format)).toBe(`wss://api.deepgram.com/v1/listen?${defaults}&vad_events=true`);
  });
});
