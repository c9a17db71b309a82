import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startDeepgramServer } from '../support/deepgram-server/index.js';
import { API_KEY, connect, expectRefusal, LINEAR16, listenUrl, serverPerTest } from './live-client.js';

const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(`../fixtures/deepgram/${name}.json`, import.meta.url), 'utf8'));

const start = serverPerTest();

describe('authentication', () => {
  it('refuses a wrong key with 401 INVALID_AUTH, dg-error, dg-request-id and the fixture body', async () => {
    const dg = await start();
    const refused = await expectRefusal(listenUrl(dg), { Authorization: 'Token wrong' });
    const { request_id: _id, ...fixtureBody } = fixture('http-error-401-invalid-auth');
    expect(refused.status).toBe(401);
    expect(refused.headers['content-type']).toBe('application/json');
    expect(refused.headers['dg-error']).toBe('Invalid credentials.');
    expect(refused.body).toEqual({ ...fixtureBody, request_id: refused.headers['dg-request-id'] });
    expect(refused.body.request_id).toMatch(/^[0-9a-f-]{36}$/);

    const log = await dg.waitForClose(0);
    expect(log).toMatchObject({ index: 0, rejectedWith: 401, authorization: 'Token wrong', closedBy: 'server' });
    expect(log.requestId).toBe(refused.body.request_id);
  });

  it('refuses a missing key', async () => {
    const dg = await start();
    expect((await expectRefusal(listenUrl(dg), {})).status).toBe(401);
  });

  it.each([
    ['Token', [], { Authorization: `Token ${API_KEY}` }],
    ['Bearer', [], { Authorization: `Bearer ${API_KEY}` }],
    ['subprotocols (browser form)', ['token', API_KEY], {}],
  ])('accepts the key as %s, and the 101 carries dg-request-id', async (_form, protocols, headers) => {
    const dg = await start();
    const upgrade = new Promise<string | undefined>((resolve, reject) => {
      const ws = new WebSocket(listenUrl(dg), protocols, { headers });
      ws.on('upgrade', (response) => resolve(response.headers['dg-request-id'] as string | undefined));
      ws.on('open', () => ws.close());
      ws.on('error', reject);
    });
    await dg.waitForConnections(1);
    expect(await upgrade).toBe(dg.connections[0]?.requestId);
  });

  it('needs no key when apiKey is null (self-hosted)', async () => {
    const dg = await start({ apiKey: null });
    const client = await connect(dg, LINEAR16, {});
    client.ws.close();
    expect(dg.connections[0]?.authorization).toBeUndefined();
  });

  it('answers 404 off /v1/listen and /v2/listen', async () => {
    const dg = await start();
    const refused = await expectRefusal(`ws://127.0.0.1:${dg.port}/v3/listen`);
    expect(refused.status).toBe(404);
    expect(refused.headers['dg-request-id']).toBe(refused.body.request_id);
  });
});

describe('plain HTTP', () => {
  it('answers another method on /v1/listen with 405, off it with 404, both with dg-request-id, unlogged', async () => {
    const dg = await start();
    for (const [path, status] of [
      ['/v1/listen', 405],
      ['/v2/listen', 404],
    ] as const) {
      const response = await fetch(`${dg.url}${path}`, { method: path === '/v1/listen' ? 'GET' : 'POST' });
      expect(response.status).toBe(status);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body.request_id).toBe(response.headers.get('dg-request-id'));
    }
    expect(dg.connections).toEqual([]);
  });

  it('refuses a drop code that cannot be sent in a close frame', async () => {
    await expect(startDeepgramServer({ faults: [{ dropAfterBytes: { bytes: 1, code: 1006 } }] })).rejects.toThrow(/abrupt/);
  });
});

describe('query validation', () => {
  it.each([
    ['raw encoding without sample_rate', 'encoding=linear16', 'INVALID_QUERY_PARAMETER', /sample_rate is required/],
    ['mulaw without sample_rate', 'encoding=mulaw', 'INVALID_QUERY_PARAMETER', /sample_rate is required/],
    ['unknown encoding', 'encoding=mp3', 'INVALID_QUERY_PARAMETER', /^Invalid 'encoding' value of 'mp3'\.$/],
    ['unknown model', `${LINEAR16}&model=nova-9`, 'Bad Request', /No such model\/language\/tier combination found/],
    [
      'keywords with nova-3',
      `${LINEAR16}&model=nova-3&keywords=foo:2`,
      'INVALID_QUERY_PARAMETER',
      /^Keywords are not supported for Nova-3\. Please use `keyterm` instead\.$/,
    ],
    ['keyterm with nova-2', `${LINEAR16}&model=nova-2&keyterm=foo`, 'INVALID_QUERY_PARAMETER', /Keyterm/],
    ['keyterm with the default model', `${LINEAR16}&keyterm=foo`, 'INVALID_QUERY_PARAMETER', /Keyterm/],
    [
      'utterance_end_ms below 1000',
      `${LINEAR16}&interim_results=true&utterance_end_ms=999`,
      'INVALID_QUERY_PARAMETER',
      /^Invalid 'utterance_end_ms' value of '999'\.$/,
    ],
    ['utterance_end_ms above 5000', `${LINEAR16}&interim_results=true&utterance_end_ms=5001`, 'INVALID_QUERY_PARAMETER', /'5001'/],
    ['utterance_end_ms without interim_results', `${LINEAR16}&utterance_end_ms=1000`, 'INVALID_QUERY_PARAMETER', /requires interim_results=true/],
    [
      'utterance_end_ms with interim_results=false',
      `${LINEAR16}&interim_results=false&utterance_end_ms=1000`,
      'INVALID_QUERY_PARAMETER',
      /requires interim_results/,
    ],
    ['non-numeric sample_rate', 'encoding=linear16&sample_rate=16k', 'INVALID_QUERY_PARAMETER', /Failed to deserialize query parameters: sample_rate/],
    ['non-numeric channels', `${LINEAR16}&channels=two`, 'INVALID_QUERY_PARAMETER', /channels/],
    ['non-numeric endpointing', `${LINEAR16}&endpointing=soon`, 'INVALID_QUERY_PARAMETER', /endpointing/],
    [
      'boolean that is not true/false',
      `${LINEAR16}&interim_results=yes`,
      'INVALID_QUERY_PARAMETER',
      /interim_results: provided string was not `true` or `false`/,
    ],
    ['boolean given as 1', `${LINEAR16}&smart_format=1`, 'INVALID_QUERY_PARAMETER', /smart_format/],
  ])('400 for %s', async (_case, query, errCode, message) => {
    const dg = await start();
    const refused = await expectRefusal(listenUrl(dg, query));
    expect(refused.status).toBe(400);
    expect(refused.body.err_code).toBe(errCode);
    expect(refused.body.err_msg).toMatch(message);
    expect(refused.headers['dg-error']).toBe(refused.body.err_msg);
    expect(refused.body.request_id).toBe(refused.headers['dg-request-id']);
    expect((await dg.waitForClose(0)).rejectedWith).toBe(400);
  });

  it.each([
    ['no parameters at all (container mode)', ''],
    ['sample_rate without encoding', 'sample_rate=16000'],
    ['endpointing=false', `${LINEAR16}&endpointing=false`],
    ['endpointing in ms', `${LINEAR16}&endpointing=300`],
    ['keyterm with nova-3, repeated', `${LINEAR16}&model=nova-3&keyterm=a&keyterm=b`],
    ['keywords with nova-2', `${LINEAR16}&model=nova-2-meeting&keywords=foo:2`],
    ['utterance_end_ms with interim_results', `${LINEAR16}&interim_results=true&utterance_end_ms=1000`],
    ['every boolean as true', `${LINEAR16}&punctuate=true&smart_format=true&diarize=true&vad_events=true&numerals=true`],
    ['unknown extra parameters', `${LINEAR16}&tag=x&extra=k:v&language=multi&redact=pci&redact=ssn`],
  ])('accepts %s', async (_case, query) => {
    const dg = await start();
    const client = await connect(dg, query);
    client.ws.close();
    expect(dg.connections[0]?.rejectedWith).toBeUndefined();
    expect(dg.connections[0]?.query.toString()).toBe(new URLSearchParams(query).toString());
  });
});

describe('reject fault', () => {
  it.each([
    [402, 'ASR_PAYMENT_REQUIRED', 'http-error-402-payment-required'],
    [403, 'INSUFFICIENT_PERMISSIONS', 'http-error-403-model-access'],
    [429, 'TOO_MANY_REQUESTS', 'http-error-429-too-many-requests'],
  ])('refuses with %i and the fixture body', async (status, errCode, name) => {
    const dg = await start({ faults: [{ reject: { status } }] });
    const refused = await expectRefusal(listenUrl(dg));
    expect(refused.status).toBe(status);
    expect(refused.body).toEqual({ ...fixture(name), err_code: errCode, request_id: refused.headers['dg-request-id'] });
    expect(refused.headers['dg-error']).toBe(refused.body.err_msg);
  });

  it('uses errorText for dg-error and err_msg, and sends a custom body as given', async () => {
    const dg = await start({
      faults: [
        { reject: { status: 503, errorText: 'Service is down for a moment.' } },
        { reject: { status: 500, body: { category: 'INTERNAL', message: 'oops', details: 'x', request_id: 'r' } } },
      ],
    });
    const first = await expectRefusal(listenUrl(dg));
    expect(first.status).toBe(503);
    expect(first.headers['dg-error']).toBe('Service is down for a moment.');
    expect(first.body).toMatchObject({ err_code: 'INTERNAL_SERVER_ERROR', err_msg: 'Service is down for a moment.' });
    const second = await expectRefusal(listenUrl(dg));
    expect(second.body).toEqual({ category: 'INTERNAL', message: 'oops', details: 'x', request_id: 'r' });
    expect(second.headers['dg-error']).toBe('oops');
  });

  it('applies faults by attempt index: a refused attempt counts, the next one is served', async () => {
    const dg = await start({ faults: [{ reject: { status: 429 } }] });
    expect((await expectRefusal(listenUrl(dg))).status).toBe(429);
    const client = await connect(dg);
    client.ws.close();
    await dg.waitForConnections(2);
    expect(dg.connections.map((c) => c.rejectedWith)).toEqual([429, undefined]);
    expect(dg.connections[0]?.requestId).not.toBe(dg.connections[1]?.requestId);
  });

  it('checks credentials before the fault', async () => {
    const dg = await start({ faults: [{ reject: { status: 429 } }] });
    expect((await expectRefusal(listenUrl(dg), {})).status).toBe(401);
  });
});
