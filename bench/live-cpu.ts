// Measure 7: CPU time of the CLI's node process per second of live audio, 16 kHz mono.
// `transcribe live` records from the virtual microphone (test/support/virtmic: a private
// PulseAudio whose default source hears whatever paplay plays) and streams to the local server,
// whose script makes it print lines as a real session would. Speech (espeak-ng) plays in a loop.
// CPU is user + system time of the node process alone (utime + stime in /proc/<pid>/stat, in
// clock ticks of 1/CLK_TCK s, usually 10 ms), read just before SIGINT; the recorder (arecord, a
// child of node) is read the same way and reported on stderr only.
//   baseline: the same command, SIGINTed as soon as its first audio frame reached the server:
//             start-up CPU (module loading, handshake, recorder start).
//   ours:     (CPU after ~SECONDS s of audio - the median start-up CPU) / audio seconds heard.
// The same figure measured inside each long run (CPU at the end - CPU at the first frame, over
// the audio between) is given in the measure column as a cross-check.
// Runs alternate start-up, long, start-up, long, ...
// `--capture both` (measured after mono, same method): the microphone and the system audio (two
// recorders, aligned into one 16 kHz stereo stream, 64 kB/s to the server), speech looping into both;
// its "per audio second" is per second of the stereo stream. Its alignment (--verbose) is reported on stderr.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { scriptFromText, startDeepgramServer, type DeepgramServer } from '../test/support/deepgram-server/index.js';
import { makeSpeech, startVirtmic, type Virtmic } from '../test/support/virtmic/index.js';
import { API_KEY, benchDataDir, CLI, fixed, median, progress, ROOT, type Row } from './lib.js';

const RUNS = 3;
/**
 * Audio seconds to stream after the first frame in a long run. A minute, because costs that come
 * once but after the first frame (the archive's writer thread starts half a second in, V8
 * compiles what runs often) would otherwise weigh as a third of the figure: over 20 s they added
 * about 3 ms per audio second, over a minute 1; a real session lasts minutes to hours.
 * BENCH_LIVE_SECONDS overrides it.
 */
const SECONDS = Number(process.env.BENCH_LIVE_SECONDS) || 60;
/** Goal: CPU ms per audio second (10 ms per s = 1% of one core). */
const GOAL_MS_PER_SEC = 10;
const TOOLS: Record<string, string> = {
  pulseaudio: 'pulseaudio',
  pactl: 'pulseaudio-utils',
  paplay: 'pulseaudio-utils',
  arecord: 'alsa-utils',
  sox: 'sox',
  'espeak-ng': 'espeak-ng',
};
const APT = 'apt-get install -y pulseaudio pulseaudio-utils libasound2-plugins alsa-utils sox espeak-ng';
const TEXT =
  'Hello world. This is a test of the live transcription pipeline. The quick brown fox jumps over the lazy dog. ' +
  'One two three four five. We measure how much processor time the command line uses while it listens. ' +
  'Every second of speech goes to the server in small frames, and the words come back as lines.';
/** What the server "hears": a line every few seconds of the session, for as long as a run lasts. */
const SCRIPT = scriptFromText('Testing the live path of the command line. '.repeat(12), { startAt: 1, wordSec: 0.3 });

const CLK_TCK = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a live process, in ms (resolution 1000 / CLK_TCK). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

/** utime + stime of each thread of a live process, in ms, summed by thread name (the main thread is the process's name). */
function threadCpuMs(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  for (const task of tasks) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
      const name = task === String(pid) ? 'main' : `${stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))}+${Number(task) - pid}`;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
      byName.set(name, (byName.get(name) ?? 0) + ms);
    } catch {
      // the thread ended meanwhile
    }
  }
  return byName;
}

/** "name +ms" per thread between two readings, the largest first (BENCH_THREADS=1 prints it per long run). */
function threadDelta(before: Map<string, number>, after: Map<string, number>): string {
  return [...after]
    .map(([name, ms]) => [name, ms - (before.get(name) ?? 0)] as const)
    .filter(([, ms]) => ms > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => `${name} ${fixed(ms, 0)}`)
    .join(', ');
}

/** Direct children of a process (the recorder), when the kernel lists them. */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

const missingTools = (): string[] =>
  Object.keys(TOOLS).filter((tool) => !(process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, tool))));

/**
 * test/support/virtmic/index.ts runs its shell scripts from its own directory, which for the
 * compiled bench is dist-bench/test/support/virtmic/: tsc copies no .sh/.pa/.conf files there.
 */
export function provideVirtmicScripts(): void {
  const source = join(ROOT, 'test/support/virtmic');
  const compiled = join(dirname(fileURLToPath(import.meta.url)), '../test/support/virtmic');
  if (compiled === source) return;
  for (const name of readdirSync(source)) if (!name.endsWith('.ts')) copyFileSync(join(source, name), join(compiled, name));
}

interface CpuRun {
  cpuMs: number;
  recorderCpuMs: number;
  audioSeconds: number;
  /** CPU and audio seconds when the first frame arrived (long runs: for the in-run figure). */
  firstCpuMs: number;
  firstAudioSeconds: number;
}

async function waitFor(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('close', (code) => resolve(code))));
}

/** Plays 16 kHz mono s16le `speech` into the virtual microphone over and over until stop() (which kills paplay at once). */
function playLoop(mic: Virtmic, speech: string, sink = 'virtspk'): { stop(): void } {
  let player: ChildProcess | undefined;
  let stopped = false;
  const next = (): void => {
    if (stopped) return;
    player = spawn('paplay', ['--raw', '--format=s16le', '--rate=16000', '--channels=1', `--device=${sink}`, speech], { env: mic.env, stdio: 'ignore' });
    player.on('close', next);
  };
  next();
  return {
    stop() {
      stopped = true;
      if (player?.exitCode === null) player.kill('SIGKILL');
    },
  };
}

/** One `transcribe live` run: SIGINT once `seconds` of audio after the first frame have arrived (0: at the first frame). */
async function liveOnce(mic: Virtmic, speech: string, seconds: number, both = false): Promise<CpuRun & { stderr: string }> {
  const server: DeepgramServer = await startDeepgramServer({ script: SCRIPT, apiKey: API_KEY, keepAudio: false });
  const env: NodeJS.ProcessEnv = { ...mic.env, DEEPGRAM_API_KEY: API_KEY, DEEPGRAM_API_URL: server.url, NO_COLOR: '1' };
  for (const name of Object.keys(env)) if (name.startsWith('TRANSCRIBE_')) delete env[name];
  env.TRANSCRIBE_DATA_DIR = benchDataDir();
  if (process.env.BENCH_NO_HISTORY) env.TRANSCRIBE_HISTORY = 'false'; // the same run without the archive's writer thread
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean); // e.g. --cpu-prof, to see where the time goes
  // BENCH_TTY=1: on a pseudo-terminal (script(1)), so that keys are read and the status line is drawn (4 times a second).
  const onTty = process.env.BENCH_TTY === '1';
  const args = both ? ['live', '--capture', 'both', '--verbose'] : ['live'];
  const command = [process.execPath, ...nodeArgs, CLI, ...args].map((arg) => `'${arg}'`).join(' ');
  const child = onTty
    ? spawn('script', ['-qfec', `exec ${command}`, '/dev/null'], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(process.execPath, [...nodeArgs, CLI, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stdout.resume();
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const code = exited(child);
  let players: { stop(): void }[] = [];
  try {
    // On a terminal, node is script's child (exec'd by its shell).
    if (onTty) await waitFor('node under script', () => childrenOf(child.pid as number).length > 0, 10_000);
    const pid = onTty ? childrenOf(child.pid as number)[0]! : (child.pid as number);
    const heard = (): number => server.connections[0]?.audioSeconds ?? 0;
    await waitFor('the first audio frame', () => (server.connections[0]?.frames.length ?? 0) > 0 || child.exitCode !== null, 20_000);
    if (child.exitCode !== null) throw new Error(`transcribe live exited ${String(child.exitCode)}:\n${stderr}`);
    const firstCpuMs = cpuMs(pid);
    const firstThreads = threadCpuMs(pid);
    const firstAudioSeconds = heard();
    if (seconds > 0) {
      players = [playLoop(mic, speech), ...(both ? [playLoop(mic, speech, 'speakers')] : [])];
      await waitFor(`${seconds} s of audio`, () => heard() >= firstAudioSeconds + seconds || child.exitCode !== null, (seconds + 15) * 1000);
      if (child.exitCode !== null) throw new Error(`transcribe live exited ${String(child.exitCode)}:\n${stderr}`);
    }
    if (process.env.BENCH_THREADS === '1') {
      const threads = threadCpuMs(pid);
      progress(`live CPU: threads at the first frame: ${threadDelta(new Map(), firstThreads)}`);
      if (seconds > 0) progress(`live CPU: threads after it (ms): ${threadDelta(firstThreads, threads)}`);
    }
    const recorderCpuMs = childrenOf(pid).reduce((sum, one) => sum + cpuMs(one), 0);
    const run: CpuRun = { cpuMs: cpuMs(pid), recorderCpuMs, audioSeconds: heard(), firstCpuMs, firstAudioSeconds };
    process.kill(pid, 'SIGINT');
    const exit = await code;
    if (exit !== 130) throw new Error(`transcribe live exited ${exit} after SIGINT, not 130:\n${stderr}`);
    return { ...run, stderr };
  } finally {
    for (const player of players) player.stop();
    if (child.exitCode === null) child.kill('SIGKILL');
    await code;
    await server.close();
  }
}

export async function benchLiveCpu(both = false): Promise<Row[]> {
  const tty = process.env.BENCH_TTY === '1' ? ' on a terminal (keys, status line)' : '';
  const what = both ? 'live --capture both 16 kHz stereo (mic + system)' : 'live 16 kHz mono';
  const measure = `CPU of node per audio s, transcribe ${what}${tty}, ${SECONDS} s of speech (median of ${RUNS})`;
  const goal = `<= ${GOAL_MS_PER_SEC} ms/s (1% of a core)`;
  const absent = missingTools();
  if (absent.length > 0) {
    progress(`live CPU: skipped, missing ${absent.join(', ')}: ${APT}`);
    return [{ measure, baseline: '-', ours: `skipped: no ${absent.join(', ')} (${APT})`, ratio: '-', goal, met: false }];
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-live-'));
  let mic: Virtmic | undefined;
  const startups: CpuRun[] = [];
  const longs: CpuRun[] = [];
  try {
    provideVirtmicScripts();
    mic = startVirtmic();
    const { padded } = makeSpeech(dir, TEXT);
    await liveOnce(mic, padded, 0, both); // warmup: page cache, code cache, the daemon's first client
    for (let i = 0; i < RUNS; i++) {
      const startup = await liveOnce(mic, padded, 0, both);
      startups.push(startup);
      const long = await liveOnce(mic, padded, SECONDS, both);
      longs.push(long);
      progress(
        `live CPU: run ${i + 1}/${RUNS}: start-up ${fixed(startup.cpuMs, 0)} ms; ${fixed(long.audioSeconds, 1)} s of audio: ` +
          `${fixed(long.cpuMs, 0)} ms (${fixed(long.firstCpuMs, 0)} ms at the first frame), recorder ${fixed(long.recorderCpuMs, 0)} ms` +
          (both ? `; ${/capture both: [^\n]*/.exec(long.stderr)?.[0] ?? 'no alignment report'}` : ''),
      );
    }
  } finally {
    mic?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const startupMs = median(startups.map((one) => one.cpuMs));
  const perSec = median(longs.map((one) => (one.cpuMs - startupMs) / one.audioSeconds));
  const inRun = median(longs.map((one) => (one.cpuMs - one.firstCpuMs) / (one.audioSeconds - one.firstAudioSeconds)));
  const recorder = median(longs.map((one) => one.recorderCpuMs / one.audioSeconds));
  return [
    {
      measure: `${measure}; in-run ${fixed(inRun, 1)} ms/s, arecord ${fixed(recorder, 1)} ms/s${both ? ' (both recorders)' : ''}`,
      baseline: `${fixed(startupMs, 0)} ms start-up CPU`,
      ours: `${fixed(perSec, 1)} ms/s (${fixed(perSec / 10, 2)}% core)`,
      ratio: `${fixed(perSec / GOAL_MS_PER_SEC, 2)}x goal`,
      goal,
      met: perSec <= GOAL_MS_PER_SEC,
    },
  ];
}
