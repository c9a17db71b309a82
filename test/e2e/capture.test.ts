import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { scriptFromText, startDeepgramServer, type DeepgramServer, type ScriptWord } from '../support/deepgram-server/index.js';
import { collect, startCli } from '../support/run-cli.js';
import { missing } from '../support/system-tools.js';
import { makeSpeech, startVirtmic, type Virtmic } from '../support/virtmic/index.js';
import { tempDir } from '../support/temp.js';
import { writeBeep } from '../support/audio.js';

const STEREO_BYTES_PER_SECOND = 64000;
const MIC_TEXT = 'Good morning from the microphone.';
const SYSTEM_TEXT = 'Hello from the speakers.';

/** RMS level in dBFS of each channel of interleaved 16-bit stereo, per 100 ms window. */
function channelLevels(audio: Buffer): [number[], number[]] {
  const window = 1600; // frames
  const levels: [number[], number[]] = [[], []];
  for (let start = 0; start + window * 4 <= audio.length; start += window * 4) {
    for (const channel of [0, 1] as const) {
      let sum = 0;
      for (let i = 0; i < window; i++) sum += audio.readInt16LE(start + i * 4 + channel * 2) ** 2;
      const rms = Math.sqrt(sum / window) / 32768;
      levels[channel].push(rms > 0 ? 20 * Math.log10(rms) : -Infinity);
    }
  }
  return levels;
}
/** Per channel, the frame index where each beep starts (a sample over a quarter of full scale after 0.5 s without one). */
function beepOnsets(audio: Buffer): [number[], number[]] {
  const onsets: [number[], number[]] = [[], []];
  const lastLoud = [-Infinity, -Infinity];
  for (let frame = 0; frame * 4 < audio.length; frame++) {
    for (const channel of [0, 1] as const) {
      if (Math.abs(audio.readInt16LE(frame * 4 + channel * 2)) < 8000) continue;
      if (frame - lastLoud[channel]! > 8000) onsets[channel].push(frame);
      lastLoud[channel] = frame;
    }
  }
  return onsets;
}
const LOUD = -45;
const QUIET = -70;
const loudWindows = (levels: number[]) => levels.flatMap((level, index) => (level > LOUD ? [index] : []));

describe.skipIf(missing('pulseaudio', 'pactl', 'paplay', 'arecord', 'sox', 'espeak-ng'))(
  'transcribe live --capture: the microphone and the system audio on a private PulseAudio (apt-get install -y pulseaudio pulseaudio-utils libasound2-plugins alsa-utils sox espeak-ng)',
  () => {
    let audio: Virtmic;
    let micSpeech: { speech: string; padded: string };
    let systemSpeech: { speech: string; padded: string };
    let server: DeepgramServer | undefined;
    beforeAll(() => {
      audio = startVirtmic();
      const dir = tempDir('transcribe-capture-');
      micSpeech = makeSpeech(join(dir, 'mic'), MIC_TEXT);
      systemSpeech = makeSpeech(join(dir, 'system'), SYSTEM_TEXT);
    });
    afterAll(() => audio?.stop());
    afterEach(async () => {
      await server?.close();
      server = undefined;
    });

    async function live(script: ScriptWord[], args: string[]) {
      server = await startDeepgramServer({ script, idleTimeoutMs: 10_000 });
      const child = startCli(['live', ...args], { env: { ...audio.env, DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url } });
      return { child, result: collect(child, 90_000) };
    }
    async function untilAudio(seconds: number, bytesPerSecond = STEREO_BYTES_PER_SECOND): Promise<void> {
      await server!.waitForConnections(1, 15_000);
      const deadline = performance.now() + 40_000;
      while ((server!.connections[0]?.audioBytes ?? 0) < seconds * bytesPerSecond) {
        if (performance.now() > deadline) throw new Error(`the server heard only ${server!.connections[0]?.audioBytes} bytes`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    const heardSeconds = () => server!.connections[0]!.audioBytes / STEREO_BYTES_PER_SECOND;

    it('both: speech into the microphone only is on channel 0, speech out of the speakers only on channel 1; lines labelled You and Others', async () => {
      const script = [...scriptFromText(MIC_TEXT, { startAt: 1, wordSec: 0.3 }), ...scriptFromText(SYSTEM_TEXT, { startAt: 4, wordSec: 0.3, channel: 1 })];
      const saved = join(tempDir('transcribe-capture-wav-'), 'call.wav');
      const { child, result } = await live(script, ['--capture', 'both', '--save-audio', saved]);
      await untilAudio(0.3);
      await audio.play(micSpeech.padded);
      await audio.playSystem(systemSpeech.padded);
      await untilAudio(Math.max(heardSeconds() + 0.5, 6));
      child.kill('SIGINT');
      const { code, stdout, stderr } = await result;
      expect({ code, stderr, stdout }).toEqual({ code: 130, stderr: '', stdout: `[You] ${MIC_TEXT}\n[Others] ${SYSTEM_TEXT}\n` });
      const connection = await server!.waitForClose(0);
      expect(connection.query.get('channels')).toBe('2');
      expect(connection.query.get('multichannel')).toBe('true');
      const [mic, system] = channelLevels(connection.audio);
      const micLoud = loudWindows(mic);
      const systemLoud = loudWindows(system);
      // The microphone speech (about 2.5 s), then the system speech: each only on its own channel.
      expect(micLoud.length).toBeGreaterThan(12);
      expect(systemLoud.length).toBeGreaterThan(8);
      expect(micLoud.every((index) => system[index]! < QUIET)).toBe(true);
      expect(systemLoud.every((index) => mic[index]! < QUIET)).toBe(true);
      expect(Math.max(...micLoud)).toBeLessThan(Math.min(...systemLoud));
      // --save-audio: a 2-channel WAV of exactly what was sent.
      const wav = readFileSync(saved);
      expect([wav.readUInt16LE(22), wav.readUInt32LE(24)]).toEqual([2, 16000]);
      expect(wav.subarray(44).equals(connection.audio)).toBe(true);
    }, 90_000);

    it('both: the same words on both channels (the microphone hears the speakers) print once, as the system’s; NDJSON keeps the echo marked', async () => {
      const script = [...scriptFromText(SYSTEM_TEXT, { startAt: 1, wordSec: 0.3 }), ...scriptFromText(SYSTEM_TEXT, { startAt: 1, wordSec: 0.3, channel: 1 })];
      const run = async (args: string[]) => {
        const { child, result } = await live(script, ['--capture', 'both', ...args]);
        await untilAudio(0.3);
        await Promise.all([audio.play(systemSpeech.padded), audio.playSystem(systemSpeech.padded)]);
        await untilAudio(Math.max(heardSeconds() + 0.5, 3.5));
        child.kill('SIGINT');
        const outcome = await result;
        await server!.close();
        server = undefined;
        return outcome;
      };
      expect(await run([])).toMatchObject({ code: 130, stderr: '', stdout: `[Others] ${SYSTEM_TEXT}\n` });
      expect(await run(['--no-echo-filter'])).toMatchObject({ code: 130, stderr: '', stdout: `[You] ${SYSTEM_TEXT}\n[Others] ${SYSTEM_TEXT}\n` });
      const json = await run(['--format', 'json']);
      const finals = json.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { type: string; channel: number; text: string; echo?: boolean })
        .filter((event) => event.type === 'final')
        .map(({ channel, text, echo }) => ({ channel, text, echo }));
      expect(finals).toEqual([
        { channel: 1, text: SYSTEM_TEXT, echo: undefined },
        { channel: 0, text: SYSTEM_TEXT, echo: true },
      ]);
    }, 120_000);

    it('both: a stalled system source (one that delivers nothing) is filled with silence, and the microphone channel goes on', async () => {
      const script = scriptFromText(MIC_TEXT, { startAt: 1, wordSec: 0.3 });
      // "virtmic" is fed by a FIFO nobody writes to: it delivers no samples at all.
      const { child, result } = await live(script, ['--capture', 'both', '--system-device', 'virtmic']);
      await untilAudio(0.3);
      const startedAt = performance.now();
      const heardAtStart = heardSeconds();
      await audio.play(micSpeech.padded);
      await untilAudio(Math.max(heardSeconds() + 0.5, 5));
      const wall = (performance.now() - startedAt) / 1000;
      child.kill('SIGINT');
      const { code, stdout, stderr } = await result;
      expect({ code, stderr, stdout }).toEqual({ code: 130, stderr: '', stdout: `[You] ${MIC_TEXT}\n` });
      // Audio kept flowing at the microphone's pace (not held back waiting for the system).
      expect(heardSeconds() - heardAtStart).toBeGreaterThan(wall * 0.8);
      const [mic, system] = channelLevels(server!.connections[0]!.audio);
      expect(loudWindows(mic).length).toBeGreaterThan(12);
      expect(system.every((level) => level === -Infinity)).toBe(true);
    }, 90_000);

    it('both: a sound both devices hear at once is at the same place on both channels (within 50 ms)', async () => {
      const beep = join(tempDir('transcribe-capture-beep-'), 'beep.raw');
      writeBeep(beep, 1);
      // A daemon of its own, whose default source (the microphone) is the speakers' monitor: both recorders then hear one
      // sound at the same instant. (A combine sink playing into both sinks did the same, and took the daemon down in a full run.)
      const shared = audio;
      audio = startVirtmic();
      try {
        execFileSync('pactl', ['set-default-source', 'speakers.monitor'], { env: audio.env });
        const { child, result } = await live([], ['--capture', 'both']);
        await untilAudio(0.3);
        const play = () =>
          new Promise<void>((resolve, reject) =>
            execFile('paplay', ['--raw', '--format=s16le', '--rate=16000', '--channels=1', '--device=speakers', beep], { env: audio.env }, (error) =>
              error ? reject(error) : resolve(),
            ),
          );
        for (let i = 0; i < 3; i++) await play();
        await untilAudio(heardSeconds() + 0.3);
        child.kill('SIGINT');
        expect((await result).code).toBe(130);
      } finally {
        audio.stop();
        audio = shared;
      }
      const onsets = beepOnsets(server!.connections[0]!.audio);
      expect(onsets[0]).toHaveLength(3);
      expect(onsets[1]).toHaveLength(3);
      const skewsMs = onsets[0].map((at, i) => ((at - onsets[1][i]!) * 1000) / 16000);
      expect(Math.max(...skewsMs.map(Math.abs))).toBeLessThanOrEqual(50);
    }, 90_000);

    it('both: a system source that fails is exit 4 naming it', async () => {
      const { result } = await live([], ['--capture', 'both', '--system-device', 'no-such-source']);
      const { code, stdout, stderr } = await result;
      expect({ code, stdout }).toEqual({ code: 4, stdout: '' });
      expect(stderr).toMatch(
        /^transcribe: the system audio \(channel 1, no-such-source\): arecord could not record from "pulse": .*No such entity.* — system audio is recorded through PulseAudio or PipeWire \(pipewire-pulse\): check that one runs \(pactl info\), the source name \(transcribe live --list-devices\), and for arecord its ALSA plugin \(libasound2-plugins\)\n$/,
      );
    }, 60_000);

    it('both: a system recorder that dies mid-run is exit 4 naming it, after the microphone’s words are written', async () => {
      const script = scriptFromText(MIC_TEXT, { startAt: 0.5, wordSec: 0.2 });
      const { child, result } = await live(script, ['--capture', 'both']);
      await untilAudio(2.5);
      // The system's recorder: arecord reading the "pulse" ALSA device.
      const recorders = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(' ').map(Number);
      const system = recorders.find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes('-D pulse'));
      expect(system).toBeDefined();
      process.kill(system!, 'SIGKILL');
      const { code, stdout, stderr } = await result;
      expect({ code, stdout, stderr }).toEqual({
        code: 4,
        stdout: `[You] ${MIC_TEXT}\n`,
        stderr:
          'transcribe: the system audio (channel 1, @DEFAULT_MONITOR@): the recorder stopped unexpectedly (arecord, killed by SIGKILL) — system audio is recorded through PulseAudio or PipeWire (pipewire-pulse): check that one runs (pactl info), the source name (transcribe live --list-devices), and for arecord its ALSA plugin (libasound2-plugins)\n',
      });
    }, 60_000);

    it('system: records what the speakers play, not the microphone', async () => {
      const script = scriptFromText(SYSTEM_TEXT, { startAt: 1, wordSec: 0.3 });
      const { child, result } = await live(script, ['--capture', 'system']);
      await untilAudio(0.2, 32000);
      await Promise.all([audio.play(micSpeech.padded), audio.playSystem(systemSpeech.padded)]);
      await untilAudio(Math.max(server!.connections[0]!.audioBytes / 32000 + 0.3, 3), 32000);
      child.kill('SIGINT');
      expect(await result).toMatchObject({ code: 130, stderr: '', stdout: `${SYSTEM_TEXT}\n` });
      const heard = server!.connections[0]!.audio;
      expect(server!.connections[0]!.query.get('channels')).toBe('1');
      expect(heard.indexOf(readFileSync(systemSpeech.speech))).toBeGreaterThan(0);
      expect(heard.indexOf(readFileSync(micSpeech.speech).subarray(0, 3200))).toBe(-1);
    }, 60_000);

    it('--check --capture both: a meter per source; exit 4 naming the silent one', async () => {
      const child = startCli(['live', '--check', '--capture', 'both'], { env: audio.env });
      const result = collect(child, 30_000);
      // Speech into the microphone until the check ends, however long its start takes on a loaded machine.
      let done = false;
      void result.finally(() => (done = true));
      while (!done) await audio.play(micSpeech.padded);
      const { code, stdout, stderr } = await result;
      expect({ code, stdout }).toEqual({ code: 4, stdout: '' });
      expect(stderr).toMatch(/^transcribe: listening for 5 s with arecord \(microphone\) \+ arecord \(system audio: @DEFAULT_MONITOR@\)\.\.\.\n/);
      expect(stderr).toMatch(/\nYou {4}\[#+-*\|?-*\] {2}rms {2}-\d+\.\d dBFS/);
      expect(stderr).toMatch(/\nOthers \[-+\] {2}rms {3}-inf dBFS/);
      expect(stderr).toMatch(/\ntranscribe: the system audio \(Others\) gave only digital silence in 5 s — play something while checking/);
    }, 30_000);
  },
);
