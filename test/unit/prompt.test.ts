import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { readSecret } from '../../src/terminal/prompt.js';

const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });

describe('readSecret from a pipe: the first line of stdin', () => {
  it.each([
    ['a line', ['dg-key\n'], 'dg-key'],
    ['split across chunks', ['dg-', 'k', 'ey\r\nmore\n'], 'dg-key'],
    ['no newline', ['dg-key'], 'dg-key'],
    ['nothing', [], ''],
  ])('%s', async (_name, chunks, key) => {
    expect(await readSecret(Readable.from(chunks.map((chunk) => Buffer.from(chunk))), quiet, 'key: ')).toBe(key);
  });

  it('gives up on a first line too long for a key, even on endless input', async () => {
    // `cat /dev/zero | transcribe config set api-key` held all of stdin, searching it again for each chunk.
    // Like a pipe, it lets timers run between chunks (so that this test times out, not hangs, without the limit).
    const endless = Readable.from(
      (async function* () {
        for (;;) {
          await new Promise((resolve) => setImmediate(resolve));
          yield Buffer.alloc(65_536, 'x');
        }
      })(),
    );
    await expect(readSecret(endless, quiet, 'key: ')).rejects.toMatchObject({
      message: 'the first line of stdin is too long to be an API key',
      exitCode: ExitCode.usage,
    });
  }, 5_000);
});
