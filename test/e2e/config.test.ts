import { chmodSync, lstatSync, readFileSync, statSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SAMPLE_WAV } from '../support/audio.js';
import { scriptFromText, startDeepgramServer, type DeepgramServer } from '../support/deepgram-server/index.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp.js';

const KEY = 'dg0123456789abcdef0123456789abcdef4b2c';
let dir: string;
let server: DeepgramServer | undefined;
beforeEach(() => {
  dir = tempDir('transcribe-config-e2e-');
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const config = (args: string[], options: { stdin?: string; env?: Record<string, string | undefined> } = {}) =>
  runCli(['config', ...args], { env: { TRANSCRIBE_CONFIG_DIR: dir, ...options.env }, ...(options.stdin === undefined ? {} : { stdin: options.stdin }) });
const file = () => join(dir, 'config.json');
/** `config list`'s layout: key, value and source in aligned columns. */
const table = (rows: string[][]) => {
  const [keys, values] = [0, 1].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map(([key, value, source]) => `${key!.padEnd(keys!)}  ${value!.padEnd(values!)}  (${source})\n`).join('');
};
const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe('transcribe config', () => {
  it('set, get, list, unset and path, in a 0600 file in a 0700 directory', async () => {
    expect(await config(['set', 'model', 'nova-3-medical'])).toEqual({ code: 0, signal: null, stdout: '', stderr: `transcribe: set model in ${file()}\n` });
    expect(await config(['set', 'keyterm', 'Acme,Zyx'])).toMatchObject({ code: 0 });
    expect(await config(['get', 'model'])).toMatchObject({ code: 0, stdout: 'nova-3-medical\n', stderr: '' });
    expect(await config(['path'])).toMatchObject({ code: 0, stdout: `${file()}\n` });
    expect(mode(file())).toBe('600');
    expect(mode(dir)).toBe('700');
    expect(JSON.parse(readFileSync(file(), 'utf8'))).toEqual({ model: 'nova-3-medical', keyterm: 'Acme,Zyx' });
    const list = await config(['list'], { env: { TRANSCRIBE_LANGUAGE: 'de' } });
    expect(list.stdout).toBe(
      table([
        ['api-key', '', 'default'],
        ['api-url', 'https://api.deepgram.com', 'default'],
        ['allow-insecure', 'false', 'default'],
        ['model', 'nova-3-medical', 'config'],
        ['language', 'de', 'env'],
        ['smart-format', 'true', 'default'],
        ['punctuate', 'false', 'default'],
        ['diarize', 'false', 'default'],
        ['keyterm', 'Acme,Zyx', 'config'],
        ['endpointing', '300', 'default'],
        ['utterance-end', '1000', 'default'],
        ['multichannel', 'false', 'default'],
        ['param', '', 'default'],
        ['eot-threshold', '', 'default'],
        ['eager-eot-threshold', '', 'default'],
        ['eot-timeout', '', 'default'],
        ['language-hint', '', 'default'],
        ['manual-turns', 'false', 'default'],
        ['reconnect-timeout', '120', 'default'],
        ['replay-buffer', '60', 'default'],
        ['encoding', '', 'default'],
        ['sample-rate', '', 'default'],
        ['channels', '', 'default'],
        ['recorder', '', 'default'],
        ['device', '', 'default'],
        ['capture', 'mic', 'default'],
        ['system-device', '', 'default'],
        ['echo-filter', 'true', 'default'],
        ['speed', '1', 'default'],
        ['output', '', 'default'],
        ['format', '', 'default'],
        ['timestamps', 'off', 'default'],
        ['speakers', '', 'default'],
        ['channel-names', '', 'default'],
        ['force', 'false', 'default'],
        ['jobs', '', 'default'],
        ['save-audio', '', 'default'],
        ['serve', 'false', 'default'],
        ['serve-keep', 'false', 'default'],
        ['prices', '', 'default'],
        ['stop-after', '', 'default'],
        ['stop-on-silence', '', 'default'],
        ['history', 'true', 'default'],
        ['history-days', '', 'default'],
      ]),
    );
    expect((await config([])).stdout).toBe((await config(['list'])).stdout); // no subcommand: the list
    expect(await config(['unset', 'model'])).toMatchObject({ code: 0, stderr: `transcribe: removed model from ${file()}\n` });
    expect(await config(['get', 'model'])).toMatchObject({ code: 0, stdout: 'nova-3\n' });
    expect(await config(['unset', 'model'])).toMatchObject({ code: 0, stderr: `transcribe: model was not set in ${file()}\n` });
  });

  it.each([
    [
      ['set', 'modle', 'x'],
      'transcribe: unknown config key "modle" (did you mean model?) — keys: api-key, api-url, allow-insecure, model, language, smart-format, punctuate, diarize, keyterm, endpointing, utterance-end, multichannel, param, eot-threshold, eager-eot-threshold, eot-timeout, language-hint, manual-turns, reconnect-timeout, replay-buffer, encoding, sample-rate, channels, recorder, device, capture, system-device, echo-filter, speed, output, format, timestamps, speakers, channel-names, force, jobs, save-audio, serve, serve-keep, prices, stop-after, stop-on-silence, history, history-days\n',
    ],
    [
      ['set', 'speed', 'fast'],
      'transcribe: invalid value "fast" for config key speed: must be a decimal number of at least 0.1 (1 = real time) or "max" — see transcribe file --help\n',
    ],
    [['set', 'model'], 'transcribe: config set model needs a value — transcribe config set model <value>\n'],
    [['get', 'model', '--profile', 'home'], `transcribe: no profile "home" in CONFIG — create it with: transcribe config set <key> <value> --profile home\n`],
  ])('refuses %j with exit 2', async (args, stderr) => {
    const result = await config(args);
    expect(result).toEqual({ code: 2, signal: null, stdout: '', stderr: stderr.replace('CONFIG', file()) });
  });

  it('api-key from stdin: Token prefix stripped, never shown in full', async () => {
    const result = await config(['set', 'api-key'], { stdin: `Token ${KEY}\n` });
    expect(result).toEqual({ code: 0, signal: null, stdout: '', stderr: `transcribe: set api-key (****4b2c) in ${file()}\n` });
    expect(JSON.parse(readFileSync(file(), 'utf8'))).toEqual({ 'api-key': KEY });
    expect(await config(['get', 'api-key'])).toMatchObject({ stdout: '****4b2c\n' });
    expect(await config(['get', 'api-key', '--show-secret'])).toMatchObject({ stdout: `${KEY}\n` });
    expect((await config(['list'])).stdout).toMatch(/^api-key +\*\*\*\*4b2c +\(config\)$/m);
  });

  it('api-key as an argument works, with a warning about shell history', async () => {
    const result = await config(['set', 'api-key', KEY]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      'transcribe: warning: the key is now in your shell history; `transcribe config set api-key` without a value asks for it instead\n' +
        `transcribe: set api-key (****4b2c) in ${file()}\n`,
    );
  });

  it('profiles override the base set; --profile and TRANSCRIBE_PROFILE select one', async () => {
    await config(['set', 'language', 'fr']);
    await config(['set', 'language', 'de', '--profile', 'work']);
    await config(['set', 'model', 'nova-2-meeting', '--profile', 'work']);
    await config(['set', 'model', 'nova-2', '--profile', 'home']);
    expect(await config(['profiles'])).toMatchObject({ stdout: 'work\nhome\n' });
    expect(await config(['get', 'language'])).toMatchObject({ stdout: 'fr\n' });
    expect(await config(['get', 'language', '--profile', 'work'])).toMatchObject({ stdout: 'de\n' });
    expect(await config(['get', 'model'], { env: { TRANSCRIBE_PROFILE: 'home' } })).toMatchObject({ stdout: 'nova-2\n' });
    expect((await config(['list', '--profile', 'work'])).stdout).toMatch(/^language +de +\(profile work\)$/m);

    server = await startDeepgramServer({ script: scriptFromText('Hello from transcribe.', { wordSec: 0.3 }) });
    const env = { TRANSCRIBE_CONFIG_DIR: dir, DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url };
    const result = await runCli(['file', SAMPLE_WAV, '--speed', 'max', '--profile', 'work'], { env });
    expect(result).toMatchObject({ code: 0, stderr: '', stdout: 'Hello from transcribe.\n' });
    expect(server.connections[0]!.query.get('language')).toBe('de');
    expect(server.connections[0]!.query.get('model')).toBe('nova-2-meeting');
  });

  it('profile names: own properties only ("constructor", "toString", "__proto__" are not profiles); a new name uses [A-Za-z0-9._-]', async () => {
    await config(['set', 'model', 'nova-2', '--profile', 'work']);
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const hint = 'profiles: work';
      expect(await config(['get', 'model', '--profile', name])).toEqual({
        code: 2,
        signal: null,
        stdout: '',
        stderr: `transcribe: no profile "${name}" in ${file()} — ${hint}\n`,
      });
      expect(
        await runCli(['file', SAMPLE_WAV, '--profile', name], { env: { TRANSCRIBE_CONFIG_DIR: dir, DEEPGRAM_API_URL: 'http://127.0.0.1:9' } }),
      ).toMatchObject({ code: 2, stderr: `transcribe: no profile "${name}" in ${file()} — ${hint}\n` });
    }
    for (const name of ['a b', '$(touch pwned)', 'x/y', '']) {
      expect(await config(['set', 'model', 'nova-2', '--profile', name])).toEqual({
        code: 2,
        signal: null,
        stdout: '',
        stderr: `transcribe: invalid profile name "${name}" — use only letters, digits, ".", "_" and "-", e.g. --profile work\n`,
      });
    }
    // A name that is also an Object.prototype member works once it is created, as its own profile.
    expect(await config(['set', 'model', 'nova-3-medical', '--profile', '__proto__'])).toMatchObject({ code: 0 });
    expect(await config(['set', 'language', 'de', '--profile', 'constructor'])).toMatchObject({ code: 0 });
    expect(await config(['get', 'model', '--profile', '__proto__'])).toMatchObject({ code: 0, stdout: 'nova-3-medical\n' });
    expect(await config(['get', 'model', '--profile', 'constructor'])).toMatchObject({ code: 0, stdout: 'nova-3\n' });
    expect(await config(['unset', 'language', '--profile', 'constructor'])).toMatchObject({
      code: 0,
      stderr: `transcribe: removed language from profile "constructor" of ${file()}\n`,
    });
    expect(await config(['unset', 'language', '--profile', 'toString'])).toMatchObject({
      code: 0,
      stderr: `transcribe: language was not set in profile "toString" of ${file()}\n`,
    });
    expect(await config(['profiles'])).toMatchObject({ stdout: 'work\n__proto__\nconstructor\n' });
  });

  it('the key stored in config is the one Deepgram receives; a 401 says where it came from', async () => {
    await config(['set', 'api-key'], { stdin: 'test-key\n' });
    server = await startDeepgramServer({ script: scriptFromText('Hello from transcribe.', { wordSec: 0.3 }) });
    const env = { TRANSCRIBE_CONFIG_DIR: dir, DEEPGRAM_API_URL: server.url };
    expect(await runCli(['file', SAMPLE_WAV, '--speed', 'max'], { env })).toMatchObject({ code: 0, stdout: 'Hello from transcribe.\n' });
    expect(server.connections[0]!.authorization).toBe('Token test-key');

    await config(['set', 'api-key', KEY]);
    const rejected = await runCli(['file', SAMPLE_WAV], { env });
    expect(rejected.code).toBe(3);
    expect(rejected.stderr).toMatch(
      new RegExp(`^transcribe: Deepgram rejected the API key from the config file \\(${file()}\\) \\(\\*\\*\\*\\*4b2c\\): Invalid credentials`),
    );
    expect(rejected.stderr).not.toContain(KEY);
  });

  it('a corrupt file: exit 2 naming the file and the line, and the file is left as it was', async () => {
    const broken = '{\n  "model": "nova-3",\n  "language": de\n}\n';
    writeFileSync(file(), broken, { mode: 0o600 });
    const expected = `transcribe: the config file ${file()} is not valid JSON (line 3, column 15) — fix it by hand, or delete it and run transcribe config set again\n`;
    expect(await config(['set', 'model', 'nova-2'])).toEqual({ code: 2, signal: null, stdout: '', stderr: expected });
    expect(await runCli(['file', SAMPLE_WAV], { env: { TRANSCRIBE_CONFIG_DIR: dir } })).toMatchObject({ code: 2, stderr: expected });
    expect(readFileSync(file(), 'utf8')).toBe(broken);
  });

  it('a bad value in the file: an error where it is used (naming the field), a warning where a flag or the environment overrides it', async () => {
    writeFileSync(file(), JSON.stringify({ endpointing: 'soon', profiles: { work: { speed: '0x10' } } }), { mode: 0o600 });
    const base = `the config file ${file()}: "endpointing" must be milliseconds (e.g. 300) or false`;
    const work = `the config file ${file()}: "profiles.work.speed" must be a decimal number of at least 0.1 (1 = real time) or "max"`;
    expect(await config(['get', 'model'])).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: `transcribe: ${base} — fix it with transcribe config set endpointing <value>\n`,
    });
    expect(await config(['get', 'model', '--profile', 'work'], { env: { TRANSCRIBE_ENDPOINTING: '300' } })).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: `transcribe: ${work} — fix it with transcribe config set speed <value> --profile work\n`,
    });
    expect(await config(['get', 'endpointing'], { env: { TRANSCRIBE_ENDPOINTING: '300' } })).toEqual({
      code: 0,
      signal: null,
      stdout: '300\n',
      stderr: `transcribe: warning: ${base}; ignored, as TRANSCRIBE_ENDPOINTING overrides it — fix it with transcribe config set endpointing <value>\n`,
    });

    server = await startDeepgramServer({ script: scriptFromText('Hello from transcribe.', { wordSec: 0.3 }) });
    const env = { TRANSCRIBE_CONFIG_DIR: dir, DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url };
    expect(await runCli(['file', SAMPLE_WAV, '--profile', 'work', '--speed', 'max', '--endpointing', '300'], { env })).toEqual({
      code: 0,
      signal: null,
      stdout: 'Hello from transcribe.\n',
      stderr:
        `transcribe: warning: ${base}; ignored, as --endpointing overrides it — fix it with transcribe config set endpointing <value>\n` +
        `transcribe: warning: ${work}; ignored, as --speed overrides it — fix it with transcribe config set speed <value> --profile work\n`,
    });
    // The hints work: set replaces the bad values (it used to refuse the file it was asked to fix).
    expect(await config(['set', 'endpointing', '300'])).toMatchObject({ code: 0, stderr: `transcribe: set endpointing in ${file()}\n` });
    expect(await config(['set', 'speed', '2', '--profile', 'work'])).toMatchObject({ code: 0 });
    expect(await config(['get', 'speed', '--profile', 'work'])).toEqual({ code: 0, signal: null, stdout: '2\n', stderr: '' });
  });

  it('a bad value of an option the command does not take stops nothing: a bad recorder (live only) and file', async () => {
    writeFileSync(file(), JSON.stringify({ recorder: 'parecord', speed: 'fast' }), { mode: 0o600 });
    server = await startDeepgramServer({ script: scriptFromText('Hello from transcribe.', { wordSec: 0.3 }) });
    const env = { TRANSCRIBE_CONFIG_DIR: dir, DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url };
    // speed is file's: still an error there, naming the field; recorder is live's: not mentioned.
    expect(await runCli(['file', SAMPLE_WAV], { env })).toMatchObject({
      code: 2,
      stderr: `transcribe: the config file ${file()}: "speed" must be a decimal number of at least 0.1 (1 = real time) or "max" — fix it with transcribe config set speed <value>\n`,
    });
    expect(await runCli(['file', SAMPLE_WAV, '--speed', 'max'], { env })).toEqual({
      code: 0,
      signal: null,
      stdout: 'Hello from transcribe.\n',
      stderr: `transcribe: warning: the config file ${file()}: "speed" must be a decimal number of at least 0.1 (1 = real time) or "max"; ignored, as --speed overrides it — fix it with transcribe config set speed <value>\n`,
    });
  });

  it("an unknown key in the file (an older or newer version's) is a warning with a suggestion, and config unset removes it", async () => {
    writeFileSync(file(), JSON.stringify({ model: 'nova-2', modle: 'x', profiles: { work: { langauge: 'de' } } }), { mode: 0o600 });
    const warnings =
      `transcribe: warning: the config file ${file()} has an unknown key "modle" (did you mean model?), ignored; remove it with transcribe config unset modle\n` +
      `transcribe: warning: the config file ${file()} has an unknown key "profiles.work.langauge" (did you mean language?), ignored; remove it with transcribe config unset langauge --profile work\n`;
    expect(await config(['get', 'model'])).toEqual({ code: 0, signal: null, stdout: 'nova-2\n', stderr: warnings });
    server = await startDeepgramServer({ script: scriptFromText('Hello from transcribe.', { wordSec: 0.3 }) });
    const env = { TRANSCRIBE_CONFIG_DIR: dir, DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url };
    expect(await runCli(['file', SAMPLE_WAV, '--speed', 'max'], { env })).toEqual({
      code: 0,
      signal: null,
      stdout: 'Hello from transcribe.\n',
      stderr: warnings,
    });
    expect(await config(['unset', 'modle'])).toEqual({ code: 0, signal: null, stdout: '', stderr: `${warnings}transcribe: removed modle from ${file()}\n` });
    expect(await config(['unset', 'langauge', '--profile', 'work'])).toMatchObject({
      code: 0,
      stderr: expect.stringMatching(/removed langauge from profile "work" of .*\n$/),
    });
    expect(JSON.parse(readFileSync(file(), 'utf8'))).toEqual({ model: 'nova-2', profiles: { work: {} } });
    expect(await config(['unset', 'modle'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^transcribe: unknown config key "modle" \(did you mean model\?\)/),
    });
  });

  it.each([
    ['sett', 'set'],
    ['show', 'list'],
    ['delete', 'unset'],
    ['unste', 'unset'],
  ])('config %s: exit 2 with "did you mean %s?", never the list', async (word, guess) => {
    expect(await config([word, 'model'])).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: `transcribe: unknown config subcommand "${word}" (did you mean ${guess}?) — subcommands: set, get, list, unset, path, profiles (transcribe config --help)\n`,
    });
  });

  it('per-run flags (--from, --output-dir...) are not settings: config set refuses them, the environment and a stale key are ignored', async () => {
    expect(await config(['set', 'from', '-'])).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr:
        'transcribe: --from applies to one run only; it is not a setting (stored, it would change every later run) — give --from on the command line of the run that needs it\n',
    });
    expect((await config(['set', 'jobs', '16'])).code).toBe(0);
    expect((await config(['list'])).stdout).not.toMatch(/^(from|output-dir|shard|include|exclude) /m);
    // One file stays one file: a stored output-dir and TRANSCRIBE_FROM do not make it a many-files run.
    const stored = JSON.parse(readFileSync(file(), 'utf8')) as Record<string, unknown>;
    writeFileSync(file(), JSON.stringify({ ...stored, 'output-dir': 'out' }), { mode: 0o600 });
    server = await startDeepgramServer({ script: scriptFromText('Hello from transcribe.', { wordSec: 0.3 }) });
    const env = { TRANSCRIBE_CONFIG_DIR: dir, DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url, TRANSCRIBE_FROM: '-' };
    expect(await runCli(['file', SAMPLE_WAV, '--speed', 'max'], { env, cwd: dir })).toEqual({
      code: 0,
      signal: null,
      stdout: 'Hello from transcribe.\n',
      stderr: `transcribe: warning: the config file ${file()} has "output-dir", a flag of one run and not a setting: ignored; remove it with transcribe config unset output-dir\n`,
    });
    expect(await config(['unset', 'output-dir'])).toMatchObject({ code: 0, stderr: expect.stringMatching(/removed output-dir from /) });
    expect(JSON.parse(readFileSync(file(), 'utf8'))).toEqual({ jobs: '16' });
  });

  it('config set while the environment sets the same key: stored, and it says the environment wins', async () => {
    const result = await config(['set', 'api-key'], { stdin: `${KEY}\n`, env: { DEEPGRAM_API_KEY: 'from-env' } });
    expect(result).toEqual({
      code: 0,
      signal: null,
      stdout: '',
      stderr: `transcribe: set api-key (****4b2c) in ${file()}\ntranscribe: warning: DEEPGRAM_API_KEY is set in this environment and takes precedence over the stored value until it is unset\n`,
    });
    expect(JSON.parse(readFileSync(file(), 'utf8'))).toEqual({ 'api-key': KEY });
  });

  it('a config file readable by others is tightened to 0600, with a warning; the directory is left alone', async () => {
    writeFileSync(file(), '{"model": "nova-3"}');
    chmodSync(file(), 0o644);
    chmodSync(dir, 0o755);
    const result = await config(['get', 'model']);
    expect(result).toEqual({
      code: 0,
      signal: null,
      stdout: 'nova-3\n',
      stderr: `transcribe: warning: tightened the permissions of ${file()} to 0600 (they were 0644): it holds your API key\n`,
    });
    expect([mode(dir), mode(file())]).toEqual(['755', '600']);
  });

  it('config set never chmods an existing (shared) directory; a new one is 0700', async () => {
    chmodSync(dir, 0o1777);
    expect(await config(['set', 'model', 'nova-2'])).toMatchObject({ code: 0 });
    expect([(statSync(dir).mode & 0o7777).toString(8), mode(file())]).toEqual(['1777', '600']);
    const inside = join(dir, 'new', 'transcribe');
    expect(await runCli(['config', 'set', 'model', 'nova-2'], { env: { TRANSCRIBE_CONFIG_DIR: inside } })).toMatchObject({ code: 0 });
    expect([mode(inside), mode(join(inside, 'config.json'))]).toEqual(['700', '600']);
  });

  it('a symlinked config.json: read and written through, its target never chmodded', async () => {
    const target = join(dir, 'dotfiles-config.json');
    writeFileSync(target, '{"model": "nova-3"}');
    chmodSync(target, 0o644);
    symlinkSync(target, file());
    const warning = `transcribe: warning: ${file()} is a symlink to a file readable by others (mode 0644), left as it is: it holds your API key\n`;
    expect(await config(['get', 'model'])).toEqual({ code: 0, signal: null, stdout: 'nova-3\n', stderr: warning });
    expect(await config(['set', 'language', 'de'])).toEqual({ code: 0, signal: null, stdout: '', stderr: `${warning}transcribe: set language in ${file()}\n` });
    expect(lstatSync(file()).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(target, 'utf8'))).toEqual({ model: 'nova-3', language: 'de' });
    expect(mode(target)).toBe('644');
  });

  it('an unwritable config directory: exit 1 with the path', async () => {
    writeFileSync(join(dir, 'not-a-dir'), '');
    const inside = join(dir, 'not-a-dir', 'transcribe');
    const result = await runCli(['config', 'set', 'model', 'nova-2'], { env: { TRANSCRIBE_CONFIG_DIR: inside } });
    expect(result).toEqual({
      code: 1,
      signal: null,
      stdout: '',
      stderr: `transcribe: cannot write the config file ${inside}/config.json (ENOTDIR) — check that its directory is writable, or set TRANSCRIBE_CONFIG_DIR\n`,
    });
  });
});
