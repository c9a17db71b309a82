import type { Context } from '../context.js';
import { ExitCode, formatError, type ExitCodeValue } from '../errors.js';

/**
 * Runs a command's stream, then closes its outputs (`--output`, `--save-audio`). An error while
 * closing becomes the result only of a run that succeeded: it never replaces the run's own error
 * or exit code (which the NDJSON `close` event already gave), and is then only reported.
 */
export async function closingAfter(context: Context, run: () => Promise<ExitCodeValue>, closeOutputs: () => void): Promise<ExitCodeValue> {
  let code: ExitCodeValue;
  try {
    code = await run();
  } catch (error) {
    withheld(context, closeOutputs);
    throw error;
  }
  if (code === ExitCode.ok) closeOutputs();
  else withheld(context, closeOutputs);
  return code;
}

/** Runs `action`; an error from it is reported on stderr, not thrown. */
export function withheld(context: Context, action: () => void): void {
  try {
    action();
  } catch (error) {
    context.stderr.write(formatError(error, context.verbose));
  }
}
