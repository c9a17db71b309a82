import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openManagementApi, type ManagementTarget } from '../../src/account/management.js';
import { startDeepgramServer, TEST_PROJECT_ID, type DeepgramServer } from '../support/deepgram-server/index.js';

// The SDK-backed client against servers on 127.0.0.1: what it sends, and what it refuses to do.

const servers: Server[] = [];
let deepgram: DeepgramServer | undefined;
afterEach(async () => {
  await deepgram?.close();
  deepgram = undefined;
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
}

async function plainServer(answer: (seen: Seen) => { status: number; headers?: Record<string, string>; body?: string }) {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    const one = { url: request.url ?? '', headers: request.headers };
    seen.push(one);
    const { status, headers, body } = answer(one);
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(body ?? '{}');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const target = (baseUrl: string, apiKey?: string): ManagementTarget => ({
  baseUrl,
  ...(apiKey ? { apiKey, key: { source: 'DEEPGRAM_API_KEY', masked: '****-key' } } : {}),
  timeoutMs: 2000,
});

describe('the management client', () => {
  it('never follows a redirect: the key goes only to --api-url', async () => {
    const elsewhere = await plainServer(() => ({ status: 200, body: '{"projects":[]}' }));
    const redirecting = await plainServer(() => ({ status: 302, headers: { location: `${elsewhere.url}/v1/projects` } }));
    const api = await openManagementApi(target(redirecting.url, 'test-key'));
    await expect(api.projects()).rejects.toThrow(`Deepgram answered HTTP 302, a redirect to ${elsewhere.url}/v1/projects, which is not followed`);
    await expect(api.keyDetails()).rejects.toThrow('which is not followed');
    expect(elsewhere.seen).toEqual([]);
    expect(redirecting.seen.map((one) => one.headers.authorization)).toEqual(['Token test-key', 'Token test-key']);
  });

  it('without a key sends no Authorization at all (the SDK would otherwise read DEEPGRAM_API_KEY itself)', async () => {
    const server = await plainServer(() => ({ status: 200, body: '{"projects":[{"project_id":"p","name":"n"}]}' }));
    const saved = process.env.DEEPGRAM_API_KEY;
    process.env.DEEPGRAM_API_KEY = 'from-the-environment';
    try {
      const api = await openManagementApi(target(server.url));
      expect(await api.projects()).toEqual([{ id: 'p', name: 'n' }]);
    } finally {
      if (saved === undefined) delete process.env.DEEPGRAM_API_KEY;
      else process.env.DEEPGRAM_API_KEY = saved;
    }
    expect(server.seen.map((one) => one.headers.authorization)).toEqual([undefined]);
  });

  it('puts only safe ids into a path: a server-given "../keys" is never asked for', async () => {
    deepgram = await startDeepgramServer({ management: { requests: { 'req-1': { usd: 0.5, duration: 30 } } } });
    const api = await openManagementApi(target(deepgram.url, 'test-key'));
    expect(await api.billedRequest(TEST_PROJECT_ID, 'req-1')).toEqual({ usd: 0.5, durationSec: 30 });
    expect(await api.billedRequest(TEST_PROJECT_ID, '../keys')).toBeUndefined();
    expect(await api.billedRequest('..', 'req-1')).toBeUndefined();
    expect(await api.billedRequest(TEST_PROJECT_ID, 'unknown')).toBeUndefined(); // 404: not billed yet
    expect(deepgram.managementRequests.map((one) => one.path)).toEqual([
      `/v1/projects/${TEST_PROJECT_ID}/requests/req-1`,
      `/v1/projects/${TEST_PROJECT_ID}/requests/unknown`,
    ]);
  });

  it('reads the older, unwrapped request shape too', async () => {
    deepgram = await startDeepgramServer({ management: { bareRequest: true, requests: { 'req-1': { usd: 0.25, duration: 12 } } } });
    const api = await openManagementApi(target(deepgram.url, 'test-key'));
    expect(await api.billedRequest(TEST_PROJECT_ID, 'req-1')).toEqual({ usd: 0.25, durationSec: 12 });
  });

  it('tells a 5xx (5) and a malformed answer (5) apart from a 403 (3, ForbiddenError)', async () => {
    const failing = await plainServer((seen) =>
      seen.url.includes('models')
        ? { status: 503, body: '{"err_code":"X","err_msg":"down"}' }
        : seen.url.includes('token')
          ? { status: 403 }
          : { status: 200, body: '[]' },
    );
    const api = await openManagementApi(target(failing.url, 'test-key'));
    await expect(api.models()).rejects.toMatchObject({ exitCode: 5, message: expect.stringContaining('Deepgram answered HTTP 503: down') as string });
    await expect(api.keyDetails()).rejects.toMatchObject({ exitCode: 3, name: 'ForbiddenError' });
    await expect(api.projects()).rejects.toMatchObject({ exitCode: 5, message: "Deepgram's answer to the project list was not what its API documents" });
  });
});
