import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { openAudioSource } from '../../src/audio/source.js';

/** A stdin that has delivered `first` and then waits, as a live producer (arecord | transcribe file -) does. */
function liveStdin(first: Buffer): PassThrough {
  const stdin = new PassThrough();
  stdin.write(first);
  return stdin;
}

const opened = (promise: Promise<unknown>) => Promise.race([promise.then(() => 'opened'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 300))]);

describe('stdin sniffing does not hold back a live raw producer', () => {
  it('raw PCM that cannot start an MPEG frame opens after its first 100 bytes (not 8 kB)', async () => {
    const stdin = liveStdin(Buffer.alloc(100, 0x01));
    const source = openAudioSource('-', { encoding: 'linear16', sampleRate: 16000 }, { stdin, env: {} });
    expect(await opened(source)).toBe('opened');
    await (await source).stop();
    stdin.destroy();
  });

  it('bytes that may start an MPEG frame wait for the second header (or the end of the stream)', async () => {
    const stdin = liveStdin(Buffer.from([0xff, 0xfb, 0x90, 0x64, ...Array(96).fill(0)]));
    const source = openAudioSource('-', { encoding: 'linear16', sampleRate: 16000 }, { stdin, env: {} });
    expect(await opened(source)).toBe('waiting');
    stdin.end();
    await (await source).stop();
  });
});
