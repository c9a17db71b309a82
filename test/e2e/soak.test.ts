import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { wavOf } from '../support/audio.js';
import { expectedLines, scriptFromText, startDeepgramServer, type DeepgramServer } from '../support/deepgram-server/index.js';
import { BIN, cliEnv } from '../support/run-cli.js';
import { missing } from '../support/system-tools.js';
import { tempDir } from '../support/temp.js';

const BYTES_PER_SECOND = 32000;
const MINUTES = 60;

let server: DeepgramServer | undefined;
afterEach(async () => server?.close());

/** Quiet, not-repeating noise, so that every replay can be located by its content. */
function noise(seconds: number): Buffer {
  const pcm = Buffer.alloc(seconds * BYTES_PER_SECOND);
  let state = 12345;
  for (let i = 0; i < pcm.length; i += 2) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0; // 32-bit LCG: exact integer arithmetic
    pcm.writeInt16LE(((state >>> 16) % 200) - 100, i);
  }
  return pcm;
}

describe.skipIf(missing('time'))('soak: an hour of audio through a server that drops every 5 minutes (apt-get install -y time)', () => {
  it('every word once, in order; peak memory bounded (an hour of audio is 115 MB: it must not be held)', async () => {
    const pcm = noise(MINUTES * 60);
    const path = join(tempDir('transcribe-soak-'), 'hour.wav');
    writeFileSync(path, wavOf(pcm, { sampleRate: 16000, channels: 1, bits: 16 }));
    // A sentence every 20 s for the whole hour.
    const text = Array.from({ length: MINUTES * 3 }, (_, i) => `Sentence number ${i + 1} is here.`).join(' ');
    const script = scriptFromText(text, { startAt: 1, wordSec: 0.5, pauseAfterSentenceSec: 17.5 });
    const drop = { dropAfterBytes: { bytes: 5 * 60 * BYTES_PER_SECOND, code: 1011, reason: 'NET-0000' } };
    server = await startDeepgramServer({ script, reference: pcm, keepAudio: true, faults: Array.from({ length: MINUTES / 5 }, () => drop) });
    const env = cliEnv({ DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url });
    const output = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      const args = ['-f', 'peak-rss-kb=%M', process.execPath, BIN, 'file', path, '--speed', 'max'];
      execFile('/usr/bin/time', args, { env, maxBuffer: 1 << 26 }, (error, stdout, stderr) =>
        error ? reject(Object.assign(error, { stderr })) : resolve({ stdout, stderr }),
      );
    });
    expect(output.stdout).toBe(expectedLines(script, { endpointingMs: 300, utteranceEndMs: 1000 }).join('\n') + '\n');
    expect(server.connections.length).toBe(MINUTES / 5 + 1);
    expect(output.stderr).not.toContain('warning'); // a file is never dropped from: it waits for finals
    const peakMb = Number(/peak-rss-kb=(\d+)/.exec(output.stderr)![1]) / 1024;
    expect(peakMb).toBeLessThan(150); // measured 70-105 MB here; the bench compares 60 against 10 minutes
  }, 120_000);
});
