import { afterEach, describe, expect, it } from 'vitest';
import { INSUFFICIENT_SCOPE, MANAGEMENT_FIXTURES, startDeepgramServer, TEST_PROJECT_ID, type DeepgramServer } from '../support/deepgram-server/index.js';

let server: DeepgramServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function get(path: string, key = 'test-key', method = 'GET'): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server!.url}${path}`, { method, headers: { authorization: `Token ${key}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const REQUEST = 'a3f1c9d2-4b7e-4f9a-8c3d-2e5f7b9a1c0d';

describe('management API of the test server', () => {
  it('answers projects, models and the key check in the fixtures shapes', async () => {
    server = await startDeepgramServer();
    expect(await get('/v1/projects')).toEqual({ status: 200, body: MANAGEMENT_FIXTURES.projects });
    expect(await get('/v1/models')).toEqual({ status: 200, body: MANAGEMENT_FIXTURES.models });
    const token = await get('/v1/auth/token');
    expect(token.body).toMatchObject({ project_uuid: TEST_PROJECT_ID, scopes: ['member'] });
    expect(server.managementRequests.map((one) => [one.method, one.path, one.authorization])).toEqual([
      ['GET', '/v1/projects', 'Token test-key'],
      ['GET', '/v1/models', 'Token test-key'],
      ['GET', '/v1/auth/token', 'Token test-key'],
    ]);
  });

  it("gives a request's billed amount, wrapped or bare; 404 for an unknown id", async () => {
    server = await startDeepgramServer({ management: { requests: { [REQUEST]: { usd: 0.25, duration: 61.5, model: 'nova-2' } } } });
    const found = await get(`/v1/projects/${TEST_PROJECT_ID}/requests/${REQUEST}`);
    expect(found.status).toBe(200);
    expect(found.body.request).toMatchObject({ request_id: REQUEST, response: { details: { usd: 0.25, duration: 61.5, config: { model: 'nova-2' } } } });
    expect((await get(`/v1/projects/${TEST_PROJECT_ID}/requests/other`)).status).toBe(404);
    await server.close();
    server = await startDeepgramServer({ management: { bareRequest: true, requests: { [REQUEST]: { usd: 1, duration: 2 } } } });
    expect((await get(`/v1/projects/${TEST_PROJECT_ID}/requests/${REQUEST}`)).body).toMatchObject({ request_id: REQUEST, response: { details: { usd: 1 } } });
  });

  it('refuses a wrong key (401), a key without usage:read (403), the invalid profile, and other methods', async () => {
    server = await startDeepgramServer({ management: { key: 'no-usage-scope', requests: { [REQUEST]: { usd: 1, duration: 2 } } } });
    expect(await get('/v1/projects', 'wrong')).toMatchObject({ status: 401, body: { err_code: 'INVALID_AUTH' } });
    expect(await get(`/v1/projects/${TEST_PROJECT_ID}/requests/${REQUEST}`)).toMatchObject({ status: 403, body: INSUFFICIENT_SCOPE });
    expect((await get('/v1/auth/token')).body.scopes).toEqual(['usage:write']);
    expect((await get('/v1/projects', 'test-key', 'DELETE')).status).toBe(405);
    await server.close();
    server = await startDeepgramServer({ management: { key: 'invalid' } });
    expect((await get('/v1/models')).status).toBe(401);
  });

  it('waits delayMs before answering', async () => {
    server = await startDeepgramServer({ management: { delayMs: 300 } });
    const started = performance.now();
    await get('/v1/projects');
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });
});
