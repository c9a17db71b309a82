import { request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkAccess, cookieName } from '../../src/serve/access.js';
import { parseServe } from '../../src/serve/address.js';
import { CaptionServer } from '../../src/serve/server.js';
import { forThePage, ServeOutput } from '../../src/serve/serve-output.js';
import { EventHistory, parseLastEventId, sseFrame } from '../../src/serve/sse.js';
import { resolveSettings } from '../../src/settings/resolve.js';
import { keepOperands } from '../../src/settings/optional-values.js';
import { options } from '../../src/settings/options.js';
import { said } from './transcript-helpers.js';

describe('--serve [host:port]', () => {
  it.each([
    ['true', { host: '127.0.0.1', port: 7123 }],
    ['8080', { host: '127.0.0.1', port: 8080 }],
    ['0', { host: '127.0.0.1', port: 0 }],
    ['0.0.0.0:8080', { host: '0.0.0.0', port: 8080 }],
    ['192.168.1.20', { host: '192.168.1.20', port: 7123 }],
    ['localhost:9000', { host: 'localhost', port: 9000 }],
    ['[::1]:8080', { host: '::1', port: 8080 }],
    ['[::]', { host: '::', port: 7123 }],
    ['off', false],
  ])('%s', (raw, expected) => {
    expect(parseServe(raw)).toEqual(expected);
  });

  it('a bare --serve before the file name leaves the file alone', () => {
    expect(keepOperands(['--serve', 'talk.mp3', '--serve', '8080'], [options.serve])).toEqual(['--serve=true', 'talk.mp3', '--serve', '8080']);
  });

  it.each(['talk.mp3', 'example.com:80', '300.1.1.1:80', '::1', '127.0.0.1:65536', '127.0.0.1:x', '[talk]:80'])('refuses %s', (raw) => {
    expect(() => parseServe(raw)).toThrow();
  });
});

describe('SSE framing and history', () => {
  it('one message: id, then the NDJSON line as data', () => {
    expect(sseFrame(7, '{"type":"final","text":"a"}')).toBe('id: 7\ndata: {"type":"final","text":"a"}\n\n');
    expect(sseFrame(1, 'a\nb\rc')).toBe('id: 1\ndata: a b c\n\n');
  });

  it.each([
    ['12', 12],
    [' 3 ', 3],
    ['0', 0],
    ['-1', undefined],
    ['1e3', undefined],
    ['', undefined],
    [undefined, undefined],
    ['9'.repeat(16), undefined],
  ])('Last-Event-ID %j -> %j', (raw, expected) => {
    expect(parseLastEventId(raw)).toBe(expected);
  });

  it('resumes after the last id seen: nothing lost, nothing repeated', () => {
    const history = new EventHistory(1000);
    for (const line of ['open', 'a', 'b', 'c']) history.push(line);
    expect(history.since(undefined)).toEqual({ entries: ['open', 'a', 'b', 'c'].map((line, i) => ({ id: i + 1, line })), lost: false });
    expect(history.since(2)).toEqual({
      entries: [
        { id: 3, line: 'b' },
        { id: 4, line: 'c' },
      ],
      lost: false,
    });
    expect(history.since(4)).toEqual({ entries: [], lost: false });
    expect(history.lastId).toBe(4);
  });

  it('bounded by bytes: the oldest go, the first event (open) stays for late clients, and a client that missed dropped ones is told', () => {
    const history = new EventHistory(10);
    for (const line of ['open', 'aaaa', 'bbbb', 'cccc', 'dddd']) history.push(line);
    // Held: bbbb, cccc (8 bytes; dddd makes 12 > 10, so only cccc dddd)
    expect(history.since(undefined)).toEqual({
      entries: [
        { id: 1, line: 'open' },
        { id: 4, line: 'cccc' },
        { id: 5, line: 'dddd' },
      ],
      lost: true,
    });
    expect(history.since(3)).toEqual({
      entries: [
        { id: 4, line: 'cccc' },
        { id: 5, line: 'dddd' },
      ],
      lost: false,
    });
    expect(history.since(1).lost).toBe(true);
    // One event larger than the bound is still kept until the next one.
    const big = new EventHistory(2);
    big.push('0123456789');
    expect(big.since(undefined).entries).toEqual([{ id: 1, line: '0123456789' }]);
  });
});

describe('who may read the transcript', () => {
  const local = { token: undefined, port: 7123 };
  const guarded = { token: 'S3cret-token_value-22c', port: 8080 };
  const request = (url: string, host?: string, cookie?: string) => ({ url, host, cookie });

  it.each([
    ['127.0.0.1:7123', true],
    ['localhost:7123', true],
    ['[::1]:7123', true],
    ['127.0.0.1', true],
    ['evil.example:7123', false],
    ['192.168.1.2:7123', false],
    [undefined, false],
  ])('bound to loopback, Host %s: %s (a rebinding page sends its own name)', (host, allowed) => {
    expect(checkAccess(request('/', host), local).allowed).toBe(allowed);
  });

  it('another interface: the token in the query sets an HttpOnly cookie; the cookie then suffices; anything else is 401', () => {
    expect(checkAccess(request(`/?token=${guarded.token}`, 'x'), guarded)).toEqual({
      allowed: true,
      setCookie: `transcribe_token_8080=${guarded.token}; HttpOnly; SameSite=Strict; Path=/`,
    });
    expect(checkAccess(request('/events', 'x', `a=b; ${cookieName(8080)}=${guarded.token}`), guarded)).toEqual({ allowed: true });
    for (const denied of [
      request('/'),
      request('/?token='),
      request(`/?token=${guarded.token}x`),
      request(`/?token=${guarded.token.slice(1)}`),
      request('/', 'x', `${cookieName(7123)}=${guarded.token}`),
      request('/', 'x', `${cookieName(8080)}=nope`),
    ]) {
      expect(checkAccess(denied, guarded)).toMatchObject({ allowed: false, status: 401 });
    }
  });
});

describe('the page never gets the settings', () => {
  it('the open event keeps only the names of speakers and channels; other lines are unchanged', () => {
    const line = JSON.stringify({
      type: 'open',
      model: 'nova-3',
      language: 'en',
      settings: { 'api-url': 'https://dg.example', output: '/home/ana/secret.txt', keyterm: ['Project X'], diarize: true, speakers: { 0: 'Ana' } },
      started_at: '2026-01-01T00:00:00.000Z',
    });
    expect(JSON.parse(forThePage(line))).toEqual({
      type: 'open',
      model: 'nova-3',
      language: 'en',
      settings: { diarize: true, speakers: { 0: 'Ana' } },
      started_at: '2026-01-01T00:00:00.000Z',
    });
    expect(forThePage('{"type":"final","text":"{\\"type\\":\\"open\\""}')).toBe('{"type":"final","text":"{\\"type\\":\\"open\\""}');
  });

  it('a failing server costs the captions, never the session: ServeOutput does not throw and warns once', () => {
    const warnings: string[] = [];
    const { settings } = resolveSettings({ apiKey: 'k' }, {});
    const output = new ServeOutput(
      () => {
        throw new Error('boom');
      },
      settings,
      () => {},
      (message) => warnings.push(message),
    );
    expect(() => {
      output.open({ startedAt: new Date(0) });
      output.final(said('Hello there.'));
      output.close({ exitCode: 0, reason: 'end', audioSeconds: 1 });
    }).not.toThrow();
    expect(warnings).toEqual(['transcribe: warning: the captions page stopped (boom); the transcript goes on']);
  });
});

describe('CaptionServer in-process', () => {
  let server: CaptionServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  function get(
    path: string,
    headers: Record<string, string> = {},
    untilBytes = 0,
  ): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server!.port, path, headers }, (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (text: string) => {
          body += text;
          if (untilBytes && body.length >= untilBytes) response.destroy();
        });
        const done = () => resolve({ status: response.statusCode!, headers: response.headers, body });
        response.on('end', done).on('close', done);
      });
      req.on('error', reject).end();
    });
  }

  it('/events resumes from Last-Event-ID; /healthz says whether transcription runs; no CORS header anywhere', async () => {
    server = await CaptionServer.start({ address: { host: '127.0.0.1', port: 0 }, retryMs: 500 });
    for (const line of ['{"type":"open"}', '{"type":"final","text":"a"}', '{"type":"final","text":"b"}']) server.publish(line);
    const resumed = await get('/events', { 'Last-Event-ID': '2' }, 'retry: 500\n\nid: 3\ndata: {"type":"final","text":"b"}\n\n'.length);
    expect(resumed.body).toBe('retry: 500\n\nid: 3\ndata: {"type":"final","text":"b"}\n\n');
    expect(resumed.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(resumed.headers['access-control-allow-origin']).toBeUndefined();
    expect(JSON.parse((await get('/healthz')).body)).toEqual({ transcribing: true, clients: 0, last_event_id: 3 });
    server.ended();
    expect(JSON.parse((await get('/healthz')).body)).toMatchObject({ transcribing: false });
    expect((await get('/healthz', { Host: 'evil.example:7123' })).status).toBe(403);
    expect((await get('/nope')).status).toBe(404);
  });

  it('a client that does not read is dropped once its buffer is full; the others and the publisher go on', async () => {
    server = await CaptionServer.start({ address: { host: '127.0.0.1', port: 0 }, clientBufferBytes: 64 * 1024 });
    const stalled = connect(server.port, '127.0.0.1');
    stalled.write('GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    stalled.pause(); // never reads: the kernel buffers fill, then the server's
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.clientCount).toBe(1);
    const line = JSON.stringify({ type: 'final', text: 'x'.repeat(10_000) });
    const started = performance.now();
    for (let i = 0; i < 3000 && server.clientCount > 0; i++) {
      server.publish(line);
      if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(server.clientCount).toBe(0);
    expect(performance.now() - started).toBeLessThan(5000);
    stalled.destroy();
  });

  /** A raw /events client: every byte the server sent, until `done(text)`. */
  function rawEvents(headers: string, done: (text: string) => boolean): Promise<string> {
    return new Promise((resolve, reject) => {
      let text = '';
      const socket = connect(server!.port, '127.0.0.1', () => socket.write(`GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n`));
      socket.setEncoding('latin1').on('data', (chunk: string) => {
        text += chunk;
        if (done(text)) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', reject);
    });
  }

  it('events go to each socket as they are: no chunked framing, the body ends with the connection', async () => {
    server = await CaptionServer.start({ address: { host: '127.0.0.1', port: 0 }, retryMs: 500 });
    const received = rawEvents('', (text) => text.includes('"b"}\n\n'));
    while (server.clientCount === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    server.publish('{"type":"final","text":"a"}');
    await new Promise((resolve) => setTimeout(resolve, 20));
    server.publish('{"type":"final","text":"b"}');
    const [head, body] = (await received).split('\r\n\r\n') as [string, string];
    expect(head).toMatch(/\r\nConnection: close(\r\n|$)/);
    expect(head).not.toMatch(/Transfer-Encoding/i);
    expect(body).toBe('retry: 500\n\nid: 1\ndata: {"type":"final","text":"a"}\n\nid: 2\ndata: {"type":"final","text":"b"}\n\n');
  });

  it('a dropped slow client resumes with the last id it got: every event once, none lost', async () => {
    server = await CaptionServer.start({ address: { host: '127.0.0.1', port: 0 }, clientBufferBytes: 64 * 1024 });
    const stalled = connect(server.port, '127.0.0.1');
    stalled.write('GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    stalled.pause();
    while (server.clientCount === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    let published = 0;
    for (; published < 3000 && server.clientCount > 0; published++) {
      server.publish(JSON.stringify({ type: 'final', text: `${published} ${'x'.repeat(10_000)}` }));
      if (published % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(server.clientCount).toBe(0);
    // What the dropped client still reads: the kernel's buffers, up to where the server cut it.
    const got = await new Promise<string>((resolve) => {
      let text = '';
      stalled.setEncoding('latin1').on('data', (chunk: string) => (text += chunk));
      stalled.on('close', () => resolve(text));
      stalled.resume();
    });
    const ids = [...got.matchAll(/^id: (\d+)\ndata: .*\n\n/gm)].map((match) => Number(match[1]));
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.length).toBeLessThan(published);
    for (; published < 3010; published++) server.publish(JSON.stringify({ type: 'final', text: `${published}` }));
    const last = ids.at(-1)!;
    const resumed = await rawEvents(`Last-Event-ID: ${last}\r\n`, (text) => text.includes('"text":"3009"}\n\n'));
    const again = [...resumed.matchAll(/^id: (\d+)\n/gm)].map((match) => Number(match[1]));
    expect([...ids, ...again]).toEqual(Array.from({ length: 3010 }, (_, i) => i + 1));
  });

  it('with a token: 401 without it, the page with it', async () => {
    server = await CaptionServer.start({ address: { host: '127.0.0.1', port: 0 }, token: 'tok' });
    expect(await get('/')).toMatchObject({ status: 401, body: 'this server needs the access token printed when it started (?token=...)\n' });
    const page = await get('/?token=tok');
    expect(page.status).toBe(200);
    expect(page.headers['set-cookie']).toEqual([`transcribe_token_${server.port}=tok; HttpOnly; SameSite=Strict; Path=/`]);
    expect(page.headers['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(page.body).not.toMatch(/<script>|<style>|\son\w+=|https?:\/\//);
  });
});
