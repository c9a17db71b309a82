import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLE_WAV } from '../support/audio.js';
import { startDeepgramServer, type DeepgramServer } from '../support/deepgram-server/index.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp.js';

let server: DeepgramServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const TABLE = `MODEL             FAMILY   LIVE               LANGUAGES
base-general      base     yes                en en-US de es fr
nova-2-general    nova-2   yes                en en-US de es fr ja nl
nova-2-meeting    nova-2   yes                en en-US
nova-2-phonecall  nova-2   yes                en en-US
nova-3-general    nova-3   yes                en en-US en-GB de es fr multi
nova-3-medical    nova-3   yes                en en-US
whisper-large     whisper  no (--batch only)  en de es fr ja zh
`;

async function models(args: string[], env: Record<string, string | undefined>) {
  return runCli(['models', ...args], { env: { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server?.url, ...env } });
}

describe('transcribe models', () => {
  it("lists Deepgram's models as a table, caches them a day (0600), and asks again only with --refresh", async () => {
    server = await startDeepgramServer();
    const cache = tempDir('transcribe-models-cache-');
    expect(await models([], { XDG_CACHE_HOME: cache })).toEqual({ code: 0, signal: null, stdout: TABLE, stderr: '' });
    expect(server.managementRequests.map((one) => `${one.method} ${one.path} ${one.authorization}`)).toEqual(['GET /v1/models Token test-key']);
    const file = join(cache, 'transcribe', 'models.json');
    expect((statSync(file).mode & 0o777).toString(8)).toBe('600');
    expect((statSync(join(cache, 'transcribe')).mode & 0o777).toString(8)).toBe('700');
    expect(readFileSync(file, 'utf8')).not.toContain('test-key');
    expect(await models([], { XDG_CACHE_HOME: cache })).toMatchObject({ code: 0, stdout: TABLE });
    expect(server.managementRequests).toHaveLength(1);
    expect(await models(['--refresh'], { XDG_CACHE_HOME: cache })).toMatchObject({ code: 0, stdout: TABLE });
    expect(server.managementRequests).toHaveLength(2);
  });

  it('prints NDJSON with --format json, and names for completion from the cache alone with --offline --names', async () => {
    server = await startDeepgramServer();
    const cache = tempDir('transcribe-models-cache-');
    const json = await models(['--format', 'json'], { XDG_CACHE_HOME: cache });
    expect(json.code).toBe(0);
    const lines = json.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as object);
    expect(lines).toHaveLength(7);
    expect(lines[4]).toEqual({
      model: 'nova-3-general',
      family: 'nova-3',
      languages: ['en', 'en-US', 'en-GB', 'de', 'es', 'fr', 'multi'],
      streaming: true,
      batch: true,
    });
    await server.goAway();
    const names = await runCli(['models', '--offline', '--names'], { env: { XDG_CACHE_HOME: cache } });
    expect(names).toEqual({
      code: 0,
      signal: null,
      stdout: [
        'base',
        'base-general',
        'nova-2',
        'nova-2-general',
        'nova-2-meeting',
        'nova-2-phonecall',
        'nova-3',
        'nova-3-general',
        'nova-3-medical',
        'whisper',
        'whisper-large',
      ]
        .map((n) => `${n}\n`)
        .join(''),
      stderr: '',
    });
    expect(await runCli(['models', '--offline'], { env: {} })).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: 'transcribe: no cached model list — run transcribe models once (it keeps the list for a day)\n',
    });
  });

  it('says what went wrong: a rejected key (3), an unreachable server (5), http to another machine (2)', async () => {
    server = await startDeepgramServer({ management: { key: 'invalid' } });
    expect(await models([], {})).toEqual({
      code: 3,
      signal: null,
      stdout: '',
      stderr: expect.stringMatching(
        /^transcribe: Deepgram rejected the API key from DEEPGRAM_API_KEY \(\*\*\*\*\): Invalid credentials \(request id [0-9a-f-]{36}\) — check the key in the Deepgram console and set DEEPGRAM_API_KEY\n$/,
      ) as string,
    });
    await server.goAway();
    expect(await models([], {})).toEqual({
      code: 5,
      signal: null,
      stdout: '',
      stderr: `transcribe: cannot connect to 127.0.0.1:${server.port}: connection refused — check your network, and --api-url or DEEPGRAM_API_URL\n`,
    });
    expect(await models([], { DEEPGRAM_API_URL: 'http://192.0.2.1:9' })).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('refusing to send the API key unencrypted to 192.0.2.1:9') as string,
    });
  });

  it('suggests a model for a typo from the cache, before connecting', async () => {
    server = await startDeepgramServer();
    const cache = tempDir('transcribe-models-cache-');
    expect((await models([], { XDG_CACHE_HOME: cache })).code).toBe(0);
    const typo = await runCli(['file', SAMPLE_WAV, '--model', 'nova3-medical'], {
      env: { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url, XDG_CACHE_HOME: cache },
    });
    expect(typo).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: 'transcribe: Deepgram has no model "nova3-medical" — did you mean --model nova-3-medical? (transcribe models lists them)\n',
    });
    expect(server.connections).toHaveLength(0);
    // Another --api-url (a self-hosted server has its own models): no suggestion from this list.
    writeFileSync(
      join(cache, 'transcribe', 'models.json'),
      readFileSync(join(cache, 'transcribe', 'models.json'), 'utf8').replace(server.url, 'http://127.0.0.1:1'),
    );
    const other = await runCli(['file', SAMPLE_WAV, '--model', 'nova3-medical', '--speed', 'max'], {
      env: { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url, XDG_CACHE_HOME: cache },
    });
    expect(other.stderr).not.toContain('did you mean');
  });
});
