import type { Context } from '../context.js';
import { ExitCode, type ExitCodeValue } from '../errors.js';
import type { Settings } from '../settings/options.js';
import type { Serving } from './start.js';

export type { Serving } from './start.js';

/**
 * Runs a streaming command with the `--serve` captions server around it (when asked for): started
 * first, so a busy port fails before any audio flows; finished after the session, whatever its end.
 * Loaded lazily: runs without --serve never load the server.
 */
export async function serving(context: Context, settings: Settings, run: (serve: Serving | undefined) => Promise<ExitCodeValue>): Promise<ExitCodeValue> {
  if (!settings.serve) return run(undefined);
  const { startServing } = await import('./start.js');
  const serve = await startServing(context, settings);
  let code: ExitCodeValue | undefined;
  try {
    code = await run(serve);
    return code;
  } finally {
    // After Ctrl+C (or a closed terminal) the user wants out: no grace period (--serve-keep still waits for it).
    await serve?.finish({ linger: code !== ExitCode.interrupted && code !== ExitCode.hangup });
  }
}
