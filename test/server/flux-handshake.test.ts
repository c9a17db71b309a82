import { describe, expect, it } from 'vitest';
import { FLUX_REFUSED_PARAMS } from '../support/deepgram-server/index.js';
import { connectFlux, FLUX } from './flux-client.js';
import { expectRefusal, LINEAR16, listenUrl, serverPerTest } from './live-client.js';

const start = serverPerTest();

const fluxUrl = (port: number, query: string): string => `ws://127.0.0.1:${port}/v2/listen?${query}`;
const INVALID_QUERY = 'INVALID_QUERY_PARAMETER';

describe('/v2/listen handshake', () => {
  it('refuses a wrong key with 401, logs the attempt, and sends dg-request-id', async () => {
    const dg = await start();
    const refused = await expectRefusal(fluxUrl(dg.port, FLUX), { Authorization: 'Token wrong' });
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ err_code: 'INVALID_AUTH', err_msg: 'Invalid credentials.', request_id: refused.headers['dg-request-id'] });
    expect(dg.connections[0]).toMatchObject({ index: 0, rejectedWith: 401, url: `/v2/listen?${FLUX}` });
  });

  it('counts attempts for faults[i] and the concurrency limit with v1', async () => {
    const dg = await start({ faults: [{ reject: { status: 503 } }], concurrencyLimit: 1 });
    expect((await expectRefusal(fluxUrl(dg.port, FLUX))).status).toBe(503);
    const client = await connectFlux(dg);
    expect((await expectRefusal(fluxUrl(dg.port, FLUX))).status).toBe(429);
    expect((await expectRefusal(listenUrl(dg, LINEAR16))).status).toBe(429);
    client.ws.close();
    expect(dg.connections.map((c) => c.rejectedWith)).toEqual([503, undefined, 429, 429]);
  });

  it('needs a Flux model; a Flux model on /v1/listen is refused too', async () => {
    const dg = await start();
    const unknown = { err_code: 'Bad Request', err_msg: 'Bad Request: No such model/language/tier combination found.' };
    for (const query of [LINEAR16, `model=nova-3&${LINEAR16}`]) {
      const refused = await expectRefusal(fluxUrl(dg.port, query));
      expect([refused.status, refused.body]).toEqual([400, { ...unknown, request_id: refused.headers['dg-request-id'] }]);
    }
    const onV1 = await expectRefusal(listenUrl(dg, FLUX));
    expect([onV1.status, onV1.body.err_msg]).toEqual([400, unknown.err_msg]);
  });

  it.each(FLUX_REFUSED_PARAMS)('refuses %s with 400', async (param) => {
    const dg = await start();
    const refused = await expectRefusal(fluxUrl(dg.port, `${FLUX}&${param}=true`));
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      err_code: INVALID_QUERY,
      err_msg: `'${param}' is not supported by Flux models (/v2/listen).`,
      request_id: refused.headers['dg-request-id'],
    });
    expect(refused.headers['dg-error']).toBe(refused.body.err_msg);
  });

  it.each([
    ['eot_threshold=0.49', "Invalid 'eot_threshold' value of '0.49'."],
    ['eot_threshold=1.01', "Invalid 'eot_threshold' value of '1.01'."],
    ['eot_threshold=high', "Invalid 'eot_threshold' value of 'high'."],
    ['eager_eot_threshold=0.29', "Invalid 'eager_eot_threshold' value of '0.29'."],
    ['eager_eot_threshold=0.91', "Invalid 'eager_eot_threshold' value of '0.91'."],
    ['eot_timeout_ms=499', "Invalid 'eot_timeout_ms' value of '499'."],
    ['eot_timeout_ms=60001', "Invalid 'eot_timeout_ms' value of '60001'."],
    ['eot_timeout_ms=1000.5', "Invalid 'eot_timeout_ms' value of '1000.5'."],
    ['language_hint=de', "'language_hint' is only supported by flux-general-multi."],
    ['redact=pci', "Invalid 'redact' value of 'pci'."],
    ['redact=numbers&redact=ssn', "Invalid 'redact' value of 'ssn'."],
    ['numerals=yes', "Invalid 'numerals' value of 'yes'."],
  ])('refuses %s with 400', async (param, message) => {
    const dg = await start();
    const refused = await expectRefusal(fluxUrl(dg.port, `${FLUX}&${param}`));
    expect([refused.status, refused.body.err_code, refused.body.err_msg]).toEqual([400, INVALID_QUERY, message]);
  });

  it.each([
    ['model=flux-general-multi&language_hint=xx', "Invalid 'language_hint' value of 'xx'."],
    ['model=flux-general-en&encoding=flac', "Invalid 'encoding' value of 'flac'."],
    ['model=flux-general-en&encoding=linear16', "sample_rate is required when encoding is 'linear16' (raw audio has no header to read it from)."],
    ['model=flux-general-en&encoding=linear16&sample_rate=0', "Invalid 'sample_rate' value of '0'."],
  ])('refuses %s with 400', async (query, message) => {
    const dg = await start();
    const refused = await expectRefusal(fluxUrl(dg.port, query));
    expect([refused.status, refused.body.err_msg]).toEqual([400, message]);
  });

  it.each([
    `${FLUX}&eot_threshold=0.5&eager_eot_threshold=0.3&eot_timeout_ms=500`,
    `${FLUX}&eot_threshold=1.0&eager_eot_threshold=0.9&eot_timeout_ms=60000`,
    `${FLUX}&keyterm=Deepgram&keyterm=Flux&redact=numbers&redact=aggressive_numbers&numerals=true&profanity_filter=false&mip_opt_out=true&tag=t`,
    `model=flux-general-multi&${LINEAR16}&language_hint=de&language_hint=en`,
    'model=flux-general-en', // container mode: the WAV header is read
  ])('accepts %s and logs the query', async (query) => {
    const dg = await start();
    const client = await connectFlux(dg, query);
    client.ws.close();
    const log = await dg.waitForClose(0);
    expect(log.rejectedWith).toBeUndefined();
    expect(log.query.toString()).toBe(new URLSearchParams(query).toString());
  });
});
