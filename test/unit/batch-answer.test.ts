import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePrerecordedAnswer } from '../../src/deepgram/batch-answer.js';
import { transcribeBatch, type BatchRequest } from '../../src/deepgram/batch.js';
import { MAX_REJECTION_BODY_BYTES } from '../../src/deepgram/handshake-errors.js';
import { ExitCode, TranscribeError } from '../../src/errors.js';
import { fixture } from './transcript-helpers.js';

const REAL = fixture('prerecorded-nova3-smartformat-file');

function thrown(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof TranscribeError) return `${error.exitCode} ${error.message}`;
    throw error;
  }
  return 'no error';
}

describe('parsePrerecordedAnswer', () => {
  const withRealAnd = (
    change: (answer: { metadata: Record<string, unknown>; results: { channels: { alternatives: Record<string, unknown>[] }[] } }) => void,
  ): string => {
    const answer = JSON.parse(REAL) as Parameters<typeof change>[0];
    change(answer);
    return JSON.stringify(answer);
  };
  it.each<[string, string, string]>([
    ['the real answer', REAL, 'no error'],
    ['{}', '{}', "5 Deepgram's answer is not a transcript: metadata not an object"],
    ['null', 'null', "5 Deepgram's answer is not a transcript: it is not a JSON object"],
    ['an array', '[]', "5 Deepgram's answer is not a transcript: it is not a JSON object"],
    ['not JSON', '<html>', "5 Deepgram's answer is not a transcript: it is not JSON"],
    [
      'results without channels',
      '{"metadata":{"request_id":"r","duration":1},"results":{}}',
      "5 Deepgram's answer is not a transcript: results.channels not an array",
    ],
    ['a negative duration', withRealAnd((a) => (a.metadata.duration = -1)), "5 Deepgram's answer is not a transcript: metadata.duration not a time >= 0"],
    [
      'words not an array',
      withRealAnd((a) => (a.results.channels[0]!.alternatives[0]!.words = 'many')),
      "5 Deepgram's answer is not a transcript: results.channels[0].alternatives[0].words not an array",
    ],
    [
      'a word without start',
      withRealAnd((a) => delete (a.results.channels[0]!.alternatives[0]!.words as Record<string, unknown>[])[3]!.start),
      "5 Deepgram's answer is not a transcript: results.channels[0].alternatives[0].words[3].start not a time >= 0",
    ],
    [
      'a transcript that is a number',
      withRealAnd((a) => (a.results.channels[0]!.alternatives[0]!.transcript = 1)),
      "5 Deepgram's answer is not a transcript: results.channels[0].alternatives[0].transcript not a string",
    ],
  ])('%s', (_name, body, expected) => {
    expect(thrown(() => parsePrerecordedAnswer(body))).toBe(expected);
  });

  it('strips control characters from every string', () => {
    const body = withRealAnd((a) => {
      a.results.channels[0]!.alternatives[0]!.transcript = 'We\u001b]52;c;eA==\u0007 the\u009b2J people';
      (a.results.channels[0]!.alternatives[0]!.words as Record<string, unknown>[])[0]!.punctuated_word = 'We\u001b[2J';
    });
    const answer = parsePrerecordedAnswer(body);
    expect(answer.results.channels[0]!.alternatives[0]!.transcript).toBe('We]52;c;eA== the2J people');
    expect(answer.results.channels[0]!.alternatives[0]!.words[0]!.punctuated_word).toBe('We[2J');
  });
});

describe('transcribeBatch bounds what it reads', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  async function answerWith(handler: (request: IncomingMessage, response: ServerResponse) => void, options: Partial<BatchRequest> = {}): Promise<string> {
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => handler(request, response));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const started = performance.now();
    try {
      await transcribeBatch({
        url: `http://127.0.0.1:${port}/v1/listen`,
        body: Readable.from([Buffer.alloc(100)]),
        contentType: 'audio/*',
        timeoutMs: 5000,
        ...options,
      });
      return 'ok';
    } catch (error) {
      if (!(error instanceof TranscribeError)) throw error;
      return `${error.exitCode} ${error.message} (${performance.now() - started < 4000 ? 'fast' : 'slow'})`;
    }
  }

  /** Writes `chunk` every `everyMs` until the client goes away. */
  const endless = (status: number, chunk: Buffer, everyMs: number) => (_request: IncomingMessage, response: ServerResponse) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    const write = (): void => {
      if (response.destroyed || response.writableEnded) return;
      if (response.write(chunk)) setTimeout(write, everyMs);
      else response.once('drain', write);
    };
    response.on('close', () => undefined);
    write();
  };

  it('an answer larger than the cap is cut, exit 5', async () => {
    const result = await answerWith(endless(200, Buffer.alloc(64 * 1024, 0x20), 0), { maxAnswerBytes: 1024 * 1024 });
    expect(result).toBe("5 Deepgram's answer is larger than 1.0 MB, more than any real transcript (fast)");
  });

  it('an answer that stops flowing times out by the idle bound', async () => {
    const result = await answerWith(
      (_request, response) => {
        response.writeHead(200);
        response.write('{"metadata":');
      },
      { answerIdleMs: 300 },
    );
    expect(result).toBe("5 Deepgram's answer stalled: nothing for 0.3 s after 0.0 MB (fast)");
  });

  it('a trickling answer (one byte at a time) is bounded as a whole', async () => {
    const result = await answerWith(endless(200, Buffer.from(' '), 20), { timeoutMs: 1000, answerIdleMs: 300 });
    expect(result).toBe("5 Deepgram's answer did not finish within 1 s (0.0 MB so far) (fast)");
  });

  it('a malformed 200 answer ({}) is a service error, exit 5', async () => {
    const result = await answerWith((_request, response) => response.end('{}'));
    expect(result).toBe("5 Deepgram's answer is not a transcript: metadata not an object (fast)");
    expect(ExitCode.network).toBe(5);
  });

  it('an endless refusal body is read only up to its cap', async () => {
    let written = 0;
    const result = await answerWith((request, response) => {
      response.writeHead(429, { 'dg-error': 'Too many requests\u009b2J' });
      const write = (): void => {
        if (response.destroyed) return;
        written += 16 * 1024;
        if (response.write(Buffer.alloc(16 * 1024, 0x61))) setImmediate(write);
        else response.once('drain', write);
      };
      write();
    });
    expect(result).toBe('5 Deepgram is busy: too many requests: Too many requests2J (fast)');
    expect(written).toBeLessThan(MAX_REJECTION_BODY_BYTES * 1000);
  });
});
