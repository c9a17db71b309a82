import { resolve } from 'node:path';
import type { Context } from '../context.js';
import { escapeControls } from '../escape-controls.js';
import type { TranscriptOutput } from '../output/transcript-output.js';
import type { Settings } from '../settings/options.js';
import { archiveChannel, type ArchiveChannel } from './background.js';
import { encodeArgs } from './event-codec.js';
import type { SessionOrigin } from './messages.js';
import { historyPath } from './paths.js';
import { encodeSettings } from './settings-codec.js';

export type { SessionOrigin } from './messages.js';

let nextSession = 0;

/** Calls the archive does not keep: the interim line is redrawn many times a second and never part of the transcript. */
const NOT_KEPT = new Set(['interim']);

/**
 * One more reader of a session's events: each call on the TranscriptOutput is sent to the
 * archive writer as the method's name and its arguments, including calls added to the interface
 * later (a new event type is kept without a change here, and `history show` replays it).
 */
export function archiveOutput(channel: ArchiveChannel, session: number): TranscriptOutput {
  const readerGone = new Promise<void>(() => {});
  return new Proxy({} as TranscriptOutput, {
    get(_target, name) {
      if (name === 'readerGone') return readerGone;
      if (typeof name !== 'string' || name === 'then') return undefined;
      if (NOT_KEPT.has(name)) return () => {};
      return (...args: unknown[]) => channel.post({ kind: 'event', session, method: name, args: encodeArgs(name, args) });
    },
  });
}

/**
 * Starts the archive writer with this context's stderr for its warning: a many-files run calls it
 * first, because each file's session has a stderr of its own (discarded without --verbose).
 */
export function prepareArchive(context: Context, settings: Settings): void {
  if (settings.history === false) return;
  try {
    archiveChannel(historyPath(context.env), (message) => context.stderr.write(escapeControls(message) + '\n'));
  } catch {
    // said by the first session's startArchive
  }
}

/** Starts archiving a session, unless `--no-history` / `history = false`. Never throws: the archive must not cost the transcript. */
export function startArchive(context: Context, settings: Settings, origin: SessionOrigin): TranscriptOutput | undefined {
  if (settings.history === false) return undefined;
  const warn = (message: string) => context.stderr.write(escapeControls(message) + '\n');
  try {
    const channel = archiveChannel(historyPath(context.env), warn);
    const session = nextSession++;
    channel.post({
      kind: 'begin',
      session,
      startedAt: new Date().toISOString(),
      meta: {
        ...origin,
        source: origin.source === '-' ? 'stdin' : origin.command === 'file' ? resolve(origin.source) : origin.source,
        model: settings.model,
        language: settings.language,
        settings: encodeSettings(settings),
        ...(settings.historyDays === undefined ? {} : { retentionDays: settings.historyDays }),
      },
    });
    return archiveOutput(channel, session);
  } catch (error) {
    warn(`transcribe: warning: the history archive is unavailable: ${(error as Error).message}; the transcript goes on without it`);
    return undefined;
  }
}
