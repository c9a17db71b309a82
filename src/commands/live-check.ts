import { BOTH_CHANNEL_NAMES, startCapture, type CaptureMode } from '../audio/capture.js';
import { LevelMeter, meterLine, SilenceGuard, type MeterReading, type SilenceReport } from '../audio/levels.js';
import type { RecorderOptions } from '../audio/recorder.js';
import type { Context } from '../context.js';
import { escapeControls } from '../escape-controls.js';
import { AudioSourceError, ExitCode, type ExitCodeValue } from '../errors.js';
import { platformHint } from './live.js';

const CHECK_SECONDS = 5;

export interface CheckCapture {
  mode: CaptureMode;
  systemDevice?: string;
}

/** Mono views of each channel of a stereo chunk (`both`); the chunk itself otherwise. */
function channelsOf(chunk: Buffer, channels: number): Buffer[] {
  if (channels === 1) return [chunk];
  const frames = chunk.length / (2 * channels);
  return Array.from({ length: channels }, (_, channel) => {
    const mono = Buffer.allocUnsafe(frames * 2);
    for (let i = 0; i < frames; i++) mono.writeInt16LE(chunk.readInt16LE((i * channels + channel) * 2), i * 2);
    return mono;
  });
}

/**
 * `transcribe live --check`: five seconds of level meter on stderr, no Deepgram; with `--capture
 * both` one meter per source. Exit 0 when sound was heard (from each source), 4 when an input
 * stayed silent (or gave no samples at all).
 */
export async function runLevelCheck(context: Context, options: RecorderOptions, capture: CheckCapture = { mode: 'mic' }): Promise<ExitCodeValue> {
  const recording = await startCapture({ ...capture, recorder: options, clock: context.clock });
  const both = capture.mode === 'both';
  const sources = both ? [BOTH_CHANNEL_NAMES.get(0)!, BOTH_CHANNEL_NAMES.get(1)!] : [capture.mode === 'mic' ? 'the microphone' : 'the system audio'];
  const mono = { ...recording.format, channels: both ? 1 : recording.format.channels };
  const meters = sources.map(() => new LevelMeter(mono));
  const guards = sources.map(() => new SilenceGuard(mono, { seconds: CHECK_SECONDS }));
  const reports: (SilenceReport | undefined)[] = sources.map(() => undefined);
  const tty = context.stderr.isTTY === true;
  let interrupted = false;
  // A recorder that fails to stop is reported by the read loop below, which ends with its error.
  const stopQuietly = () => void recording.stop().catch(() => {});
  const unsubscribe = context.onSignal(() => {
    interrupted = true;
    stopQuietly();
  });
  const deadline = setTimeout(stopQuietly, (CHECK_SECONDS + 2) * 1000); // a stalled input gives no samples at all
  const device = options.device && capture.mode !== 'system' ? ` on ${escapeControls(options.device)}` : '';
  context.stderr.write(`transcribe: listening for ${CHECK_SECONDS} s with ${escapeControls(recording.description)}${device}...\n`);
  const label = (index: number) => (both ? `${sources[index]!.padEnd(6)} ` : '');
  let windows = 0;
  let shown = false;
  const show = (readings: MeterReading[]) => {
    windows += 1;
    const lines = readings.map((reading, index) => `${label(index)}${meterLine(reading, both ? { width: 20 } : {})}`);
    if (tty) {
      // Redraw in place: back to the first meter's row (two rows with `both`).
      const up = shown && lines.length > 1 ? `\x1b[${lines.length - 1}A` : '';
      context.stderr.write(`${up}\r${lines.map((line) => `${line}\x1b[K`).join('\n')}`);
      shown = true;
    } else if (windows % 10 === 0) context.stderr.write(lines.map((line) => `${line}\n`).join(''));
  };
  try {
    for await (const chunk of recording.pcm) {
      const parts = channelsOf(chunk, both ? 2 : 1);
      const readings = parts.map((part, index) => meters[index]!.push(part));
      for (let i = 0; i < readings[0]!.length; i++) show(readings.map((list) => list[i]!).filter(Boolean));
      parts.forEach((part, index) => (reports[index] ??= guards[index]!.push(part)));
      if (reports.every(Boolean)) break;
    }
  } finally {
    clearTimeout(deadline);
    unsubscribe();
    await recording.stop();
    if (tty) context.stderr.write('\n');
  }
  if (interrupted) return ExitCode.interrupted;
  const hint = capture.mode === 'mic' ? platformHint(process.platform) : 'play something while checking; see transcribe live --list-devices';
  if (!reports.every(Boolean)) throw new AudioSourceError(`no audio arrived from ${escapeControls(recording.description)} in ${CHECK_SECONDS} s`, hint);
  const silent = reports.findIndex((report) => report!.verdict !== 'sound');
  if (silent >= 0) {
    const report = reports[silent]!;
    const what = report.verdict === 'digital-silence' ? 'only digital silence' : `nothing louder than ${report.loudestDbfs.toFixed(1)} dBFS`;
    const who = both ? `${silent === 0 ? 'the microphone' : 'the system audio'} (${sources[silent]})` : sources[0]!;
    throw new AudioSourceError(`${who} gave ${what} in ${CHECK_SECONDS} s`, capture.mode === 'system' || silent === 1 ? hint : platformHint(process.platform));
  }
  const loudest = reports.map((report, index) => `${both ? `${sources[index]} ` : ''}${report!.loudestDbfs.toFixed(1)} dBFS`).join(', ');
  const works = capture.mode === 'mic' ? 'the microphone works' : capture.mode === 'system' ? 'the system audio is heard' : 'both sources work';
  context.stderr.write(`transcribe: sound heard (loudest ${loudest}): ${works}\n`);
  return ExitCode.ok;
}
