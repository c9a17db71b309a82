import type { Context } from '../context.js';
import { createOutput, JsonOutput } from '../output/create-output.js';
import { stdoutSink } from '../output/line-sink.js';
import type { TranscriptOutput } from '../output/transcript-output.js';
import type { OutputFormat } from '../settings/parsers.js';
import type { RecordedEvent, SessionRow } from './read.js';
import { decodeSettings } from './settings-codec.js';

/**
 * Writes an archived session to stdout in `format` by replaying its recorded calls through the
 * same outputs a run uses: the text, captions and NDJSON a run would have written (less the
 * interim events, which are not kept). A session that never closed (the process was killed)
 * still gets its captions; its NDJSON ends where the run's did, without a `close`.
 */
export function replaySession(context: Context, session: SessionRow, events: RecordedEvent[], format: OutputFormat): void {
  const settings = decodeSettings(session.settings);
  // The `open` event shows the settings of the run itself (its --format and --output too).
  const created =
    format === 'json'
      ? { output: new JsonOutput(stdoutSink(context.stdout), settings), dispose: () => {} }
      : createOutput(context, { ...settings, format, output: undefined, force: false });
  const output: TranscriptOutput = created.output;
  let closed = false;
  for (const event of events) {
    const target = output as unknown as Record<string, ((this: void, ...args: unknown[]) => void) | undefined>;
    if (typeof target[event.kind] !== 'function') continue; // an event type this version does not show
    if (event.kind === 'open') revive(event.args[0]);
    if (event.kind === 'close') closed = true;
    Reflect.apply(target[event.kind]!, output, event.args);
  }
  if (!closed && format !== 'json') output.close({ exitCode: 1, reason: 'the run was killed', audioSeconds: session.audioSeconds ?? 0 });
  created.dispose();
}

function revive(info: unknown): void {
  const open = info as { startedAt?: unknown } | undefined;
  if (open && typeof open.startedAt === 'string') open.startedAt = new Date(open.startedAt);
}
