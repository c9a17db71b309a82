import type { RecorderOptions } from '../audio/recorder.js';
import type { Context } from '../context.js';
import { accountChecks } from '../doctor/account.js';
import { checkDecoders, checkMicrophone, checkRecorder, microphoneSkipped } from '../doctor/audio.js';
import { checkArchive, checkConfigFile } from '../doctor/files.js';
import { doctorExitCode, fail, formatResult, type CheckResult } from '../doctor/verdict.js';
import { TranscribeError, type ExitCodeValue } from '../errors.js';
import { loadConfig } from '../settings/load-config.js';
import { resolveSettings, type Flags } from '../settings/resolve.js';

export interface DoctorFlags extends Flags {
  /** commander's `--no-mic`: false skips the microphone check. */
  mic?: boolean;
}

/**
 * `transcribe doctor`: one line per check on stdout (verdict, what was seen, the fix), written as
 * each finishes. Exit 0 when none failed, else the exit code of the first failure.
 */
export async function runDoctor(context: Context, flags: DoctorFlags, profile?: string): Promise<ExitCodeValue> {
  // The results are this command's output (stdout): colour when both streams are a terminal and colour is allowed.
  const color = context.color && context.stdout.isTTY === true;
  const results: CheckResult[] = [];
  const show = (result: CheckResult) => {
    results.push(result);
    context.stdout.write(formatResult(result, color));
  };
  let config = checkConfigFile(context.env);
  let settings;
  let keySource = 'the API key';
  try {
    const loaded = loadConfig(context.env, profile);
    const resolved = resolveSettings(flags, context.env, loaded.layers, 'doctor');
    settings = resolved.settings;
    keySource = resolved.describe('apiKey');
  } catch (error) {
    // A broken config file is itself the finding; the other checks go on from flags and environment.
    if (!(error instanceof TranscribeError)) throw error;
    config = fail('config', error.message, error.hint ?? '', error.exitCode);
    settings = resolveSettings(flags, context.env, undefined, 'doctor').settings;
  }
  for (const result of await accountChecks(settings, keySource)) show(result);
  const recorder: RecorderOptions = {
    ...(settings.recorder ? { recorder: settings.recorder } : {}),
    ...(settings.device ? { device: settings.device } : {}),
    env: context.env,
  };
  const found = checkRecorder(recorder);
  show(found);
  if (flags.mic === false) show(microphoneSkipped('skipped (--no-mic)'));
  else if (found.verdict !== 'ok') show(microphoneSkipped('not checked: no recorder'));
  else show(await checkMicrophone(recorder));
  show(checkDecoders(context.env));
  show(config);
  show(checkArchive(context.env));
  return doctorExitCode(results);
}
