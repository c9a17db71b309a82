import { afterEach, describe, expect, it } from 'vitest';
import { runUsage } from '../../src/commands/usage.js';
import type { Context } from '../../src/context.js';
import { MemoryUsageSource, type UsageSession } from '../../src/usage/source.js';
import { startDeepgramServer, type DeepgramServer } from '../support/deepgram-server/index.js';
import { tempDir } from '../support/temp.js';

// `usage` in-process over an in-memory archive, asking the local server (127.0.0.1) for billed amounts.

let server: DeepgramServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const now = new Date();
const at = (daysAgo: number, hour: number) => {
  const day = new Date(now.getFullYear(), now.getMonth(), now.getDate() - daysAgo, hour);
  return day.toISOString();
};
const dayOf = (iso: string) => {
  const d = new Date(iso);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
const SESSIONS: UsageSession[] = [
  { startedAt: at(2, 9), model: 'nova-3', audioSeconds: 600, requestIds: ['r1'] },
  { startedAt: at(2, 15), model: 'nova-3', audioSeconds: 120, requestIds: ['r2', 'r3'] },
  { startedAt: at(1, 10), model: 'nova-2-meeting', audioSeconds: 60, requestIds: ['r4'] },
  { startedAt: at(40, 10), model: 'nova-3', audioSeconds: 9999, requestIds: ['old'] },
];

function context(env: Record<string, string | undefined>) {
  let stdout = '';
  let stderr = '';
  const ctx = {
    stdout: { write: (text: string) => ((stdout += text), true), isTTY: false },
    stderr: { write: (text: string) => ((stderr += text), true), isTTY: false },
    env: { TRANSCRIBE_CONFIG_DIR: tempDir('transcribe-usage-config-'), ...env },
    verbose: false,
    color: false,
  } as unknown as Context;
  return { ctx, out: () => stdout, err: () => stderr };
}

const NOTE = `transcribe: estimated: Deepgram's pay-as-you-go streaming list prices of 2025-06, an estimate; set your own with transcribe config set prices "nova-3=0.0077"\n`;

describe('transcribe usage (in-memory archive, local server)', () => {
  it('fetches billed amounts once per request id, saves them, and prints estimated and billed per day and model', async () => {
    server = await startDeepgramServer({
      management: { requests: { r1: { usd: 0.07, duration: 600 }, r2: { usd: 0.01, duration: 100 }, r4: { usd: 0.005, duration: 60 } } },
    });
    const source = new MemoryUsageSource(SESSIONS);
    const { ctx, out, err } = context({ DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url });
    expect(await runUsage(ctx, {}, undefined, source)).toBe(0);
    expect(out()).toBe(
      [
        'DAY         MODEL           SESSIONS  AUDIO    ESTIMATED  BILLED',
        `${dayOf(SESSIONS[0]!.startedAt)}  nova-3          2         0:12:00  $0.0924    $0.0800*`,
        `${dayOf(SESSIONS[2]!.startedAt)}  nova-2-meeting  1         0:01:00  $0.0058    $0.0050`,
        'total                       3         0:13:00  $0.0982    $0.0850*',
        '',
      ].join('\n'),
    );
    expect(err()).toBe(NOTE + 'transcribe: *: some requests are not billed yet (Deepgram lists a request a while after it ends); run again later\n');
    expect([...source.billed]).toEqual(
      expect.arrayContaining([
        ['r1', 0.07],
        ['r2', 0.01],
        ['r4', 0.005],
      ]),
    );
    const asked = server.managementRequests.length;
    expect(server.managementRequests.every((one) => one.authorization === 'Token test-key' && !one.query.includes('test-key'))).toBe(true);
    // Again: only the request not billed yet (r3) is asked for.
    expect(await runUsage(context({ DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url }).ctx, {}, undefined, source)).toBe(0);
    expect(server.managementRequests.slice(asked).map((one) => one.path.split('/').at(-1))).toEqual(['token', 'r3']);
  });

  it('a key without usage:read gets the estimate and one sentence why (exit 0)', async () => {
    server = await startDeepgramServer({ management: { key: 'no-usage-scope', requests: { r1: { usd: 0.07, duration: 600 } } } });
    const { ctx, out, err } = context({ DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url });
    expect(await runUsage(ctx, { since: '7d', format: 'json' }, undefined, new MemoryUsageSource(SESSIONS))).toBe(0);
    expect(out().split('\n')[0]).toBe(
      `{"day":"${dayOf(SESSIONS[0]!.startedAt)}","model":"nova-3","sessions":2,"audio_seconds":720,"estimated_usd":0.0924,"billed_usd":null,"billed_requests":0,"requests":3}`,
    );
    expect(err()).toBe(
      "transcribe: billed amounts not shown: this API key's role may not read usage (it needs usage:read, which member and above have); the estimate stands alone\n",
    );
  });

  it('a 403 from the request endpoint itself (the key check reported no scopes) is the same sentence', async () => {
    server = await startDeepgramServer({ management: { scopes: [], key: 'no-usage-scope' } });
    const { ctx, err } = context({ DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url });
    expect(await runUsage(ctx, {}, undefined, new MemoryUsageSource(SESSIONS))).toBe(0);
    expect(err()).toContain("this API key's role may not read usage");
    expect(server.managementRequests.map((one) => one.path.split('/').at(-2))).toContain('requests');
  });

  it('a rejected key (3) or an unreachable server (5): the estimate still prints, the exit code says what failed', async () => {
    server = await startDeepgramServer({ management: { key: 'invalid' } });
    const rejected = context({ DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url });
    expect(await runUsage(rejected.ctx, {}, undefined, new MemoryUsageSource(SESSIONS))).toBe(3);
    expect(rejected.out()).toContain('total ');
    expect(rejected.err()).toMatch(
      /\ntranscribe: billed amounts not shown: Deepgram rejected the API key from DEEPGRAM_API_KEY \(\*\*\*\*\): Invalid credentials/,
    );
    await server.goAway();
    const gone = context({ DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url });
    expect(await runUsage(gone.ctx, {}, undefined, new MemoryUsageSource(SESSIONS))).toBe(5);
    expect(gone.err()).toContain(`transcribe: billed amounts not shown: cannot connect to 127.0.0.1:${server.port}: connection refused`);
  });

  it('prices from the config or environment override the shipped ones; no key means no network', async () => {
    const { ctx, out, err } = context({ TRANSCRIBE_PRICES: 'nova-3=0.01,nova-2=0.002' });
    expect(await runUsage(ctx, { month: false, since: '30d' }, undefined, new MemoryUsageSource(SESSIONS.slice(0, 3)))).toBe(0);
    expect(out()).toContain('$0.1200    —');
    expect(out()).toContain('$0.0020    —');
    expect(err()).toContain('billed amounts not shown: no API key to ask Deepgram with (the estimate stands alone)\n');
  });

  it('nothing to count: says so, and never asks Deepgram', async () => {
    server = await startDeepgramServer();
    const { ctx, out, err } = context({ DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url });
    expect(await runUsage(ctx, { since: '12h' }, undefined, new MemoryUsageSource(SESSIONS))).toBe(0);
    expect({ out: out(), err: err() }).toEqual({ out: '', err: 'transcribe: no sessions in that span\n' });
    expect(server.managementRequests).toEqual([]);
  });
});
