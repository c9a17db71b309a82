import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDeepgramServer, TEST_PROJECT_ID, type DeepgramServer } from '../support/deepgram-server/index.js';
import { collect, runCli, startCli } from '../support/run-cli.js';
import { missing } from '../support/system-tools.js';
import { tempDir } from '../support/temp.js';
import { startVirtmic, type Virtmic } from '../support/virtmic/index.js';

let server: DeepgramServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A PATH with nothing on it: no recorder, no decoder. */
const EMPTY_PATH = tempDir('transcribe-doctor-path-');
const KEY_OK = `ok    key         valid: project "Transcribe test project" (${TEST_PROJECT_ID}), scopes member\n`;
// Over 1 s is a warning: a loaded test machine may get there.
const API_OK = /^(ok {4}api {9}reachable, round trip \d+ ms|warn {2}api {9}reachable, round trip \d+ ms: slow — .*)\n$/;
const lines = (stdout: string) => stdout.split(/(?<=\n)/);

function doctor(args: string[], env: Record<string, string | undefined> = {}) {
  const data = tempDir('transcribe-doctor-data-');
  return runCli(['doctor', ...args], {
    env: { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server?.url, XDG_DATA_HOME: data, TRANSCRIBE_DATA_DIR: undefined, PATH: EMPTY_PATH, ...env },
  });
}

describe('transcribe doctor', () => {
  it('prints one line per check with its verdict and fix, and exits with the first failure (4: no recorder)', async () => {
    server = await startDeepgramServer();
    const config = tempDir('transcribe-doctor-config-');
    const data = tempDir('transcribe-doctor-data-');
    const result = await doctor([], { TRANSCRIBE_CONFIG_DIR: config, XDG_DATA_HOME: data });
    const out = lines(result.stdout);
    expect(out[0]).toBe(KEY_OK);
    expect(out[1]).toMatch(API_OK);
    expect(out.slice(2)).toEqual([
      `ok    url         ${server.url} (self-hosted or a proxy; --batch and the management API use its http(s) twin)\n`,
      'FAIL  recorder    cannot record from the microphone: neither arecord nor SoX (rec, sox) is on PATH — install one (Debian/Ubuntu): sudo apt-get install alsa-utils (arecord), or sudo apt-get install sox (rec)\n',
      'skip  microphone  not checked: no recorder\n',
      'FAIL  decoders    neither ffmpeg nor SoX is on PATH: only WAV and raw PCM files can be read — install ffmpeg (Debian/Ubuntu: sudo apt-get install ffmpeg; macOS: brew install ffmpeg) or convert the audio to WAV\n',
      `ok    config      no config file (${join(config, 'config.json')}): settings come from flags and the environment\n`,
      `ok    archive     none yet (${join(data, 'transcribe', 'history.db')} is created by the first session)\n`,
    ]);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 4, stderr: '' });
    expect(result.stdout).not.toContain('\x1b');
    expect(server.managementRequests.map((one) => `${one.path} ${one.authorization}`)).toEqual([
      '/v1/auth/token Token test-key',
      '/v1/projects Token test-key',
    ]);
  });

  it('a rejected key: FAIL key, exit 3; a key without usage:read says what that means', async () => {
    server = await startDeepgramServer({ management: { key: 'invalid' } });
    const rejected = await doctor(['--no-mic']);
    expect(lines(rejected.stdout)[0]).toMatch(
      /^FAIL {2}key {9}Deepgram rejected the API key from DEEPGRAM_API_KEY \(\*\*\*\*\): Invalid credentials \(request id [0-9a-f-]{36}\) — check the key in the Deepgram console and set DEEPGRAM_API_KEY\n$/,
    );
    expect(lines(rejected.stdout)[1]).toMatch(API_OK);
    expect(rejected.code).toBe(3);
    await server.close();
    server = await startDeepgramServer({ management: { key: 'no-usage-scope' } });
    const limited = await doctor(['--no-mic']);
    expect(lines(limited.stdout)[0]).toBe(
      `ok    key         valid: project "Transcribe test project" (${TEST_PROJECT_ID}), scopes usage:write (no usage:read: transcribe usage shows estimates only)\n`,
    );
  });

  it('an unreachable API (5), a slow one (warn), one that never answers in time (5)', async () => {
    server = await startDeepgramServer();
    const port = server.port;
    await server.goAway();
    const gone = await doctor(['--no-mic']);
    expect(lines(gone.stdout).slice(0, 2)).toEqual([
      'skip  key         not checked: the API did not answer\n',
      `FAIL  api         cannot connect to 127.0.0.1:${port}: connection refused — check your network, and --api-url or DEEPGRAM_API_URL\n`,
    ]);
    expect(gone.code).toBe(5);
    await server.close();
    server = await startDeepgramServer({ management: { delayMs: 1300 } });
    const slow = await doctor(['--no-mic']);
    expect(lines(slow.stdout).slice(0, 2)).toEqual([
      KEY_OK,
      expect.stringMatching(/^warn {2}api {9}reachable, round trip \d{4,} ms: slow — live captions lag by at least the round trip; check your network\n$/),
    ]);
    await server.close();
    server = await startDeepgramServer({ management: { delayMs: 8000 } });
    const stalled = await doctor(['--no-mic']);
    expect(lines(stalled.stdout)[1]).toBe(
      'FAIL  api         no answer from 127.0.0.1:' + server.port + ' for the key check within 5 s — check your network, and --api-url or DEEPGRAM_API_URL\n',
    );
    expect(stalled.code).toBe(5);
  }, 30_000);

  it('refuses to send the key over http to another machine (2), and finds no key (2)', async () => {
    const insecure = await doctor(['--no-mic'], { DEEPGRAM_API_URL: 'http://192.0.2.1:9' });
    expect(lines(insecure.stdout).slice(0, 3)).toEqual([
      'skip  key         not checked: the API URL is refused\n',
      'skip  api         not checked\n',
      'FAIL  url         refusing to send the API key unencrypted to 192.0.2.1:9 (http:// to another machine) — use https:// or wss://, or add --allow-insecure (config: allow-insecure) if the network is trusted\n',
    ]);
    expect(insecure.code).toBe(2);
    const noKey = await doctor(['--no-mic'], { DEEPGRAM_API_KEY: undefined, DEEPGRAM_API_URL: undefined });
    expect(lines(noKey.stdout).slice(0, 3)).toEqual([
      'FAIL  key         no Deepgram API key — run transcribe config set api-key, or set DEEPGRAM_API_KEY (create a key at https://console.deepgram.com); --api-url for a self-hosted server\n',
      'skip  api         not checked\n',
      "ok    url         https://api.deepgram.com (Deepgram's hosted API)\n",
    ]);
    expect(noKey.code).toBe(2);
  });

  it('config and archive modes: a readable config file and an open archive directory fail (1)', async () => {
    server = await startDeepgramServer();
    const config = tempDir('transcribe-doctor-config-');
    writeFileSync(join(config, 'config.json'), '{}\n', { mode: 0o644 });
    chmodSync(join(config, 'config.json'), 0o644);
    const data = tempDir('transcribe-doctor-data-');
    mkdirSync(join(data, 'transcribe'), { mode: 0o755 });
    chmodSync(join(data, 'transcribe'), 0o755);
    const result = await doctor(['--no-mic'], { TRANSCRIBE_CONFIG_DIR: config, XDG_DATA_HOME: data });
    expect(lines(result.stdout).slice(-2)).toEqual([
      `FAIL  config      ${join(config, 'config.json')} is mode 644: others may read the API key in it — chmod 600 ${join(config, 'config.json')}\n`,
      `FAIL  archive     ${join(data, 'transcribe')} is mode 755: others may list the archive — chmod 700 ${join(data, 'transcribe')}\n`,
    ]);
    chmodSync(join(config, 'config.json'), 0o600);
    chmodSync(join(data, 'transcribe'), 0o700);
    writeFileSync(join(data, 'transcribe', 'history.db'), 'SQLite format 3\u0000' + '\u0000'.repeat(84), { mode: 0o600 });
    const fixed = await doctor(['--no-mic'], { TRANSCRIBE_CONFIG_DIR: config, TRANSCRIBE_DATA_DIR: join(data, 'transcribe') });
    expect(lines(fixed.stdout).slice(-2)).toEqual([
      `ok    config      ${join(config, 'config.json')} (mode 600)\n`,
      `ok    archive     ${join(data, 'transcribe', 'history.db')} (0.0 MB, mode 600)\n`,
    ]);
  });
});

describe.skipIf(missing('pulseaudio', 'pactl', 'arecord', 'sox'))('transcribe doctor on a virtual microphone', () => {
  let mic: Virtmic;
  beforeAll(() => {
    mic = startVirtmic();
  });
  afterAll(() => mic?.stop());

  it('hears a tone (ok) and digital silence (FAIL, 4) in 2 s with the recorder live uses', async () => {
    server = await startDeepgramServer();
    const dir = tempDir('transcribe-doctor-tone-');
    const tone = Buffer.alloc(16000 * 2 * 8);
    for (let i = 0; i < tone.length / 2; i++) tone.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 16000)), i * 2);
    writeFileSync(join(dir, 'tone.raw'), tone);
    const env = {
      ...mic.env,
      DEEPGRAM_API_KEY: 'test-key',
      DEEPGRAM_API_URL: server.url,
      XDG_DATA_HOME: dir,
      TRANSCRIBE_DATA_DIR: undefined,
      TRANSCRIBE_RECORDER: 'arecord',
    };
    const playing = mic.play(join(dir, 'tone.raw'));
    const heard = await collect(startCli(['doctor'], { env }));
    await playing;
    expect(heard.stdout).toMatch(/^ok {4}microphone {2}sound heard with arecord \(loudest -\d+\.\d dBFS\)\n/m);
    const silent = await collect(startCli(['doctor'], { env }));
    expect(silent.stdout).toMatch(/^FAIL {2}microphone {2}arecord gave only digital silence in 2 s — /m);
    expect(silent.code).toBe(4);
  }, 60_000);
});

describe('transcribe doctor in a pipe', () => {
  it('writes no escape codes, even with colour allowed by the environment', async () => {
    const result = await runCli(['doctor', '--no-mic'], {
      env: {
        NO_COLOR: undefined,
        FORCE_COLOR: undefined,
        TERM: 'xterm-256color',
        DEEPGRAM_API_KEY: undefined,
        PATH: EMPTY_PATH,
        XDG_DATA_HOME: tempDir('transcribe-doctor-data-'),
        TRANSCRIBE_DATA_DIR: undefined,
      },
    });
    expect(result.stdout).toContain('FAIL  key ');
    expect(result.stdout + result.stderr).not.toContain('\x1b');
  });
});

describe('transcribe doctor with a broken config file', () => {
  it('reports it on the config line and checks the rest from flags and the environment', async () => {
    const server = await startDeepgramServer();
    try {
      const config = tempDir('transcribe-doctor-config-');
      writeFileSync(join(config, 'config.json'), '{"model": nova}\n', { mode: 0o600 });
      const result = await doctor(['--no-mic'], { TRANSCRIBE_CONFIG_DIR: config, DEEPGRAM_API_URL: server.url });
      expect(lines(result.stdout)[0]).toBe(KEY_OK);
      expect(lines(result.stdout)[6]).toMatch(/^FAIL {2}config {6}.*config\.json.* — /);
      // The recorder (no PATH here) fails first: its class is the exit code.
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 4, stderr: '' });
    } finally {
      await server.close();
    }
  });
});
