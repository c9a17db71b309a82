import { fileURLToPath } from 'node:url';
import lpcm16 from 'node-record-lpcm16';
import arecordModule from 'node-record-lpcm16/recorders/arecord.js';
import recModule from 'node-record-lpcm16/recorders/rec.js';
import soxModule from 'node-record-lpcm16/recorders/sox.js';
import { AudioSourceError, UsageError } from '../errors.js';
import { childEnv } from './child-env.js';
import { ChunkQueue } from './chunk-queue.js';
import { BYTES_PER_SAMPLE, bytesPerSecond, frameBytes, FRAME_MS, type PcmFormat } from './format.js';
import { startWatchdog } from './watchdog.js';
import { which } from './which.js';

export type RecorderName = 'arecord' | 'sox' | 'rec';
export const RECORDER_NAMES: readonly RecorderName[] = ['arecord', 'sox', 'rec'];

/** Audio per write we ask the recorders for: one frame. */
export const CHUNK_MS = FRAME_MS;
/** No chunk of `pcm` carries more audio than this (two recorder writes). */
export const MAX_CHUNK_MS = 2 * CHUNK_MS;
/** After stop()'s SIGTERM, SIGKILL follows after this long: sox/rec ignore SIGTERM while their source is stalled. */
export const STOP_GRACE_MS = 2000;

export interface RecorderOptions {
  /** Default 16000. */
  sampleRate?: number;
  /** Default 1. */
  channels?: number;
  /** Forces a recorder; by default arecord on Linux when present, else rec, else sox. */
  recorder?: RecorderName;
  /** arecord: an ALSA PCM name (-D). sox/rec: the AUDIODEV of SoX's audio driver (ALSA PCM name on Linux). */
  device?: string;
  env: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
  /** Audio per recorder write (default CHUNK_MS): the stream's frame, so that each read is one frame. */
  chunkMs?: number;
}

export interface RecorderCommand {
  recorder: RecorderName;
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
}

export interface Recording {
  recorder: RecorderName;
  format: PcmFormat;
  /** The recorder's process id (undefined if it could not be started). */
  pid: number | undefined;
  /** Raw linear16 chunks of at most ~100 ms. Ends after stop(); throws AudioSourceError on failure or an end we did not ask for. Single use. */
  pcm: AsyncIterable<Buffer>;
  /** Idempotent; resolves once the child has exited (SIGTERM, then SIGKILL after STOP_GRACE_MS). */
  stop(): Promise<void>;
}

const SHIM = fileURLToPath(new URL('./lpcm16-recorder.cjs', import.meta.url));
const LIBRARY_MODULES = { arecord: arecordModule, sox: soxModule, rec: recModule };

export function installHint(platform: NodeJS.Platform, recorder?: RecorderName): string {
  if (platform === 'darwin') return 'install SoX: brew install sox';
  if (platform === 'win32') return 'install SoX for Windows (https://sourceforge.net/projects/sox/) and add its folder to PATH';
  if (recorder === 'arecord') return 'install alsa-utils (Debian/Ubuntu: sudo apt-get install alsa-utils)';
  if (recorder) return 'install SoX (Debian/Ubuntu: sudo apt-get install sox)';
  return 'install one (Debian/Ubuntu): sudo apt-get install alsa-utils (arecord), or sudo apt-get install sox (rec)';
}

export function formatOf(options: Pick<RecorderOptions, 'sampleRate' | 'channels'>): PcmFormat {
  const format = { sampleRate: options.sampleRate ?? 16000, channels: options.channels ?? 1 };
  if (!Number.isInteger(format.sampleRate) || format.sampleRate < 1000 || format.sampleRate > 384000)
    throw new UsageError(`invalid sample rate: ${format.sampleRate}`, 'give a rate in Hz, e.g. 16000');
  if (!Number.isInteger(format.channels) || format.channels < 1 || format.channels > 8)
    throw new UsageError(`invalid channel count: ${format.channels}`, 'give 1 (mono) or 2 (stereo)');
  return format;
}

/** The recorder to use and its full path. Throws AudioSourceError (exit 4) naming the package to install. */
export function chooseRecorder(options: Pick<RecorderOptions, 'recorder' | 'env' | 'platform'>): { name: RecorderName; path: string } {
  const platform = options.platform ?? process.platform;
  const forced = options.recorder;
  if (forced !== undefined && !RECORDER_NAMES.includes(forced))
    throw new UsageError(`unknown recorder: ${String(forced)}`, `use one of ${RECORDER_NAMES.join(', ')}`);
  const order: RecorderName[] = forced ? [forced] : platform === 'linux' ? ['arecord', 'rec', 'sox'] : ['rec', 'sox'];
  for (const name of order) {
    const path = which(name, options.env);
    if (path) return { name, path };
  }
  if (forced) throw new AudioSourceError(`cannot record with ${forced}: it is not on PATH`, installHint(platform, forced));
  const wanted = platform === 'linux' ? 'neither arecord nor SoX (rec, sox) is' : 'SoX (rec, sox) is not';
  throw new AudioSourceError(`cannot record from the microphone: ${wanted} on PATH`, installHint(platform));
}

/**
 * The library's own command line for the recorder (raw linear16), plus what it cannot express:
 * the device for rec (it drops it; AUDIODEV in the child's environment instead), and settings for
 * chunks of CHUNK_MS instead of 125 ms (arecord) or ~2 s (sox/rec through PulseAudio).
 */
export function recorderCommand(options: RecorderOptions, choice: { name: RecorderName; path: string }): RecorderCommand {
  const format = formatOf(options);
  const platform = options.platform ?? process.platform;
  const device = options.device || undefined;
  const spec = LIBRARY_MODULES[choice.name]({ ...format, audioType: 'raw', device, endOnSilence: false });
  const args = spec.args.map(String);
  const env: Record<string, string | undefined> = childEnv(options.env);
  const chunkMs = options.chunkMs ?? CHUNK_MS;
  if (choice.name === 'arecord') {
    // arecord reads one ALSA period per write; its default period is a quarter of a 500 ms buffer.
    args.splice(args.length - 1, 0, `--period-time=${chunkMs * 1000}`, `--buffer-time=${chunkMs * 8 * 1000}`);
    return { recorder: choice.name, command: choice.path, args, env };
  }
  // SoX reads --buffer samples per block (default 8192: 512 ms at 16 kHz mono), PulseAudio hands
  // over ~2 s fragments unless PULSE_LATENCY_MSEC asks for less, and glibc buffers stdout in 4 KiB
  // (128 ms) whatever sox asks for: stdbuf -o0 unbuffers it (its odd byte counts: ChunkAligner).
  // BSD libc (macOS) is expected to honour the size sox asks for; not measured.
  args.unshift('--buffer', String(Math.round((format.sampleRate * format.channels * chunkMs) / 1000)));
  env.PULSE_LATENCY_MSEC ??= String(chunkMs);
  if (device) env.AUDIODEV = device;
  const stdbuf = platform === 'linux' ? which('stdbuf', options.env) : undefined;
  if (stdbuf) return { recorder: choice.name, command: stdbuf, args: ['-o0', choice.path, ...args], env };
  return { recorder: choice.name, command: choice.path, args, env };
}

/** The recorder's own explanation: its last few distinct stderr lines, without source-location noise. */
export function stderrReason(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) =>
      line
        .trim()
        .replace(/^ALSA lib \S+:\d+:\(\w+\)\s*/, 'ALSA: ')
        .replace(/^arecord: \w+:\d+:\s*/, 'arecord: ')
        .replace(/^\S*?\b(?:sox|rec)(?:\.exe)? FAIL (\w+):\s*/, '$1: '),
    )
    // arecord follows a failed open with its hardware parameters, one `NAME: value` a line: no reason.
    .filter(
      (line) =>
        line &&
        !/^overrun!!!|^Warning: rate is not accurate|^(?:ACCESS|(?:SUB)?FORMAT|\w+_BITS|CHANNELS|RATE|PERIODS?|PERIOD_\w+|BUFFER_\w+|TICK_TIME):/.test(line),
    );
  return [...new Set(lines)].slice(-3).join('; ');
}

/**
 * Passes audio on as it comes, but only whole sample frames (unbuffered sox writes odd byte
 * counts) and at most MAX_CHUNK_MS per chunk (a backlog after a stall arrives as one big read).
 */
export class ChunkAligner {
  private carry: Buffer | undefined;
  private readonly block: number;
  private readonly max: number;
  constructor(format: PcmFormat) {
    this.block = format.channels * BYTES_PER_SAMPLE;
    this.max = frameBytes(format, MAX_CHUNK_MS);
  }
  push(chunk: Buffer): Buffer[] {
    // The usual case: a whole chunk passes as it is, not as a new view of itself.
    if (!this.carry && chunk.length % this.block === 0 && chunk.length <= this.max) return [chunk];
    const data = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    const whole = data.length - (data.length % this.block);
    this.carry = whole < data.length ? Buffer.from(data.subarray(whole)) : undefined;
    const pieces: Buffer[] = [];
    for (let at = 0; at < whole; at += this.max) pieces.push(data.subarray(at, Math.min(whole, at + this.max)));
    return pieces;
  }
}

/** Starts capturing. Throws AudioSourceError/UsageError at once for a missing recorder or bad options; later failures surface through `pcm`. */
export function startRecording(options: RecorderOptions): Recording {
  const format = formatOf(options);
  const choice = chooseRecorder(options);
  const command = recorderCommand(options, choice);
  const platform = options.platform ?? process.platform;
  let library: lpcm16.Recording;
  try {
    library = lpcm16.record({ ...format, audioType: 'raw', recorder: SHIM, transcribeCommand: command });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AudioSourceError(`could not start ${choice.name}: ${reason}`, installHint(platform, choice.name), { cause: error });
  }
  const child = library.process;
  const stdout = library.stream();
  let spawnError: Error | undefined;
  // The library attaches no 'error' listener: without this one, a failed spawn (ENOENT, EACCES) crashes the process.
  child.on('error', (error) => {
    if (child.pid === undefined) spawnError ??= error; // else a failed kill(): the exit tells the rest
  });
  stdout.on('error', () => {}); // the library's "exited with error code" string: we report exit status and stderr instead
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => (stderr = (stderr + text).slice(-4000)));

  const watchdog = startWatchdog(child.pid, options.env); // kills the recorder if we are killed
  let stopRequested = false;
  let expectedExit = false;
  child.once('exit', () => {
    expectedExit = stopRequested; // an exit before our stop() is a failure even if stop() follows
    watchdog.release();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );

  // Read from the start (a chunk that arrives before the consumer iterates is kept), but stop
  // reading when the consumer falls far behind: the recorder then drops audio instead of us hoarding it.
  const highWater = bytesPerSecond(format) * 5;
  const aligner = new ChunkAligner(format);
  const queue = new ChunkQueue({
    taken: (queued) => {
      if (queued < highWater / 2 && stdout.isPaused()) stdout.resume();
    },
    finish: async () => {
      const { code, signal } = await exited;
      if (!expectedExit) throw failure(code, signal);
    },
    abandon: () => stop(), // the consumer broke off: no orphaned recorder
  });
  stdout.on('data', (chunk: Buffer) => {
    const pieces = aligner.push(chunk);
    for (let i = 0; i < pieces.length; i++) queue.push(pieces[i]!);
    if (queue.queuedBytes > highWater && !stopRequested) stdout.pause();
  });
  stdout.once('close', () => queue.end());

  let stopping: Promise<void> | undefined;
  function stop(): Promise<void> {
    stopping ??= (async () => {
      stopRequested = true;
      stdout.resume(); // drain, so that the child's 'close' can follow its exit
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  }

  function failure(code: number | null, signal: NodeJS.Signals | null): AudioSourceError {
    if (spawnError)
      return new AudioSourceError(`could not start ${choice.name}: ${spawnError.message}`, installHint(platform, choice.name), { cause: spawnError });
    const reason = stderrReason(stderr);
    const status = signal ? `killed by ${signal}` : `exit status ${code}`;
    const listed = platform === 'linux' ? ' (arecord -L lists the names)' : '';
    const hint = options.device
      ? `check the device name "${options.device}"${listed}`
      : 'check that a microphone is connected, enabled and not in use by another program';
    const from = options.device ? ` from "${options.device}"` : '';
    if (reason) return new AudioSourceError(`${choice.name} could not record${from}: ${reason}`, hint);
    return new AudioSourceError(`the recorder stopped unexpectedly (${choice.name}, ${status})`, hint);
  }

  return { recorder: choice.name, format, pid: child.pid, pcm: queue, stop };
}
