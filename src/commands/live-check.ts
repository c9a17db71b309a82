import { LevelMeter, meterLine, SilenceGuard } from '../audio/levels.js';
import { startRecording, type RecorderOptions } from '../audio/recorder.js';
import type { Context } from '../context.js';
import { escapeControls } from '../escape-controls.js';
import { AudioSourceError, ExitCode, type ExitCodeValue } from '../errors.js';
import { platformHint } from './live.js';

const CHECK_SECONDS = 5;

/**
 * `transcribe live --check`: five seconds of level meter on stderr, no Deepgram. Exit 0 when sound
 * was heard, 4 when the input stayed silent (or gave no samples at all).
 */
export async function runLevelCheck(context: Context, options: RecorderOptions): Promise<ExitCodeValue> {
  const recording = startRecording(options);
  const meter = new LevelMeter(recording.format);
  const guard = new SilenceGuard(recording.format, { seconds: CHECK_SECONDS });
  const tty = context.stderr.isTTY === true;
  let interrupted = false;
  // A recorder that fails to stop is reported by the read loop below, which ends with its error.
  const stopQuietly = () => void recording.stop().catch(() => {});
  const unsubscribe = context.onSignal(() => {
    interrupted = true;
    stopQuietly();
  });
  const deadline = setTimeout(stopQuietly, (CHECK_SECONDS + 2) * 1000); // a stalled input gives no samples at all
  context.stderr.write(
    `transcribe: listening for ${CHECK_SECONDS} s with ${recording.recorder}${options.device ? ` on ${escapeControls(options.device)}` : ''}...\n`,
  );
  let report;
  let windows = 0;
  try {
    for await (const chunk of recording.pcm) {
      for (const reading of meter.push(chunk)) {
        windows += 1;
        if (tty) context.stderr.write(`\r${meterLine(reading)}\x1b[K`);
        else if (windows % 10 === 0) context.stderr.write(`${meterLine(reading)}\n`);
      }
      report = guard.push(chunk);
      if (report) break;
    }
  } finally {
    clearTimeout(deadline);
    unsubscribe();
    await recording.stop();
    if (tty) context.stderr.write('\n');
  }
  if (interrupted) return ExitCode.interrupted;
  if (!report) throw new AudioSourceError(`no audio arrived from ${recording.recorder} in ${CHECK_SECONDS} s`, platformHint(process.platform));
  if (report.verdict !== 'sound') {
    const what = report.verdict === 'digital-silence' ? 'only digital silence' : `nothing louder than ${report.loudestDbfs.toFixed(1)} dBFS`;
    throw new AudioSourceError(`the microphone gave ${what} in ${CHECK_SECONDS} s`, platformHint(process.platform));
  }
  context.stderr.write(`transcribe: sound heard (loudest ${report.loudestDbfs.toFixed(1)} dBFS): the microphone works\n`);
  return ExitCode.ok;
}
