import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { scriptFromText, startDeepgramServer, type DeepgramServer, type DeepgramServerOptions } from '../support/deepgram-server/index.js';
import { BIN, cliEnv, collect, startCli } from '../support/run-cli.js';
import { missing } from '../support/system-tools.js';
import { TmuxScreen } from '../support/tmux.js';
import { makeSpeech, startVirtmic, type Virtmic } from '../support/virtmic/index.js';
import { tempDir } from '../support/temp.js';
import { FRAME_MS } from '../../src/audio/format.js';

const BYTES_PER_SECOND = 32000;
// Words all along the first 30 s of audio, so that finals keep coming before and after a pause.
const SCRIPT = scriptFromText(
  'One two three. Four five six. Seven eight nine. Ten eleven twelve. Thirteen fourteen fifteen. Sixteen seventeen eighteen. Nineteen twenty.',
  { startAt: 0.5, wordSec: 0.3, pauseAfterSentenceSec: 0.9 },
);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The terminal's line discipline after the run, as `stty -a` names it: icanon, echo, isig (or -icanon... in raw mode). */
const STTY_AFTER = `stty -a | tr ' ;' '\\n\\n' | grep -xE -- '-?(icanon|echo|isig)' | tr '\\n' ' '; echo`;

describe.skipIf(missing('tmux', 'pulseaudio', 'arecord', 'espeak-ng'))(
  'steering a live session on a terminal (apt-get install -y tmux pulseaudio alsa-utils espeak-ng)',
  () => {
    let mic: Virtmic;
    let speech: { padded: string };
    let server: DeepgramServer | undefined;
    let screen: TmuxScreen | undefined;
    beforeAll(() => {
      mic = startVirtmic();
      speech = makeSpeech(tempDir('transcribe-speech-'));
    });
    afterAll(() => mic?.stop());
    afterEach(async () => {
      screen?.kill();
      screen = undefined;
      await server?.close();
      server = undefined;
    });

    const audio = () => (server!.connections[0]?.audioBytes ?? 0) / BYTES_PER_SECOND;
    async function until(what: string, done: () => boolean, ms = 10_000): Promise<void> {
      const deadline = performance.now() + ms;
      while (!done()) {
        if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${screen?.capture().join('\n')}`);
        await sleep(50);
      }
    }
    const screenHas = (pattern: RegExp) => screen!.capture().some((line) => pattern.test(line));

    async function start(args: string, width: number, stty?: string, options: Partial<DeepgramServerOptions> = {}) {
      server = await startDeepgramServer({ script: SCRIPT, idleTimeoutMs: 10_000, ...options });
      const env = cliEnv({ ...mic.env, DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url, TERM: 'xterm-256color' });
      // trap: a real SIGINT (once keys are no longer read) must not end this shell before it reports (dash exits on it, and bash after it).
      const command = `sh -c 'trap : INT; "${process.execPath}" "${BIN}" live ${args}; code=$?; ${STTY_AFTER.replace(/'/g, `'"'"'`)}; exit $code'`;
      const socket = join(tempDir('transcribe-tmux-'), 'socket'); // removed with its directory after the test
      screen = TmuxScreen.start(command, { width, height: 30, env, socket, ...(stty ? { stty } : {}) });
      await server.waitForConnections(1, 10_000);
      return screen;
    }

    it('every key at 40 columns: the status line, pause, mark, copy, help, q; raw mode undone', async () => {
      const dir = tempDir('transcribe-steering-');
      const ndjson = join(dir, 'out.ndjson');
      const screen = await start(`--output ${ndjson}`, 40);
      const playing = mic.play(speech.padded);
      const events = () =>
        readFileSync(ndjson, 'utf8')
          .trim()
          .split('\n')
          .map(
            (line) =>
              JSON.parse(line) as { type: string; text?: string; at?: number; paused_seconds?: number; words?: { word: string; start: number; end: number }[] },
          );
      const finals = () => events().filter((event) => event.type === 'final');
      const status = () => screen.capture().at(-1) ?? '';

      await until('the status line', () => audio() >= 1.5 && /^listening {2}0:0\d {2}\[[#-]{8}\] {2}\? keys$/.test(status()));
      expect(screen.capture().every((line) => line.length <= 39)).toBe(true);

      screen.sendKeys('m');
      await until('the mark', () => screenHas(/^--- mark 00:00:0\d ---$/) && /^listening {2}0:0\d {2}mark 0:0\d$/.test(status()));
      await until('two finals', () => screenHas(/^Four five six\.$/));

      const pausedAt = Date.now();
      screen.sendKeys('Space');
      await until('PAUSED', () => /^PAUSED {2}0:\d\d/.test(status()));
      await sleep(300);
      const paused = audio();
      await sleep(1500);
      expect(audio()).toBe(paused); // nothing sent while paused
      const texts = finals().map((event) => event.text);

      screen.sendKeys('c');
      await until('the copy', () => screen.clipboard() !== undefined);
      expect(screen.clipboard()).toBe(texts.at(-1));
      expect(status()).toMatch(/^PAUSED {2}0:\d\d {2}copied the last line$/);
      screen.sendKeys('C');
      await until('the second copy', () => screen.clipboard() !== texts.at(-1));
      expect(screen.clipboard()).toBe(texts.join('\n'));

      screen.sendKeys('?');
      await until('the keys', () => screenHas(/^keys: space {2}pause \/ resume$/));

      screen.sendKeys('Space');
      const pausedFor = (Date.now() - pausedAt) / 1000;
      await until('more audio after the resume', () => audio() >= paused + 3 && /^listening {2}0:\d\d/.test(status()), 15_000);
      screen.sendKeys('q');
      await until('the end', () => screenHas(/^EXIT=/), 15_000);
      await playing;
      const lines = screen.capture();
      expect(lines.at(-1)).toBe('EXIT=0');
      expect(lines.at(-2)).toBe('isig icanon echo'); // the terminal is back to normal (raw mode: -icanon -isig -echo)
      expect(lines.some((line) => /^(listening|PAUSED|reconnecting) /.test(line))).toBe(false); // the status line was cleared
      expect(lines.every((line) => line.length <= 40)).toBe(true);

      // NDJSON: pause, mark and resume on the timeline; words after the pause moved on by it (real time), those before not.
      const all = events();
      const pause = all.find((event) => event.type === 'pause')!;
      const resume = all.find((event) => event.type === 'resume')!;
      expect(all.filter((event) => ['pause', 'mark', 'resume'].includes(event.type)).map((event) => event.type)).toEqual(['mark', 'pause', 'resume']);
      // At least the 1.8 s slept while paused, less one frame (audio is held back in whole frames), at most the time between
      // the two presses (and a keypress's way to the CLI).
      expect(resume.paused_seconds).toBeGreaterThanOrEqual(1.8 - FRAME_MS / 1000);
      expect(resume.paused_seconds).toBeLessThan(pausedFor + 0.5);
      expect(resume.at! - pause.at!).toBeCloseTo(resume.paused_seconds!, 1);
      const words = all.flatMap((event) => event.words ?? []);
      expect(words.length).toBeGreaterThan(9);
      const onTimeline = (t: number) => t + (t > pause.at! ? resume.paused_seconds! : 0);
      words.forEach((word, i) => {
        const said = SCRIPT[i]!;
        expect(word.word.toLowerCase().replace(/[^a-z]/g, '')).toBe(said.text.toLowerCase().replace(/[^a-z]/g, ''));
        if (Math.abs(said.start - pause.at!) > 0.1) expect(word.start).toBeCloseTo(onTimeline(said.start), 1);
      });
      expect(words.some((word) => word.start > resume.at!)).toBe(true);
    }, 90_000);

    it('Ctrl+C in raw mode (a byte, not SIGINT) ends like SIGINT: exit 130; a terminal of 0 columns gets a status line for 80', async () => {
      const screen = await start('', 60, 'cols 0');
      await until('the status line', () => audio() >= 1 && screenHas(/^listening {2}0:0\d {2}\[[#-]{8}\] {2}\? keys$/));
      screen.sendKeys('C-c');
      await until('the end', () => screenHas(/^EXIT=/), 15_000);
      const lines = screen.capture();
      expect(lines.slice(-2)).toEqual(['isig icanon echo', 'EXIT=130']);
      expect(lines.some((line) => /^(listening|PAUSED) /.test(line))).toBe(false);
      expect(server!.connections[0]!.textFrames.slice(-2)).toEqual([{ type: 'Finalize' }, { type: 'CloseStream' }]);
    }, 60_000);

    it('an error ends it with the terminal back to normal too (the server refuses the audio: 1008)', async () => {
      const screen = await start('', 80, undefined, { faults: [{ dropAfterBytes: { bytes: 2 * BYTES_PER_SECOND, code: 1008, reason: 'DATA-0000' } }] });
      await until('the end', () => screenHas(/^EXIT=/), 15_000);
      const lines = screen.capture();
      expect(lines.at(-1)).toMatch(/^EXIT=[1-9]/);
      expect(lines.at(-2)).toBe('isig icanon echo');
      expect(lines.some((line) => line.startsWith('transcribe: Deepgram'))).toBe(true);
      expect(lines.some((line) => /^(listening|PAUSED) /.test(line))).toBe(false);
    }, 60_000);

    it('raw mode ends with the session, not the process: --serve-keep then waits for a Ctrl+C that is a real SIGINT again', async () => {
      const screen = await start('--stop-after 1s --serve 127.0.0.1:0 --serve-keep', 100);
      await until('the session to end', () => screenHas(/the captions stay at/), 15_000);
      screen.sendKeys('C-c');
      await until('the end', () => screenHas(/^EXIT=/), 10_000);
      // The terminal echoes it as ^C: it is in its normal mode again, and the signal ended the wait.
      expect(screen.capture().slice(-2)).toEqual(['^Cisig icanon echo', 'EXIT=0']);
    }, 60_000);

    it('the terminal closing (SIGHUP) while keys are read: the transcript is complete and it exits 129, no crash', async () => {
      const dir = tempDir('transcribe-steering-');
      server = await startDeepgramServer({ script: SCRIPT, idleTimeoutMs: 10_000 });
      const env = cliEnv({ ...mic.env, DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url, TERM: 'xterm-256color' });
      // The shell outlives the terminal (it ignores SIGHUP; transcribe installs its own handler) to record the exit status.
      const run = `"${process.execPath}" "${BIN}" live --output ${dir}/out.txt`;
      const socket = join(tempDir('transcribe-tmux-'), 'socket'); // removed with its directory after the test
      screen = TmuxScreen.start(`sh -c 'trap "" HUP; ${run}; echo $? > ${dir}/status'`, { width: 40, height: 10, env, socket });
      await server.waitForConnections(1, 10_000);
      await until('some words', () => audio() >= 4 && screenHas(/^listening /));
      screen.close(); // the terminal window closes: SIGHUP
      screen = undefined;
      const deadline = performance.now() + 5000;
      while (!existsSync(join(dir, 'status')) && performance.now() < deadline) await sleep(50);
      const connection = await server.waitForClose(0);
      expect(readFileSync(join(dir, 'status'), 'utf8')).toBe('129\n');
      expect(connection.textFrames.slice(-2)).toEqual([{ type: 'Finalize' }, { type: 'CloseStream' }]);
      expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toMatch(/^One two three\.\n/);
    }, 60_000);

    it('--stop-after ends it by itself: exit 0, terminal back to normal', async () => {
      const screen = await start('--stop-after 2s', 80);
      await until('the end', () => screenHas(/^EXIT=/), 15_000);
      expect(screen.capture().slice(-3)).toEqual(['transcribe: --stop-after 2s reached; finishing', 'isig icanon echo', 'EXIT=0']);
      expect(audio()).toBe(2);
    }, 60_000);
  },
);

describe.skipIf(missing('pulseaudio', 'arecord'))('steering when stdin and stderr are not a terminal', () => {
  let mic: Virtmic;
  let server: DeepgramServer | undefined;
  beforeAll(() => (mic = startVirtmic()));
  afterAll(() => mic?.stop());
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('keys are never read from a pipe, and nothing has an escape code; --stop-after ends it with exit 0', async () => {
    server = await startDeepgramServer({ script: SCRIPT, idleTimeoutMs: 10_000 });
    // Were these read as keys: a pause, a mark and an interrupt (exit 130).
    const child = startCli(['live', '--format', 'json', '--stop-after', '2s'], {
      env: { ...mic.env, DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url },
      stdin: ' m\x03q',
    });
    const { code, stdout, stderr } = await collect(child, 30_000);
    expect({ code, stderr }).toEqual({ code: 0, stderr: 'transcribe: --stop-after 2s reached; finishing\n' });
    expect(stdout).not.toContain('\x1b');
    const types = stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { type: string }).type);
    expect(types.filter((type) => ['pause', 'resume', 'mark'].includes(type))).toEqual([]);
    expect(types.at(-1)).toBe('close');
    expect(server.connections[0]!.audioBytes).toBe(2 * BYTES_PER_SECOND);
  }, 40_000);

  it('--stop-on-silence ends a silent capture after that long, cleanly (CloseStream), exit 0', async () => {
    server = await startDeepgramServer({ script: SCRIPT, idleTimeoutMs: 10_000 });
    const child = startCli(['live', '--stop-on-silence', '1.5'], { env: { ...mic.env, DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url } });
    const { code, stderr } = await collect(child, 30_000);
    expect({ code, stderr }).toEqual({ code: 0, stderr: 'transcribe: 1.5s of silence (--stop-on-silence); finishing\n' });
    const connection = await server.waitForClose(0);
    expect(connection.audioBytes).toBe(1.5 * BYTES_PER_SECOND);
    expect(connection.textFrames.at(-1)).toEqual({ type: 'CloseStream' });
  }, 40_000);
});
