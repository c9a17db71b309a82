import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import { completionScript } from '../../src/commands/completion.js';
import type { Context } from '../../src/context.js';
import { show } from '../../src/commands/config.js';
import { parseConfig } from '../../src/settings/config-file.js';
import { jsonErrorLocation } from '../../src/settings/json-error.js';
import { configDir } from '../../src/settings/config-paths.js';
import { resolveSettings, type ConfigLayers } from '../../src/settings/resolve.js';
import { closest } from '../../src/settings/suggest.js';

const PATH = '/home/ana/.config/transcribe/config.json';

describe('resolveSettings with the config file: flag > env > profile > config > default', () => {
  const layers: ConfigLayers = {
    path: PATH,
    base: { model: 'nova-2', language: 'fr', diarize: true, keyterm: ['Acme', 'Zyx'], speed: 'max', 'api-key': undefined } as ConfigLayers['base'],
    profile: { name: 'work', values: { language: 'de', endpointing: 'false' } },
  };
  it.each<[string, Record<string, unknown>, Record<string, string>, string, unknown, string, string]>([
    ['config over default', {}, {}, 'model', 'nova-2', 'config', `the config file (${PATH})`],
    ['profile over config', {}, {}, 'language', 'de', 'profile', `profile "work" (${PATH})`],
    ['env over profile', {}, { TRANSCRIBE_LANGUAGE: 'es' }, 'language', 'es', 'env', 'TRANSCRIBE_LANGUAGE'],
    ['flag over env', { language: 'it' }, { TRANSCRIBE_LANGUAGE: 'es' }, 'language', 'it', 'flag', '--language'],
    ['stored booleans', {}, {}, 'diarize', true, 'config', `the config file (${PATH})`],
    ['stored lists', {}, {}, 'keyterm', ['Acme', 'Zyx'], 'config', `the config file (${PATH})`],
    ['stored max speed', {}, {}, 'speed', Infinity, 'config', `the config file (${PATH})`],
    ['profile endpointing false', {}, {}, 'endpointing', false, 'profile', `profile "work" (${PATH})`],
    ['default', {}, {}, 'utteranceEnd', 1000, 'default', 'the default'],
  ])('%s', (_name, flags, env, name, value, source, described) => {
    const resolved = resolveSettings(flags, env, layers);
    const key = name as keyof typeof resolved.settings;
    expect(resolved.settings[key]).toEqual(value);
    expect(resolved.sources[key]).toBe(source);
    expect(resolved.describe(key)).toBe(described);
  });
});

describe('parseConfig: a hand-edited file is checked, and errors name the line or field', () => {
  it('reads values of every JSON kind', () => {
    const text = JSON.stringify({ model: 'nova-3', diarize: true, endpointing: 300, keyterm: ['a, b'], profiles: { work: { language: 'de' } } });
    expect(parseConfig(text, PATH)).toEqual({
      base: { model: 'nova-3', diarize: true, endpointing: 300, keyterm: ['a, b'] },
      profiles: { work: { language: 'de' } },
      unknown: [],
      refused: [],
    });
  });
  it('a profile named "__proto__" is a profile, not a prototype', () => {
    const { profiles } = parseConfig('{"profiles": {"__proto__": {"model": "nova-2"}}}', PATH);
    expect(Object.hasOwn(profiles, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(profiles)).toBe(Object.prototype);
    expect(Object.keys(profiles)).toEqual(['__proto__']);
  });
  it.each([
    ['empty file', '', null],
    ['broken JSON', '{\n  "model": "nova-3",\n  "language": en\n}', `the config file ${PATH} is not valid JSON (line 3, column 15)`],
    ['an array', '[]', `the config file ${PATH} must hold a JSON object`],
    ['profiles not an object', '{"profiles": 3}', `the config file ${PATH}: "profiles" must be an object of named settings`],
  ])('%s', (_name, text, message) => {
    if (message === null) expect(parseConfig(text, PATH)).toEqual({ base: {}, profiles: {}, unknown: [], refused: [] });
    else expect(() => parseConfig(text, PATH)).toThrow(message);
  });
});

describe('parseConfig: unknown keys and refused values are set aside, not fatal', () => {
  it('keeps the good values and lists the rest with their profile', () => {
    const text = JSON.stringify({
      modle: 'x',
      model: 'nova-2',
      endpointing: 'soon',
      language: { name: 'x' },
      profiles: { work: { langauge: 'de', speed: 0, diarize: true } },
    });
    expect(parseConfig(text, PATH)).toEqual({
      base: { model: 'nova-2' },
      profiles: { work: { diarize: true } },
      unknown: [{ key: 'modle' }, { key: 'langauge', profile: 'work' }],
      refused: [
        { name: 'endpointing', reason: 'must be milliseconds (e.g. 300) or false' },
        { name: 'language', reason: 'must be a string, number, boolean or list of strings' },
        { name: 'speed', reason: 'must be a decimal number of at least 0.1 (1 = real time) or "max"', profile: 'work' },
      ],
    });
  });
});

describe('resolveSettings with refused stored values: an error where used, a warning where overridden', () => {
  const refused = [
    { name: 'endpointing' as const, reason: 'must be milliseconds (e.g. 300) or false' },
    { name: 'speed' as const, reason: 'must be a decimal number of at least 0.1 (1 = real time) or "max"', profile: 'work' },
  ];
  const layers = (profile?: string): ConfigLayers => ({
    path: PATH,
    base: { model: 'nova-2' },
    refused,
    ...(profile ? { profile: { name: profile, values: {} } } : {}),
  });
  const endpointingWarning = (by: string) =>
    `the config file ${PATH}: "endpointing" must be milliseconds (e.g. 300) or false; ignored, as ${by} overrides it — fix it with transcribe config set endpointing <value>`;
  it.each<[string, Record<string, unknown>, Record<string, string>, string | undefined, string[] | string]>([
    ['used: an error', {}, {}, undefined, `the config file ${PATH}: "endpointing" must be milliseconds (e.g. 300) or false`],
    ['overridden by a flag: a warning', { endpointing: '10' }, {}, undefined, [endpointingWarning('--endpointing')]],
    ['overridden by the environment', {}, { TRANSCRIBE_ENDPOINTING: '10' }, undefined, [endpointingWarning('TRANSCRIBE_ENDPOINTING')]],
    ["another profile's value is not looked at", { endpointing: '10' }, {}, 'home', [endpointingWarning('--endpointing')]],
    [
      "the selected profile's value, used",
      { endpointing: '10' },
      {},
      'work',
      `the config file ${PATH}: "profiles.work.speed" must be a decimal number of at least 0.1 (1 = real time) or "max"`,
    ],
    [
      "the selected profile's value, overridden",
      { endpointing: '10', speed: '2' },
      {},
      'work',
      [
        endpointingWarning('--endpointing'),
        `the config file ${PATH}: "profiles.work.speed" must be a decimal number of at least 0.1 (1 = real time) or "max"; ignored, as --speed overrides it — fix it with transcribe config set speed <value> --profile work`,
      ],
    ],
  ])('%s', (_name, flags, env, profile, expected) => {
    if (typeof expected === 'string') expect(() => resolveSettings(flags, env, layers(profile))).toThrow(expected);
    else expect(resolveSettings(flags, env, layers(profile)).warnings).toEqual(expected);
  });
});

describe('configDir', () => {
  it.each<[Record<string, string>, NodeJS.Platform, string]>([
    [{ TRANSCRIBE_CONFIG_DIR: '/tmp/x', HOME: '/home/a' }, 'linux', '/tmp/x'],
    [{ HOME: '/home/a' }, 'linux', '/home/a/.config/transcribe'],
    [{ HOME: '/home/a', XDG_CONFIG_HOME: '/xdg' }, 'linux', '/xdg/transcribe'],
    [{ HOME: '/Users/a' }, 'darwin', '/Users/a/Library/Preferences/transcribe'],
  ])('%j on %s', (env, platform, dir) => {
    expect(configDir(env, platform)).toBe(dir);
  });
});

describe('show and closest', () => {
  it.each<[string, unknown, boolean, string]>([
    ['apiKey', '0123456789abcdef0123', false, '****0123'],
    ['apiKey', '0123456789abcdef0123', true, '0123456789abcdef0123'],
    ['speed', Infinity, false, 'max'],
    ['endpointing', false, false, 'false'],
    ['keyterm', ['a', 'b'], false, 'a,b'],
    ['param', [['redact', 'pci']], false, 'redact=pci'],
    ['sampleRate', undefined, false, ''],
  ])('show %s %j', (name, value, secret, text) => {
    expect(show(name as never, value as never, secret)).toBe(text);
  });
  it.each([
    ['modle', 'model'],
    ['api_key', 'api-key'],
    ['sample_rate', 'sample-rate'],
    ['zzzzzz', undefined],
  ])('closest(%s) = %s', (input, expected) => {
    expect(closest(input, ['model', 'api-key', 'sample-rate', 'language'])).toBe(expected);
  });
});

describe('completionScript', () => {
  it.each(['bash', 'zsh', 'fish'])('%s completes config keys, file flags and profiles', (shell) => {
    const script = completionScript(shell);
    for (const needle of ['utterance-end', 'smart-format', 'transcribe config profiles', 'set get list unset path profiles']) expect(script).toContain(needle);
  });
  it.each(['bash', 'fish'])('%s completes every flag that file and live --help list', (shell) => {
    const program = buildProgram({} as Context, () => {});
    const script = completionScript(shell);
    for (const name of ['file', 'live']) {
      const command = program.commands.find((one) => one.name() === name)!;
      const flags = command.options.map((option) => option.long!).filter((flag) => flag !== '--help');
      expect(flags.length).toBeGreaterThan(10);
      for (const flag of flags) expect(script, `${name} ${flag}`).toMatch(shell === 'bash' ? new RegExp(`[\\s"]${flag}[\\s"]`) : ` -l ${flag.slice(2)} `);
    }
  });
  it('refuses other shells', () => {
    expect(() => completionScript('tcsh')).toThrow('no completion for shell "tcsh"');
  });
});

describe('jsonErrorLocation', () => {
  it.each([
    ['{"a": 1}', undefined],
    ['{\n  "a": en\n}', 'line 2, column 8'],
    ['{"a": 1,}', 'line 1, column 9'],
    ['{"a": 1', 'line 1, column 8'],
    ['{"a": "x\n"}', 'line 1, column 9'],
    ['{"a": [1, 2,, 3]}', 'line 1, column 13'],
    ['{"a": 1} x', 'line 1, column 10'],
    ['{"a": -01}', 'line 1, column 9'],
  ])('%j -> %s', (text, location) => {
    expect(jsonErrorLocation(text)).toBe(location);
  });
});
