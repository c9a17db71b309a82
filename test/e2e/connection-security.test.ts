import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLE_WAV } from '../support/audio.js';
import { scriptFromText, startDeepgramServer, type DeepgramServer } from '../support/deepgram-server/index.js';
import { runCli } from '../support/run-cli.js';

const SCRIPT = scriptFromText('Hello from transcribe.', { wordSec: 0.3 });
let server: DeepgramServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const transcribe = (args: string[], env: Record<string, string | undefined> = { DEEPGRAM_API_KEY: 'test-key' }) =>
  runCli(['file', SAMPLE_WAV, '--speed', 'max', ...args], { env });
/** The server's URL with a user:password in it. */
const withPassword = (url: string, path = '') => url.replace('://', '://ana:hunter2@') + path;

describe('the API key over plain http/ws: only to this machine, unless --allow-insecure', () => {
  const refusal = (host: string, scheme: string) =>
    `transcribe: refusing to send the API key unencrypted to ${host} (${scheme}:// to another machine) — use https:// or wss://, or add --allow-insecure (config: allow-insecure) if the network is trusted\n`;
  it.each([
    ['streaming, http://', ['--api-url', 'http://10.11.12.13:8080'], '10.11.12.13:8080', 'http'],
    ['streaming, ws://', ['--api-url', 'ws://dg.internal'], 'dg.internal', 'ws'],
    ['--batch', ['--batch', '--api-url', 'http://[fd00::1]:9'], '[fd00::1]:9', 'http'],
  ])('%s to another host: exit 2 before anything is sent', async (_name, args, host, scheme) => {
    expect(await transcribe(args)).toEqual({ code: 2, signal: null, stdout: '', stderr: refusal(host, scheme) });
  });

  it('loopback needs no opt-in; without a key nothing needs one', async () => {
    server = await startDeepgramServer({ script: SCRIPT });
    const port = new URL(server.url).port;
    for (const url of [server.url, `http://localhost:${port}`]) {
      expect(await transcribe(['--api-url', url])).toMatchObject({ code: 0, stderr: '', stdout: 'Hello from transcribe.\n' });
    }
    await server.close();
    server = await startDeepgramServer({ script: SCRIPT, apiKey: null });
    expect(await transcribe(['--api-url', `http://0.0.0.0:${new URL(server.url).port}`], {})).toMatchObject({
      code: 0,
      stderr: '',
      stdout: 'Hello from transcribe.\n',
    });
  });

  it('--allow-insecure (or TRANSCRIBE_ALLOW_INSECURE) sends it, with a warning, streaming and --batch', async () => {
    server = await startDeepgramServer({ script: SCRIPT });
    // 0.0.0.0 reaches this machine but is not a loopback address: it stands for another host.
    const host = `0.0.0.0:${new URL(server.url).port}`;
    const warning = `transcribe: warning: the API key is sent unencrypted to ${host} (--allow-insecure): anyone on the network path can read it\n`;
    expect(await transcribe(['--api-url', `http://${host}`, '--allow-insecure'])).toEqual({
      code: 0,
      signal: null,
      stdout: 'Hello from transcribe.\n',
      stderr: warning,
    });
    const env = { DEEPGRAM_API_KEY: 'test-key', TRANSCRIBE_ALLOW_INSECURE: '1' };
    expect(await transcribe(['--api-url', `http://${host}`, '--batch'], env)).toMatchObject({ code: 0, stdout: 'Hello from transcribe.\n', stderr: warning });
    expect(server.connections.map((one) => one.authorization)).toEqual(['Token test-key', 'Token test-key']);
  });
});

describe('a user:password in --api-url is never shown, logged or sent', () => {
  const ignored = (url: string) => `transcribe: warning: the user:password in the API URL is not sent: the API key authenticates (${url})\n`;

  it('--verbose logs the URL without it; the key authenticates, no Basic auth', async () => {
    server = await startDeepgramServer({ script: SCRIPT });
    const result = await transcribe(['--api-url', withPassword(server.url), '--verbose']);
    expect(result).toMatchObject({ code: 0, stdout: 'Hello from transcribe.\n' });
    expect(result.stderr).toContain(ignored(`${server.url}/`));
    expect(result.stderr).toContain(`transcribe: connecting to ${server.url.replace('http:', 'ws:')}/v1/listen?model=nova-3&`);
    expect(result.stderr).not.toContain('hunter2');
    expect(server.connections[0]!.authorization).toBe('Token test-key');
  });

  it('without a key, nothing is sent as Basic auth', async () => {
    server = await startDeepgramServer({ script: SCRIPT, apiKey: null });
    for (const batch of [[], ['--batch']])
      expect(await transcribe(['--api-url', withPassword(server.url), ...batch], {})).toMatchObject({ code: 0, stdout: 'Hello from transcribe.\n' });
    expect(server.connections.map((one) => one.authorization)).toEqual([undefined, undefined]);
  });

  it('a 404 names the endpoint without it', async () => {
    server = await startDeepgramServer({ script: SCRIPT });
    const result = await transcribe(['--api-url', withPassword(server.url, '/nope')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(`^transcribe: no Deepgram live endpoint at ${server.url.replace('http:', 'ws:')}/nope/v1/listen\\?model=nova-3&\\S+ \\(HTTP 404\\)`, 'm'),
    );
    expect(result.stderr).not.toContain('hunter2');
  });

  it('config get and list show it without the password; --show-secret shows it', async () => {
    const env = { DEEPGRAM_API_URL: 'https://ana:hunter2@dg.example.com' };
    expect(await runCli(['config', 'get', 'api-url'], { env })).toMatchObject({ code: 0, stdout: 'https://dg.example.com/\n' });
    expect((await runCli(['config', 'list'], { env })).stdout).not.toContain('hunter2');
    expect(await runCli(['config', 'get', 'api-url', '--show-secret'], { env })).toMatchObject({ stdout: 'https://ana:hunter2@dg.example.com\n' });
    expect(await runCli(['file', SAMPLE_WAV, '--api-url', 'ftp://ana:hunter2@x'])).toMatchObject({ code: 2, stderr: expect.not.stringContaining('hunter2') });
  });
});
