import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { expectedUtterancesPrerecorded, scriptFromText, type DeepgramServer } from '../support/deepgram-server/index.js';
import { API_KEY, connect, LINEAR16, serverPerTest, silence, wavHeader, type Message } from './live-client.js';

const fixture = (name: string): Message => JSON.parse(readFileSync(new URL(`../fixtures/deepgram/${name}.json`, import.meta.url), 'utf8'));

const start = serverPerTest();
const AUTH = { Authorization: `Token ${API_KEY}` };

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Message;
}

/**
 * POSTs `body` to /v1/listen?query with node:http, chunked (no Content-Length), honouring
 * backpressure. A function body yields chunks on demand (so a huge body is never in memory).
 */
function post(dg: DeepgramServer, query: string, body: Buffer | (() => Buffer | undefined), headers: Record<string, string> = AUTH): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${dg.url}/v1/listen?${query}`, { method: 'POST', headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: JSON.parse(text) }));
    });
    request.on('error', reject);
    if (Buffer.isBuffer(body)) return void request.end(body);
    const pump = (): void => {
      for (let chunk = body(); chunk !== undefined; chunk = body()) if (!request.write(chunk)) return void request.once('drain', pump);
      request.end();
    };
    pump();
  });
}

const wav = (seconds: number, channels = 1): Buffer => {
  const data = silence(seconds, channels);
  return Buffer.concat([wavHeader(16000, channels, data.length), data]);
};
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
const keys = (value: object): string[] => Object.keys(value);

// Hello, 0.5-0.9 world. 0.9-1.3 | 1 s pause | How 2.3-2.7 are 2.7-3.1 you? 3.1-3.5
const SCRIPT = scriptFromText('Hello, world. How are you?');

describe('pre-recorded: refusals', () => {
  it('refuses a wrong or missing key with 401, dg-error, dg-request-id and the fixture body, and logs it', async () => {
    const dg = await start();
    const { request_id: _id, ...fixtureBody } = fixture('http-error-401-invalid-auth');
    for (const headers of [{ Authorization: 'Token wrong' }, {}] as Record<string, string>[]) {
      const answer = await post(dg, LINEAR16, silence(1), headers);
      expect(answer.status).toBe(401);
      expect(answer.headers['dg-error']).toBe('Invalid credentials.');
      expect(answer.body).toEqual({ ...fixtureBody, request_id: answer.headers['dg-request-id'] });
    }
    const log = await dg.waitForClose(0);
    expect(log).toMatchObject({ index: 0, kind: 'prerecorded', rejectedWith: 401, authorization: 'Token wrong', closedBy: 'server' });
    expect(dg.connections).toHaveLength(2);
  });

  it.each([
    ['raw encoding without sample_rate', 'encoding=linear16', /sample_rate is required/],
    ['a boolean that is not one', `${LINEAR16}&smart_format=yes`, /^Failed to deserialize query parameters: smart_format/],
    ['utterances not a boolean', `${LINEAR16}&utterances=1`, /^Failed to deserialize query parameters: utterances/],
    ['unknown model', `${LINEAR16}&model=nova-9`, /No such model/],
    ['utt_split not a number', `${LINEAR16}&utt_split=soon`, /^Invalid 'utt_split' value of 'soon'\.$/],
  ])('refuses %s with 400 like the handshake', async (_name, query, message) => {
    const dg = await start();
    const answer = await post(dg, query, silence(1));
    expect(answer.status).toBe(400);
    expect(answer.headers['dg-error']).toMatch(message);
    expect(answer.body.err_msg).toMatch(message);
    expect(answer.body.request_id).toBe(answer.headers['dg-request-id']);
    expect(dg.connections[0]?.rejectedWith).toBe(400);
  });

  it('answers unrecognised bytes without encoding (and an empty body) with the "corrupt or unsupported data" 400', async () => {
    const dg = await start();
    const { request_id: _id, ...fixtureBody } = fixture('http-error-400-bad-audio');
    for (const body of [Buffer.from('this is not audio at all'), Buffer.alloc(0)]) {
      const answer = await post(dg, 'smart_format=true', body);
      expect(answer.status).toBe(400);
      expect(answer.headers['dg-error']).toBe(fixtureBody.err_msg);
      expect(answer.body).toEqual({ ...fixtureBody, request_id: answer.headers['dg-request-id'] });
    }
    expect(dg.connections[0]).toMatchObject({ rejectedWith: 400, audioBytes: 24, bodyChunks: 1 });
  });

  it('applies faults[i].reject to the i-th attempt, WebSocket and POST counted together', async () => {
    const dg = await start({ script: SCRIPT, faults: [{}, { reject: { status: 402 } }, { reject: { status: 429, errorText: 'slow down' } }] });
    const live = await connect(dg);
    await live.closeStream();
    const paid = await post(dg, LINEAR16, silence(1));
    expect(paid.status).toBe(402);
    expect(paid.body.err_code).toBe('ASR_PAYMENT_REQUIRED');
    const limited = await post(dg, LINEAR16, silence(1));
    expect([limited.status, limited.headers['dg-error'], limited.body.err_msg]).toEqual([429, 'slow down', 'slow down']);
    expect((await post(dg, LINEAR16, silence(1))).status).toBe(200);
    expect(dg.connections.map((c) => [c.kind, c.rejectedWith])).toEqual([
      ['live', undefined],
      ['prerecorded', 402],
      ['prerecorded', 429],
      ['prerecorded', undefined],
    ]);
  });

  it('dropAfterBytes destroys the socket mid-upload', async () => {
    const dg = await start({ faults: [{ dropAfterBytes: { bytes: 64_000 } }] });
    await expect(post(dg, LINEAR16, silence(10))).rejects.toThrow(/ECONNRESET|EPIPE|socket hang up/);
    expect(dg.connections[0]).toMatchObject({ kind: 'prerecorded', closedBy: 'server' });
  });
});

describe('pre-recorded: transcription', () => {
  it('WAV body with smart_format: words, transcript, metadata (duration from the header, sha256 of the body), fixture shape', async () => {
    const dg = await start({ script: SCRIPT });
    const body = wav(3.2); // "you?" ends at 3.5: not heard
    const answer = await post(dg, 'model=nova-3&smart_format=true', body);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    const real = fixture('prerecorded-nova3-smartformat-file');
    expect(keys(answer.body)).toEqual(keys(real));
    expect(keys(answer.body.metadata)).toEqual(keys(real.metadata));
    expect(answer.body.metadata).toMatchObject({
      transaction_key: 'deprecated',
      request_id: answer.headers['dg-request-id'],
      sha256: sha256(body),
      duration: 3.2,
      channels: 1,
      models: real.metadata.models,
      model_info: real.metadata.model_info,
    });
    expect(answer.body.metadata.created).toMatch(/^\d{4}-\d\d-\d\dT/);
    const alternative = answer.body.results.channels[0].alternatives[0];
    expect(keys(alternative)).toEqual(keys(real.results.channels[0].alternatives[0]));
    expect(alternative.transcript).toBe('Hello, world. How are');
    expect(alternative.confidence).toBe(0.99);
    expect(alternative.words[0]).toEqual({ word: 'hello', start: 0.5, end: 0.9, confidence: 0.99, punctuated_word: 'Hello,' });
    expect(keys(alternative.words[0])).toEqual(keys(real.results.channels[0].alternatives[0].words[0]));
    expect(answer.body.results.utterances).toBeUndefined();

    const log = dg.connections[0];
    expect(log).toMatchObject({
      kind: 'prerecorded',
      audioBytes: body.length,
      audioSeconds: 3.2,
      sha256: sha256(body),
      responseStatus: 200,
      closedBy: 'server',
    });
    expect(log?.query.get('smart_format')).toBe('true');
    expect(log?.headers['content-length']).toBe(String(body.length));
    expect(() => log?.audio).toThrow(/not kept/);
  });

  it('raw linear16 body: seconds from the byte count, bare words without punctuate, no paragraphs', async () => {
    const dg = await start({ script: SCRIPT });
    const answer = await post(dg, LINEAR16, silence(5));
    expect(answer.body.metadata.duration).toBe(5);
    const alternative = answer.body.results.channels[0].alternatives[0];
    expect(alternative.transcript).toBe('hello world how are you');
    expect(alternative.words.map((w: Message) => w.punctuated_word)).toEqual(['hello', 'world', 'how', 'are', 'you']);
    expect(alternative.paragraphs).toBeUndefined();
  });

  it('other containers count as 0 s: nothing is heard', async () => {
    const dg = await start({ script: SCRIPT });
    const ogg = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(5000)]);
    const answer = await post(dg, 'punctuate=true', ogg);
    expect(answer.status).toBe(200);
    expect(answer.body.metadata.duration).toBe(0);
    expect(answer.body.results.channels[0].alternatives[0]).toMatchObject({ transcript: '', confidence: 0, words: [] });
  });

  it('utterances=true splits at pauses longer than utt_split (default 0.8 s), as expectedUtterancesPrerecorded says', async () => {
    const dg = await start({ script: SCRIPT });
    const answer = await post(dg, `${LINEAR16}&punctuate=true&utterances=true`, silence(4));
    const utterances = answer.body.results.utterances;
    expect(utterances.map((u: Message) => keys(u))).toEqual([0, 1].map(() => ['start', 'end', 'confidence', 'channel', 'transcript', 'words', 'id']));
    expect(utterances.map((u: Message) => [u.transcript, u.start, u.end, u.channel])).toEqual([
      ['Hello, world.', 0.5, 1.3, 0],
      ['How are you?', 2.3, 3.5, 0],
    ]);
    expect(utterances[1].words).toHaveLength(3);
    expect(utterances[0].id).toMatch(/^[0-9a-f-]{36}$/);
    expect(utterances.map(({ channel, transcript, start, end }: Message) => ({ channel, transcript, start, end }))).toEqual(
      expectedUtterancesPrerecorded(SCRIPT),
    );

    const merged = await post(dg, `${LINEAR16}&punctuate=true&utterances=true&utt_split=1.5`, silence(4));
    expect(merged.body.results.utterances.map((u: Message) => u.transcript)).toEqual(['Hello, world. How are you?']);
    expect(expectedUtterancesPrerecorded(SCRIPT, { uttSplit: 1.5 }).map((u) => u.transcript)).toEqual(['Hello, world. How are you?']);
  });

  it('diarize=true: speaker on words, utterances split at speaker changes, paragraphs per speaker', async () => {
    const script = [
      ...scriptFromText('Hi there. Can I help?', { speaker: 0, pauseAfterSentenceSec: 0.2 }),
      ...scriptFromText('Yes please.', { startAt: 3, speaker: 1 }),
    ];
    const dg = await start({ script });
    const answer = await post(dg, `${LINEAR16}&smart_format=true&diarize=true&utterances=true`, silence(4));
    const alternative = answer.body.results.channels[0].alternatives[0];
    expect(alternative.words.map((w: Message) => w.speaker)).toEqual([0, 0, 0, 0, 0, 1, 1]);
    expect(keys(alternative.words[0])).toEqual(['word', 'start', 'end', 'confidence', 'speaker', 'punctuated_word']);
    const utterances = answer.body.results.utterances.map(({ transcript, speaker, start, end }: Message) => ({ transcript, speaker, start, end }));
    expect(utterances).toEqual([
      { transcript: 'Hi there. Can I help?', speaker: 0, start: 0.5, end: 2.7 },
      { transcript: 'Yes please.', speaker: 1, start: 3, end: 3.8 },
    ]);
    expect(expectedUtterancesPrerecorded(script, { diarize: true })).toEqual(utterances.map((u: Message) => ({ ...u, channel: 0 })));
    expect(expectedUtterancesPrerecorded(script).map((u) => u.transcript)).toEqual(['Hi there. Can I help? Yes please.']);
    expect(alternative.paragraphs.transcript).toBe('\nSpeaker 0: Hi there. Can I help?\n\nSpeaker 1: Yes please.');
    expect(alternative.paragraphs.paragraphs.map((p: Message) => [p.speaker, p.num_words])).toEqual([
      [0, 5],
      [1, 2],
    ]);
  });

  it('paragraphs=true: the fixture shape, sentences at . ! ?, a new paragraph after a pause over 1.5 s', async () => {
    const script = scriptFromText('One two. Three! Four five?', { pauseAfterSentenceSec: 0.5 });
    script.push(...scriptFromText('Later on.', { startAt: 6 }));
    const dg = await start({ script });
    const answer = await post(dg, `${LINEAR16}&punctuate=true&paragraphs=true`, silence(8));
    const paragraphs = answer.body.results.channels[0].alternatives[0].paragraphs;
    const real = fixture('prerecorded-nova3-smartformat-file').results.channels[0].alternatives[0].paragraphs;
    expect(keys(paragraphs)).toEqual(keys(real));
    expect(keys(paragraphs.paragraphs[0])).toEqual(keys(real.paragraphs[0]));
    expect(keys(paragraphs.paragraphs[0].sentences[0])).toEqual(keys(real.paragraphs[0].sentences[0]));
    expect(paragraphs).toEqual({
      transcript: '\nOne two. Three! Four five?\n\nLater on.',
      paragraphs: [
        {
          sentences: [
            { text: 'One two.', start: 0.5, end: 1.3 },
            { text: 'Three!', start: 1.8, end: 2.2 },
            { text: 'Four five?', start: 2.7, end: 3.5 },
          ],
          start: 0.5,
          end: 3.5,
          num_words: 5,
        },
        { sentences: [{ text: 'Later on.', start: 6, end: 6.8 }], start: 6, end: 6.8, num_words: 2 },
      ],
    });
  });

  it('multichannel=true: one result channel per audio channel, utterances tagged with theirs', async () => {
    const script = [...scriptFromText('Left side.', { channel: 0 }), ...scriptFromText('Right side.', { startAt: 0.7, channel: 1 })];
    const dg = await start({ script });
    const answer = await post(dg, 'multichannel=true&punctuate=true&utterances=true', wav(2, 2));
    expect(answer.body.metadata.channels).toBe(2);
    expect(answer.body.results.channels.map((c: Message) => c.alternatives[0].transcript)).toEqual(['Left side.', 'Right side.']);
    const utterances = answer.body.results.utterances.map(({ channel, transcript }: Message) => [channel, transcript]);
    expect(utterances).toEqual([
      [0, 'Left side.'],
      [1, 'Right side.'],
    ]);
    expect(expectedUtterancesPrerecorded(script, { multichannel: true }).map((u) => [u.channel, u.transcript])).toEqual(utterances);

    const downmixed = await post(dg, 'punctuate=true', wav(2, 2));
    expect(downmixed.body.results.channels).toHaveLength(1);
    expect(downmixed.body.results.channels[0].alternatives[0].transcript).toBe('Left Right side. side.');
  });

  it('prerecordedDelayMs delays the answer after the body ends', async () => {
    const dg = await start({ script: SCRIPT, prerecordedDelayMs: 300 });
    const began = Date.now();
    expect((await post(dg, LINEAR16, silence(1))).status).toBe(200);
    expect(Date.now() - began).toBeGreaterThanOrEqual(290);
  });

  it('streams a 100 MB body (no Content-Length) without holding it in memory', async () => {
    const dg = await start({ script: SCRIPT });
    const chunk = Buffer.alloc(1 << 20, 1);
    const total = 100;
    const hash = createHash('sha256');
    let sent = 0;
    const next = (): Buffer | undefined => {
      if (sent === total) return undefined;
      sent++;
      hash.update(chunk);
      return chunk;
    };
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const began = Date.now();
    const answer = await post(dg, LINEAR16, next);
    const rssDelta = process.memoryUsage().rss - rssBefore;
    expect(answer.status).toBe(200);
    expect(answer.body.metadata.sha256).toBe(hash.digest('hex'));
    expect(answer.body.metadata.duration).toBe((total << 20) / 32_000);
    expect(answer.body.results.channels[0].alternatives[0].words).toHaveLength(5);
    expect(dg.connections[0]?.audioBytes).toBe(total << 20);
    expect(dg.connections[0]?.bodyChunks).toBeGreaterThan(total);
    expect(dg.connections[0]?.headers['transfer-encoding']).toBe('chunked');
    expect(rssDelta).toBeLessThan(50 * 2 ** 20);
    expect(Date.now() - began).toBeLessThan(10_000);
  });
});
