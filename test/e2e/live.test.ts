import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectedLines, scriptFromText, startDeepgramServer, type DeepgramServer, type ScriptWord } from '../support/deepgram-server/index.js';
import { collect, startCli, type CliResult } from '../support/run-cli.js';
import { missing } from '../support/system-tools.js';
import { makeSpeech, startVirtmic, type Virtmic } from '../support/virtmic/index.js';
import { tempDir } from '../support/temp.js';

const BYTES_PER_SECOND = 32000;
// What the server "hears" on the audio timeline of the session (the speech itself starts later).
const SCRIPT = scriptFromText('Hello world. This is a test of the live pipeline.', { startAt: 2.0, wordSec: 0.3 });
const LINES = expectedLines(SCRIPT, { endpointingMs: 300 });

describe.skipIf(missing('pulseaudio', 'pactl', 'arecord', 'sox', 'espeak-ng'))(
  'transcribe live on a virtual microphone (apt-get install -y pulseaudio pulseaudio-utils libasound2-plugins alsa-utils sox libsox-fmt-all espeak-ng)',
  () => {
    let mic: Virtmic;
    let speech: { speech: string; padded: string };
    let server: DeepgramServer | undefined;
    beforeAll(() => {
      mic = startVirtmic();
      speech = makeSpeech(tempDir('transcribe-speech-'));
    });
    afterAll(() => mic?.stop());
    afterEach(async () => {
      await server?.close();
      server = undefined;
    });

    async function live(args: string[], env: Record<string, string | undefined> = {}) {
      server = await startDeepgramServer({ script: SCRIPT, idleTimeoutMs: 10_000 });
      const child = startCli(['live', ...args], { env: { ...mic.env, DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url, ...env } });
      return { child, result: collect(child, 60_000) };
    }
    async function untilAudio(seconds: number): Promise<void> {
      await server!.waitForConnections(1, 10_000);
      const deadline = performance.now() + 20_000;
      while ((server!.connections[0]?.audioBytes ?? 0) < seconds * BYTES_PER_SECOND) {
        if (performance.now() > deadline) throw new Error(`the server heard only ${server!.connections[0]?.audioBytes} bytes`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    const heardLines = (): string => {
      const connection = server!.connections[0]!;
      const heard: ScriptWord[] = SCRIPT.filter((word) => word.end <= connection.audioSeconds);
      return expectedLines(heard, { endpointingMs: 300 })
        .map((line) => `${line}\n`)
        .join('');
    };

    it.each(['arecord', 'sox'] as const)(
      '%s: speech reaches Deepgram in frames <= 100 ms; Ctrl+C prints the last words and exits 130',
      async (recorder) => {
        const { child, result } = await live(['--recorder', recorder]);
        await untilAudio(0.2); // the virtual source runs: whatever plays now is captured
        await mic.play(speech.padded);
        await untilAudio(SCRIPT.at(-1)!.end + 0.5);
        const sentAt = performance.now();
        child.kill('SIGINT');
        const { code, stdout, stderr }: CliResult = await result;
        expect(performance.now() - sentAt).toBeLessThan(2000);
        const connection = await server!.waitForClose(0);
        expect({ code, stderr, stdout }).toEqual({ code: 130, stderr: '', stdout: heardLines() });
        expect(stdout).toBe(LINES.join('\n') + '\n');
        expect(connection.textFrames.slice(-2)).toEqual([{ type: 'Finalize' }, { type: 'CloseStream' }]);
        expect(Math.max(...connection.frames.map((frame) => frame.bytes))).toBeLessThanOrEqual(BYTES_PER_SECOND / 10);
        if (recorder === 'arecord') {
          // arecord through the PulseAudio ALSA plugin captures the played samples exactly
          expect(connection.audio.indexOf(readFileSync(speech.speech))).toBeGreaterThan(0);
        }
      },
      60_000,
    );

    it('a stalled microphone (a source that delivers nothing) is kept alive with KeepAlive, not closed with 1011', async () => {
      server = await startDeepgramServer({ script: SCRIPT, idleTimeoutMs: 6000 });
      const child = startCli(['live'], { env: { ...mic.env, PULSE_SOURCE: 'virtmic', DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url } });
      const result = collect(child, 60_000);
      await server.waitForConnections(1, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 8000));
      expect(server.connections[0]!.closeCode).toBeUndefined();
      expect(server.connections[0]!.textFrames).toContainEqual({ type: 'KeepAlive' });
      child.kill('SIGINT');
      expect(await result).toMatchObject({ code: 130, stdout: '' });
      expect(server.connections[0]!.closeCode).toBe(1000);
    }, 30_000);

    it('a silent microphone: one warning with the likely fix, and capture goes on', async () => {
      const { child, result } = await live([]);
      await untilAudio(4);
      child.kill('SIGINT');
      const { code, stderr } = await result;
      expect(code).toBe(130);
      expect(stderr).toBe(
        'transcribe: warning: the microphone gave only digital silence for 3 s; check the input with arecord -l and the default source (pactl info), or choose one with --device (see --list-devices)\n',
      );
    }, 30_000);

    it('no recorder on PATH: exit 4 naming the package to install', async () => {
      const { result } = await live([], { PATH: '/nonexistent' });
      expect(await result).toEqual({
        code: 4,
        signal: null,
        stdout: '',
        stderr:
          'transcribe: cannot record from the microphone: neither arecord nor SoX (rec, sox) is on PATH — install one (Debian/Ubuntu): sudo apt-get install alsa-utils (arecord), or sudo apt-get install sox (rec)\n',
      });
    });

    it('a bogus device: exit 4 with the recorder’s own reason', async () => {
      const { result } = await live(['--device', 'no-such-device']);
      const { code, stdout, stderr } = await result;
      expect({ code, stdout }).toEqual({ code: 4, stdout: '' });
      expect(stderr).toMatch(
        /^transcribe: arecord could not record from "no-such-device": .*no-such-device.* — check the device name "no-such-device" \(arecord -L lists the names\)\n$/,
      );
    });

    it('--check: exit 0 when speech is heard, without Deepgram', async () => {
      const child = startCli(['live', '--check'], { env: { ...mic.env, DEEPGRAM_API_URL: 'http://127.0.0.1:9' } });
      const result = collect(child, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const playing = mic.play(speech.padded);
      const { code, stdout, stderr } = await result;
      await playing;
      expect({ code, stdout }).toEqual({ code: 0, stdout: '' });
      expect(stderr).toMatch(/^transcribe: listening for 5 s with arecord\.\.\.\n/);
      expect(stderr).toMatch(/\ntranscribe: sound heard \(loudest -\d+\.\d dBFS\): the microphone works\n$/);
    }, 30_000);

    it('--check: exit 4 when nothing is heard', async () => {
      const result = await collect(startCli(['live', '--check'], { env: mic.env }), 30_000);
      expect(result.code).toBe(4);
      expect(result.stderr).toMatch(/\ntranscribe: the microphone gave only digital silence in 5 s — check the input with arecord -l/);
    }, 30_000);

    it('--list-devices lists the ALSA devices and the PulseAudio sources', async () => {
      const result = await collect(startCli(['live', '--list-devices'], { env: mic.env }));
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^ALSA devices \(arecord -L\); give a name as the device:\n/);
      expect(result.stdout).toContain('virtmic');
    });
  },
);
