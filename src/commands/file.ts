import { fileSource } from '../audio/audio-source.js';
import { openAudioSource } from '../audio/source.js';
import type { Context } from '../context.js';
import { checkModelName } from '../account/model-check.js';
import { escapeControls } from '../escape-controls.js';
import { checkTransport, credentials, hostedSpeedWarning } from '../deepgram/credentials.js';
import { UsageError, type ExitCodeValue } from '../errors.js';
import { checkOutputPaths } from '../output/path-checks.js';
import { loadConfig } from '../settings/load-config.js';
import { parsePauseSeconds } from '../settings/parsers.js';
import { checkConflicts, resolveSettings, type Flags } from '../settings/resolve.js';
import { checkFlux } from '../settings/flux-rules.js';
import { BATCH_ONLY } from '../settings/run-flags.js';
import { preloadTransport } from '../deepgram/session.js';
import { serving, type Serving } from '../serve/serving.js';
import { streamSession } from './stream-session.js';
import type { Settings } from '../settings/options.js';

/** What one unit of output is with --batch: an utterance (split at a pause) or a paragraph. */
function batchUnits(flags: FileFlags): { paragraphs: boolean; utteranceSplit?: number } {
  if (flags.utteranceSplit === undefined) return { paragraphs: Boolean(flags.paragraphs) };
  if (flags.paragraphs) throw new UsageError('--utterance-split applies to utterances, not --paragraphs', 'drop one of them');
  try {
    return { paragraphs: false, utteranceSplit: parsePauseSeconds(flags.utteranceSplit) };
  } catch (error) {
    throw new UsageError(`--utterance-split ${(error as Error).message}`, 'e.g. --utterance-split 1.5 for longer lines, 0.4 for shorter ones');
  }
}

function checkBatchOnly(flags: FileFlags): void {
  const given = flags as Record<string, unknown>;
  for (const [flag, name] of BATCH_ONLY) {
    if (given[flag] !== undefined) throw new UsageError(`${name} needs --batch`, `add --batch (${name} shapes the pre-recorded API's answer)`);
  }
}

/** Streaming a file longer than this suggests --batch. */
const LONG_FILE_SECONDS = 120;

/** `transcribe file <path|->`: stream a recording (or stdin) through Deepgram live. */
export interface FileFlags extends Flags {
  batch?: boolean;
  paragraphs?: boolean;
  utterances?: boolean;
  utteranceSplit?: string;
}

export async function runFile(context: Context, paths: string[], flags: FileFlags, profile?: string): Promise<ExitCodeValue> {
  const config = loadConfig(context.env, profile);
  const resolved = resolveSettings(flags, context.env, config.layers, 'file');
  checkConflicts(resolved);
  checkFlux(resolved, { command: 'file', batch: Boolean(flags.batch) });
  const { settings, describe } = resolved;
  checkModelName(settings.model, settings.apiUrl, context.env);
  const auth = credentials(settings.apiKey, describe('apiKey'), settings.apiUrl);
  const warnings = [...config.warnings, ...resolved.warnings, ...checkTransport(settings.apiUrl, Boolean(auth.apiKey), settings.allowInsecure)];
  const { isMany, runMany } = await import('./file-many.js');
  if (isMany(paths, settings)) {
    if (settings.serve) throw new UsageError('--serve shows one session as it streams, not many files', 'serve one file at a time');
    if (!flags.batch) checkBatchOnly(flags);
    return runMany(context, { paths, settings, auth, batch: flags.batch ? batchUnits(flags) : undefined, warnings });
  }
  const path = paths[0]!;
  checkOutputPaths(settings, path);
  if (flags.batch) {
    if (settings.serve) throw new UsageError('--serve shows a session as it streams, not --batch', 'drop one of them');
    for (const warning of warnings) context.stderr.write(`transcribe: warning: ${escapeControls(warning)}\n`);
    const { runBatch } = await import('./file-batch.js');
    return runBatch(context, path, settings, auth, batchUnits(flags));
  }
  checkBatchOnly(flags);
  const tooFast = hostedSpeedWarning(settings.apiUrl, settings.speed);
  if (tooFast) warnings.push(tooFast);
  return serving(context, settings, (serve) => streamFile(context, path, settings, auth, warnings, serve));
}

async function streamFile(
  context: Context,
  path: string,
  settings: Settings,
  auth: ReturnType<typeof credentials>,
  warnings: string[],
  serve: Serving | undefined,
): Promise<ExitCodeValue> {
  preloadTransport(); // loads while the audio is opened and sniffed
  const stream = await openAudioSource(
    path,
    {
      ...(settings.encoding ? { encoding: settings.encoding } : {}),
      ...(settings.sampleRate ? { sampleRate: settings.sampleRate } : {}),
      ...(settings.channels ? { channels: settings.channels } : {}),
    },
    context,
  );
  const source = fileSource(stream, path, settings.speed);
  const plan = {
    settings,
    auth,
    warnings: [...warnings, ...source.warnings],
    format: source.format,
    origin: { command: 'file', mode: 'stream', source: path } as const,
    serve,
  };
  try {
    return await streamSession(context, plan, ({ renderer }) => {
      const total = source.totalSeconds;
      if (total !== undefined && total > LONG_FILE_SECONDS && Number.isFinite(settings.speed)) {
        const minutes = (total / settings.speed / 60).toFixed(1);
        renderer.notice(
          `transcribe: tip: streaming this ${(total / 60).toFixed(1)}-minute file takes about ${minutes} minutes at --speed ${settings.speed}; --batch transcribes it in seconds`,
        );
      }
      return { source };
    });
  } finally {
    await source.stop(); // also when the outputs could not be opened (the stream stops it otherwise)
  }
}
