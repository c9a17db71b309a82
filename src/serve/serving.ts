import type { Context } from '../context.js';
import type { ExitCodeValue } from '../errors.js';
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
  try {
    return await run(serve);
  } finally {
    await serve?.finish();
  }
}
