import { AudioSourceError, TranscribeError } from '../errors.js';
import { ChannelAligner, type AlignerStats } from './align.js';
import { ChunkQueue, forEachChunk } from './chunk-queue.js';
import type { PcmFormat } from './format.js';
import { loopbackDevice, runCommand, type CommandRunner } from './loopback.js';
import type { Clock } from './pacer.js';
import { chooseRecorder, formatOf, startRecording, type RecorderOptions, type Recording } from './recorder.js';

export type CaptureMode = 'mic' | 'system' | 'both';
export const CAPTURE_MODES: readonly CaptureMode[] = ['mic', 'system', 'both'];
/** Channel names of `--capture both` unless `--channel-names` says otherwise. */
export const BOTH_CHANNEL_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'You'],
  [1, 'Others'],
]);

/** PulseAudio's and PipeWire's name for the monitor of the default output. */
export const DEFAULT_MONITOR = '@DEFAULT_MONITOR@';

export interface CaptureOptions {
  mode: CaptureMode;
  /** The microphone's recorder settings (`--device`, `--recorder`, rate); `channels` is the microphone's for `mic`. */
  recorder: RecorderOptions;
  /** `--system-device`: a PulseAudio/PipeWire source (Linux) or a loopback input's name (macOS, Windows). */
  systemDevice?: string;
  clock: Clock;
  /** Lists devices on macOS/Windows (tests pass captured output). */
  run?: CommandRunner;
}

export interface Capture {
  format: PcmFormat;
  /** Linear16 chunks; throws AudioSourceError naming the source that failed. */
  pcm: AsyncIterable<Buffer>;
  /** For messages: `arecord`, or `arecord (microphone) + arecord (system audio: @DEFAULT_MONITOR@)`. */
  description: string;
  /** How far `both` had to correct the two clocks. */
  alignment?: AlignerStats;
  stop(): Promise<void>;
}

/** What `system` records from and how, per platform. */
export async function systemRecorderOptions(options: CaptureOptions): Promise<{ recorder: RecorderOptions; source: string }> {
  const base = { ...options.recorder, channels: 1 };
  const platform = base.platform ?? process.platform;
  if (platform === 'darwin' || platform === 'win32') {
    const device = options.systemDevice ?? (await loopbackDevice(platform, options.run ?? runCommand(base.env)));
    return { recorder: { ...base, device }, source: device };
  }
  // Through PulseAudio (or PipeWire's pulse server), whose clients take their source from PULSE_SOURCE:
  // arecord via its "pulse" ALSA device, SoX via its pulseaudio driver.
  const source = options.systemDevice ?? DEFAULT_MONITOR;
  const choice = chooseRecorder(base);
  const env = { ...base.env, PULSE_SOURCE: source };
  if (choice.name === 'arecord') return { recorder: { ...base, recorder: 'arecord', device: 'pulse', env }, source };
  const { device: _ignored, ...rest } = base;
  return { recorder: { ...rest, recorder: choice.name, env: { ...env, AUDIODRIVER: 'pulseaudio', AUDIODEV: undefined } }, source };
}

function systemHint(platform: NodeJS.Platform): string {
  if (platform === 'darwin' || platform === 'win32') return 'check the loopback input named by --system-device (see transcribe live --list-devices)';
  return 'system audio is recorded through PulseAudio or PipeWire (pipewire-pulse): check that one runs (pactl info), the source name (transcribe live --list-devices), and for arecord its ALSA plugin (libasound2-plugins)';
}

/** The same error, saying which source it came from. */
function named(error: unknown, what: string, hint?: string): Error {
  if (!(error instanceof TranscribeError)) return error instanceof Error ? error : new Error(String(error));
  return new AudioSourceError(`${what}: ${error.message}`, hint ?? error.hint, { cause: error });
}

/** Starts recording what `mode` asks for. Fails at once (exit 4) for a missing recorder or loopback device. */
export async function startCapture(options: CaptureOptions): Promise<Capture> {
  const platform = options.recorder.platform ?? process.platform;
  if (options.mode === 'mic') {
    const recording = startRecording(options.recorder);
    return { format: recording.format, pcm: recording.pcm, description: recording.recorder, stop: () => recording.stop() };
  }
  const system = await systemRecorderOptions(options);
  const systemWhat = `the system audio (${system.source})`;
  if (options.mode === 'system') {
    const recording = guard(() => startRecording(system.recorder), systemWhat, systemHint(platform));
    return {
      format: recording.format,
      pcm: renamed(recording.pcm, systemWhat, systemHint(platform)),
      description: `${recording.recorder} (${system.source})`,
      stop: () => recording.stop(),
    };
  }
  const micWhat = 'the microphone (channel 0)';
  const channelWhat = `the system audio (channel 1, ${system.source})`;
  const mic = guard(() => startRecording({ ...options.recorder, channels: 1 }), micWhat);
  let other: Recording;
  try {
    other = guard(() => startRecording(system.recorder), channelWhat, systemHint(platform));
  } catch (error) {
    await mic.stop();
    throw error;
  }
  return interleave(mic, other, options.clock, options.recorder.chunkMs, {
    micWhat,
    systemWhat: channelWhat,
    systemHint: systemHint(platform),
    description: `${mic.recorder} (microphone) + ${other.recorder} (system audio: ${system.source})`,
  });
}

function guard(start: () => Recording, what: string, hint?: string): Recording {
  try {
    return start();
  } catch (error) {
    throw named(error, what, hint);
  }
}

async function* renamed(pcm: AsyncIterable<Buffer>, what: string, hint: string): AsyncGenerator<Buffer> {
  try {
    yield* pcm;
  } catch (error) {
    throw named(error, what, hint);
  }
}

function samplesOf(chunk: Buffer): Int16Array {
  // Recorder chunks are fresh buffers; one at an odd offset cannot be viewed as 16-bit samples.
  if (chunk.byteOffset % 2 === 0) return new Int16Array(chunk.buffer, chunk.byteOffset, chunk.length >> 1);
  return new Int16Array(Uint8Array.from(chunk).buffer, 0, chunk.length >> 1);
}

/** `both`: the microphone on channel 0, the system on channel 1, aligned; the first source to fail stops both and names itself. */
function interleave(
  mic: Recording,
  system: Recording,
  clock: Clock,
  frameMs: number | undefined,
  names: { micWhat: string; systemWhat: string; systemHint: string; description: string },
): Capture {
  const aligner = new ChannelAligner({ sampleRate: mic.format.sampleRate, ...(frameMs ? { frameMs } : {}) }, clock.now());
  let failure: Error | undefined;
  let stopping: Promise<void> | undefined;
  const stopBoth = () => (stopping ??= Promise.all([mic.stop(), system.stop()]).then(() => undefined));
  const queue = new ChunkQueue({
    taken: () => {},
    finish: async () => {
      await pumps;
      if (failure) throw failure;
    },
    abandon: stopBoth,
  });
  const pump = (recording: Recording, channel: 0 | 1, what: string, hint?: string) =>
    forEachChunk(recording.pcm, (chunk) => {
      for (const stereo of aligner.push(channel, samplesOf(chunk), clock.now())) queue.push(stereo);
      return undefined;
    }).catch((error: unknown) => {
      failure ??= named(error, what, hint);
      return stopBoth().catch(() => {}); // the first failure is the one reported
    });
  const pumps = Promise.all([pump(mic, 0, names.micWhat), pump(system, 1, names.systemWhat, names.systemHint)]).then(() => queue.end());
  return {
    format: formatOf({ sampleRate: mic.format.sampleRate, channels: 2 }),
    pcm: queue,
    description: names.description,
    alignment: aligner.stats,
    stop: stopBoth,
  };
}

/** For --verbose: how far apart the two clocks ran, and what it took to keep the channels together. */
export function alignmentSummary(stats: AlignerStats, sampleRate = 16000): string {
  const ms = (samples: number) => Math.round((samples * 1000) / sampleRate);
  const parts = [
    `channels within ${stats.maxSkewMs.toFixed(1)} ms of each other`,
    `silence dropped ${ms(stats.dropped[0])}/${ms(stats.dropped[1])} ms and inserted ${ms(stats.padded[0])}/${ms(stats.padded[1])} ms (microphone/system)`,
  ];
  if (stats.stalls[0] + stats.stalls[1] > 0) parts.push(`stalls ${stats.stalls[0]}/${stats.stalls[1]}`);
  return `capture both: ${parts.join('; ')}`;
}
