import { describe, expect, it } from 'vitest';
import { maskSecret, parseEndpointing, parseInteger, parseParam, parsePauseSeconds, parseSpeed } from '../../src/settings/parsers.js';
import { optionsFor } from '../../src/settings/options.js';
import { keepOperands } from '../../src/settings/optional-values.js';
import { checkConflicts, resolveSettings, withImpliedFeatures } from '../../src/settings/resolve.js';
import { CONFIG_KEYS, requireKey } from '../../src/settings/config-file.js';

describe('parsers', () => {
  it.each([
    ['1', 1],
    ['1.25', 1.25],
    ['max', Infinity],
    ['MAX', Infinity],
  ])('speed %s', (raw, value) => expect(parseSpeed(raw)).toBe(value));
  it.each([
    ['0.1', 0.1],
    ['.5', 0.5],
    [' 2 ', 2],
    ['1000', 1000],
  ])('speed %j', (raw, value) => expect(parseSpeed(raw)).toBe(value));
  // Number() takes all of these: hex, exponents (1e-300 overflowed the pacer's timer), Infinity, blanks.
  it.each(['0', '0.09', '-1', 'fast', '', ' ', 'NaN', 'Infinity', '0x10', '1e-300', '1e3', '1_000', '+2', '1 2', '9'.repeat(400)])(
    'speed %j is refused',
    (raw) => expect(() => parseSpeed(raw)).toThrow('must be a decimal number of at least 0.1 (1 = real time) or "max"'),
  );
  it.each([
    ['0.8', 0.8],
    ['60', 60],
  ])('pause %s', (raw, value) => expect(parsePauseSeconds(raw)).toBe(value));
  it.each(['0', '61', '0x10', '1e1', 'Infinity', '', '-1'])('pause %j is refused', (raw) =>
    expect(() => parsePauseSeconds(raw)).toThrow('must be a pause in seconds'),
  );
  it.each(['0x10', '1e3', '1.0', '', '+5', '-0', 'Infinity', '9'.repeat(400)])('whole number %j is refused', (raw) =>
    expect(() => parseInteger(0, 1e9)(raw)).toThrow(),
  );
  it.each<[string, number | false]>([
    ['300', 300],
    ['0', 0],
    ['false', false],
  ])('endpointing %s', (raw, value) => expect(parseEndpointing(raw)).toBe(value));
  it.each([
    ['redact=pci', ['redact', 'pci']],
    ['replace=a:b=c', ['replace', 'a:b=c']],
    ['tag=', ['tag', '']],
  ])('param %s', (raw, value) => expect(parseParam(raw)).toEqual(value));
  it.each(['=x', 'novalue', 'bad key=1'])('param %j is refused', (raw) => expect(() => parseParam(raw)).toThrow());
  it.each([
    ['0123456789abcdef0123456789abcdef01234567', '****4567'],
    ['short', '****'],
  ])('masks %s', (secret, masked) => expect(maskSecret(secret)).toBe(masked));
});

describe('resolveSettings: flag > environment > default', () => {
  it.each<[string, Record<string, unknown>, Record<string, string>, string, unknown, string]>([
    ['default', {}, {}, 'model', 'nova-3', 'default'],
    ['env over default', {}, { TRANSCRIBE_MODEL: 'nova-2' }, 'model', 'nova-2', 'env'],
    ['flag over env', { model: 'nova-3-medical' }, { TRANSCRIBE_MODEL: 'nova-2' }, 'model', 'nova-3-medical', 'flag'],
    ['empty env is unset', {}, { TRANSCRIBE_MODEL: '' }, 'model', 'nova-3', 'default'],
    ['boolean flag false', { smartFormat: false }, { TRANSCRIBE_SMART_FORMAT: 'true' }, 'smartFormat', false, 'flag'],
    ['boolean env', {}, { TRANSCRIBE_DIARIZE: 'yes' }, 'diarize', true, 'env'],
    ['key from env, Token prefix stripped', {}, { DEEPGRAM_API_KEY: 'Token abc123' }, 'apiKey', 'abc123', 'env'],
    ['key from flag', { apiKey: 'k1' }, { DEEPGRAM_API_KEY: 'k2' }, 'apiKey', 'k1', 'flag'],
    ['url from env', {}, { DEEPGRAM_API_URL: 'http://127.0.0.1:9/' }, 'apiUrl', 'http://127.0.0.1:9', 'env'],
    ['repeatable flag keeps commas', { keyterm: ['Acme, Inc', 'Zyx'] }, {}, 'keyterm', ['Acme, Inc', 'Zyx'], 'flag'],
    ['repeatable env splits on commas', {}, { TRANSCRIBE_KEYTERM: 'a,b' }, 'keyterm', ['a', 'b'], 'env'],
    ['params', { param: ['redact=pci'] }, {}, 'param', [['redact', 'pci']], 'flag'],
    ['speed max', { speed: 'max' }, {}, 'speed', Infinity, 'flag'],
    ['sample rate', { sampleRate: '8000' }, {}, 'sampleRate', 8000, 'flag'],
    ['no default', {}, {}, 'sampleRate', undefined, 'default'],
    ['flux: eot threshold', { eotThreshold: '0.85' }, {}, 'eotThreshold', 0.85, 'flag'],
    ['flux: eot threshold 1.0', {}, { TRANSCRIBE_EOT_THRESHOLD: '1.0' }, 'eotThreshold', 1, 'env'],
    ['flux: eager threshold', { eagerEotThreshold: '.3' }, {}, 'eagerEotThreshold', 0.3, 'flag'],
    ['flux: eot timeout', { eotTimeout: '60000' }, {}, 'eotTimeout', 60000, 'flag'],
    ['flux: language hints repeat', { languageHint: ['de', 'EN'] }, {}, 'languageHint', ['de', 'en'], 'flag'],
    ['flux: language hints from env', {}, { TRANSCRIBE_LANGUAGE_HINT: 'es,fr' }, 'languageHint', ['es', 'fr'], 'env'],
    ['flux: no language hint', {}, {}, 'languageHint', [], 'default'],
    ['flux: manual turns', { manualTurns: true }, {}, 'manualTurns', true, 'flag'],
    ['flux: manual turns off by default', {}, {}, 'manualTurns', false, 'default'],
  ])('%s', (_name, flags, env, name, value, source) => {
    const { settings, sources } = resolveSettings(flags, env);
    expect(settings[name as keyof typeof settings]).toEqual(value);
    expect(sources[name as keyof typeof sources]).toBe(source);
  });

  it.each<[Record<string, unknown>, Record<string, string>, string]>([
    [{ speed: 'fast' }, {}, 'invalid value "fast" for --speed: must be a decimal number of at least 0.1 (1 = real time) or "max"'],
    [{ sampleRate: '16k' }, {}, 'invalid value "16k" for --sample-rate: must be a whole number'],
    [{}, { TRANSCRIBE_UTTERANCE_END: '200' }, 'invalid value "200" for environment variable TRANSCRIBE_UTTERANCE_END: must be between 1000 and 5000'],
    [{}, { DEEPGRAM_API_KEY: 'has space' }, 'invalid value for environment variable DEEPGRAM_API_KEY: must not contain spaces'],
    [{ apiUrl: 'ftp://x' }, {}, 'invalid value "ftp://x" for --api-url: must use https, wss, http or ws'],
    [{ eotThreshold: '0.4' }, {}, 'invalid value "0.4" for --eot-threshold: must be a decimal between 0.5 and 1'],
    [{ eotThreshold: '1e0' }, {}, 'invalid value "1e0" for --eot-threshold: must be a decimal between 0.5 and 1'],
    [
      {},
      { TRANSCRIBE_EAGER_EOT_THRESHOLD: '0.95' },
      'invalid value "0.95" for environment variable TRANSCRIBE_EAGER_EOT_THRESHOLD: must be a decimal between 0.3 and 0.9',
    ],
    [{ eotTimeout: '499' }, {}, 'invalid value "499" for --eot-timeout: must be between 500 and 60000'],
    [{ languageHint: ['en', 'zh'] }, {}, 'invalid value "zh" for --language-hint: must be one of en, es, fr, de, hi, ru, pt, ja, it, nl'],
    // "-" silently created a file named "-" (the input's "-" is stdin).
    [{ output: '-' }, {}, 'invalid value "-" for --output: must be a file name, not "-" (without --output the transcript goes to stdout)'],
    [{}, { TRANSCRIBE_SAVE_AUDIO: ' - ' }, 'invalid value " - " for environment variable TRANSCRIBE_SAVE_AUDIO: must be a file name, not "-"'],
  ])('refuses %j %j', (flags, env, message) => {
    expect(() => resolveSettings(flags, env)).toThrow(message);
  });
});

describe('per-run options: a flag of one run, never a setting', () => {
  const perRun = ['output-dir', 'include', 'exclude', 'from', 'shard'];
  const stored = { path: '/c.json', base: { from: '-', outputDir: 'out', shard: '1/2', include: ['*.wav'], jobs: 16 } };

  it.each<[string, Record<string, unknown>, Record<string, string>, string, unknown, string]>([
    ['--from from the flag', { from: 'list.txt' }, {}, 'from', 'list.txt', 'flag'],
    ['TRANSCRIBE_FROM ignored', {}, { TRANSCRIBE_FROM: '-' }, 'from', undefined, 'default'],
    ['TRANSCRIBE_OUTPUT_DIR ignored', {}, { TRANSCRIBE_OUTPUT_DIR: 'out' }, 'outputDir', undefined, 'default'],
    ['TRANSCRIBE_SHARD ignored', {}, { TRANSCRIBE_SHARD: '1/2' }, 'shard', undefined, 'default'],
    ['TRANSCRIBE_INCLUDE ignored', {}, { TRANSCRIBE_INCLUDE: '*.wav' }, 'include', [], 'default'],
    ['TRANSCRIBE_EXCLUDE ignored', {}, { TRANSCRIBE_EXCLUDE: '*.wav' }, 'exclude', [], 'default'],
    ['TRANSCRIBE_JOBS still read (a default for the account)', {}, { TRANSCRIBE_JOBS: '16' }, 'jobs', 16, 'env'],
  ])('%s', (_name, flags, env, name, value, source) => {
    const { settings, sources } = resolveSettings(flags, env);
    expect(settings[name as keyof typeof settings]).toEqual(value);
    expect(sources[name as keyof typeof sources]).toBe(source);
  });

  it('a stored value (left by an older version) is not read; jobs is', () => {
    const { settings } = resolveSettings({}, {}, stored);
    expect([settings.from, settings.outputDir, settings.shard, settings.include, settings.jobs]).toEqual([undefined, undefined, undefined, [], 16]);
  });

  it('not config keys: config set/get/unset refuse them with a sentence; jobs is one', () => {
    expect(CONFIG_KEYS.filter((key) => perRun.includes(key))).toEqual([]);
    expect(CONFIG_KEYS).toContain('jobs');
    for (const key of perRun)
      expect(() => requireKey(key)).toThrow(`--${key} applies to one run only; it is not a setting (stored, it would change every later run)`);
  });

  it('still flags of file, in help and completion', () => {
    expect(optionsFor('file').map(([, spec]) => spec.key)).toEqual(expect.arrayContaining(perRun));
  });
});

describe('keepOperands: an optional-value flag never takes the path', () => {
  const specs = optionsFor('file').map(([, spec]) => spec);
  it.each<[string[], string[]]>([
    [
      ['--timestamps', 'talk.wav'],
      ['--timestamps=true', 'talk.wav'],
    ],
    [
      ['--timestamps', '-'],
      ['--timestamps=true', '-'],
    ],
    [
      ['--timestamps', 'wall', 'talk.wav'],
      ['--timestamps', 'wall', 'talk.wav'],
    ],
    [
      ['--timestamps', 'offset'],
      ['--timestamps', 'offset'],
    ],
    [
      ['--timestamps=wall', 'talk.wav'],
      ['--timestamps=wall', 'talk.wav'],
    ],
    [
      ['--timestamps', '--speed', 'max', 'talk.wav'],
      ['--timestamps', '--speed', 'max', 'talk.wav'],
    ],
    [
      ['talk.wav', '--timestamps'],
      ['talk.wav', '--timestamps'],
    ],
    [
      ['--model', 'talk.wav'],
      ['--model', 'talk.wav'],
    ],
    [
      ['--', '--timestamps', 'talk.wav'],
      ['--', '--timestamps', 'talk.wav'],
    ],
  ])('%j -> %j', (args, expected) => expect(keepOperands(args, specs)).toEqual(expected));
});

describe('checkConflicts: names imply the feature; turning it off as well is a usage error', () => {
  it.each<[Record<string, unknown>, Record<string, string>, string | null]>([
    [{ speakers: '0=Ana', diarize: false }, {}, '--speakers names speakers, but --no-diarize turns diarization off'],
    [{ speakers: '0=Ana' }, { TRANSCRIBE_DIARIZE: 'false' }, '--speakers names speakers, but TRANSCRIBE_DIARIZE turns diarization off'],
    [{ diarize: false }, { TRANSCRIBE_SPEAKERS: '0=Ana' }, 'TRANSCRIBE_SPEAKERS names speakers, but --no-diarize turns diarization off'],
    [{ channelNames: '0=Agent', multichannel: false }, {}, '--channel-names names channels, but --no-multichannel turns per-channel transcription off'],
    [{ speakers: '0=Ana' }, {}, null],
    [{ speakers: '0=Ana', diarize: true }, {}, null],
    [{ diarize: false, multichannel: false }, {}, null],
  ])('%j %j', (flags, env, message) => {
    const check = () => checkConflicts(resolveSettings(flags, env));
    if (message) expect(check).toThrow(message);
    else expect(check).not.toThrow();
  });
});

describe('names imply their feature, resolved once: everything downstream reads diarize and multichannel alone', () => {
  const ana = new Map([[0, 'Ana']]);
  it.each<[string, Record<string, unknown>, Record<string, string>, boolean, boolean]>([
    ['nothing named', {}, {}, false, false],
    ['--speakers turns diarize on', { speakers: '0=Ana' }, {}, true, false],
    ['--channel-names turns multichannel on', { channelNames: '0=A,1=B' }, {}, false, true],
    ['from the environment too', {}, { TRANSCRIBE_SPEAKERS: '0=Ana', TRANSCRIBE_CHANNEL_NAMES: '0=A' }, true, true],
    ['--diarize alone', { diarize: true }, {}, true, false],
    // Off on purpose stays off, for checkConflicts to refuse.
    ['--speakers with --no-diarize', { speakers: '0=Ana', diarize: false }, {}, false, false],
    ['--channel-names with TRANSCRIBE_MULTICHANNEL=false', { channelNames: '0=A' }, { TRANSCRIBE_MULTICHANNEL: 'false' }, false, false],
  ])('%s', (_name, flags, env, diarize, multichannel) => {
    const { settings } = resolveSettings(flags, env);
    expect([settings.diarize, settings.multichannel]).toEqual([diarize, multichannel]);
  });

  it.each<[string, Parameters<typeof withImpliedFeatures>[0], boolean, boolean]>([
    ['an archived session with speaker names only', { diarize: false, speakers: ana, multichannel: false, channelNames: undefined }, true, false],
    ['with channel names only', { diarize: false, speakers: undefined, multichannel: false, channelNames: ana }, false, true],
    ['neither', { diarize: false, speakers: undefined, multichannel: false, channelNames: undefined }, false, false],
  ])('withImpliedFeatures: %s', (_name, settings, diarize, multichannel) => {
    const implied = withImpliedFeatures(settings);
    expect([implied.diarize, implied.multichannel]).toEqual([diarize, multichannel]);
  });

  it('the contradiction is still refused', () => {
    expect(() => checkConflicts(resolveSettings({ speakers: '0=Ana', diarize: false }, {}))).toThrow(
      '--speakers names speakers, but --no-diarize turns diarization off',
    );
  });
});
