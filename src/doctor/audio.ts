// The audio side of `doctor`: a recorder on PATH, the microphone heard for 2 s, a decoder for
// compressed files. Uses the same recorder and level code as `live`.
import { DECODER_INSTALL_HINT } from '../audio/decoder.js';
import { SilenceGuard } from '../audio/levels.js';
import { chooseRecorder, startRecording, type RecorderOptions } from '../audio/recorder.js';
import { which } from '../audio/which.js';
import { platformHint } from '../commands/live.js';
import { AudioSourceError, ExitCode, TranscribeError } from '../errors.js';
import { fail, ok, skip, warn, type CheckResult } from './verdict.js';

export const MIC_SECONDS = 2;

export function checkRecorder(options: RecorderOptions): CheckResult {
  try {
    const { name, path } = chooseRecorder(options);
    return ok('recorder', `${name} (${path})`);
  } catch (error) {
    if (error instanceof TranscribeError) return fail('recorder', error.message, error.hint ?? '', error.exitCode);
    throw error;
  }
}

/** Records MIC_SECONDS and reports the loudest 100 ms: sound, digital silence or too quiet. */
export async function checkMicrophone(options: RecorderOptions, platform = process.platform): Promise<CheckResult> {
  const recording = startRecording(options);
  const guard = new SilenceGuard(recording.format, { seconds: MIC_SECONDS });
  // A stalled input gives no samples at all: stop after a grace period whatever happens.
  const deadline = setTimeout(() => void recording.stop().catch(() => {}), (MIC_SECONDS + 3) * 1000);
  let report;
  try {
    for await (const chunk of recording.pcm) {
      report = guard.push(chunk);
      if (report) break;
    }
  } catch (error) {
    if (error instanceof AudioSourceError) return fail('microphone', error.message, error.hint ?? platformHint(platform), error.exitCode);
    throw error;
  } finally {
    clearTimeout(deadline);
    await recording.stop();
  }
  const where = `${recording.recorder}${options.device ? ` on ${options.device}` : ''}`;
  if (!report) return fail('microphone', `no audio arrived from ${where} in ${MIC_SECONDS} s`, platformHint(platform), ExitCode.audio);
  if (report.verdict === 'sound') return ok('microphone', `sound heard with ${where} (loudest ${report.loudestDbfs.toFixed(1)} dBFS)`);
  const what = report.verdict === 'digital-silence' ? 'only digital silence' : `nothing louder than ${report.loudestDbfs.toFixed(1)} dBFS`;
  return fail('microphone', `${where} gave ${what} in ${MIC_SECONDS} s`, platformHint(platform), ExitCode.audio);
}

export function microphoneSkipped(reason: string): CheckResult {
  return skip('microphone', reason);
}

/** ffmpeg (reads everything) or SoX (most containers) for compressed files; WAV and raw PCM need neither. */
export function checkDecoders(env: Record<string, string | undefined>): CheckResult {
  const ffmpeg = which('ffmpeg', env);
  const sox = which('sox', env);
  const found = [ffmpeg && `ffmpeg (${ffmpeg})`, sox && `sox (${sox})`].filter(Boolean).join(', ');
  if (ffmpeg) return ok('decoders', found);
  if (sox) return warn('decoders', `${found}; no ffmpeg: SoX cannot read M4A, WebM or audio from stdin of every kind`, DECODER_INSTALL_HINT);
  return fail('decoders', 'neither ffmpeg nor SoX is on PATH: only WAV and raw PCM files can be read', DECODER_INSTALL_HINT, ExitCode.audio);
}
