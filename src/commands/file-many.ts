import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { buffer } from 'node:stream/consumers';
import type { Context, StopSignal } from '../context.js';
import { prepareArchive } from '../archive/archive-output.js';
import type { KeyDescription } from '../deepgram/handshake-errors.js';
import type { BatchUnits } from '../deepgram/query.js';
import { AudioSourceError, AuthError, ExitCode, exitCodeOf, formatError, NetworkError, ServiceBusyError, UsageError, type ExitCodeValue } from '../errors.js';
import { Aimd } from '../many/aimd.js';
import { collectInputs, FORMAT_EXTENSIONS, inShard, outputPathOf, parseList, type Input } from '../many/inputs.js';
import { Abort } from '../many/abort.js';
import { AudioTotal, measureInputs } from '../many/audio-total.js';
import { removeStaleTemporaries, transcribeInto } from '../many/one-file.js';
import { progressLine, summaryLine, type Summary } from '../many/progress.js';
import { Queue, type Result, type Verdict } from '../many/queue.js';
import { periodicCollector } from '../many/collect-garbage.js';
import type { Settings } from '../settings/options.js';
import { parseShard } from '../settings/parsers.js';
import { createRenderer } from '../terminal/renderer.js';

/** After the first Ctrl+C the files in flight get this long to finish; then (or at a second one) they stop. */
export const STOP_GRACE_MS = 30_000;

/**
 * Files that may be prepared ahead of a free slot or written after their answer, beyond --jobs:
 * the slot is the request only, so it never waits on local work (which is 3-4 ms of CPU per file).
 */
export const FILES_AHEAD = 8;

export interface ManyJob {
  paths: string[];
  settings: Settings;
  auth: { apiKey?: string; key?: KeyDescription };
  /** Undefined: streaming. */
  batch?: BatchUnits | undefined;
  warnings: string[];
}

/** Whether the command names more than one input (or a directory, or a list): the queue, not one session. */
export function isMany(paths: readonly string[], settings: Settings): boolean {
  if (paths.length !== 1 || settings.from !== undefined || settings.outputDir !== undefined) return true;
  try {
    return paths[0] !== '-' && statSync(paths[0]!).isDirectory();
  } catch {
    return false; // missing: the single-file path says so
  }
}

/** What one failure means for the file and the run (see Queue). */
export function verdictOf(error: unknown): Verdict {
  if (error instanceof ServiceBusyError) return error.status === 429 ? { kind: 'busy', retryAfterMs: error.retryAfterMs } : { kind: 'retry' };
  if (error instanceof NetworkError) return { kind: 'retry' };
  if (error instanceof AuthError) return { kind: 'fail-all' };
  if (error instanceof UsageError && /no Deepgram live endpoint/.test(error.message)) return { kind: 'fail-all' };
  return { kind: 'fail' };
}

function checkJob(job: ManyJob): string {
  const { settings, paths } = job;
  if (!settings.outputDir)
    throw new UsageError('several inputs (or a directory) need --output-dir', 'add --output-dir <dir>: one transcript per input is written there');
  if (settings.output) throw new UsageError('--output names one file; several inputs are written to --output-dir', 'drop --output');
  if (settings.saveAudio) throw new UsageError('--save-audio keeps one recording; it does not apply to several inputs', 'drop --save-audio');
  if (paths.includes('-')) throw new UsageError('- (stdin) cannot be one of several inputs', 'give the paths on stdin with --from - instead');
  return settings.outputDir;
}

async function readList(context: Context, from: string): Promise<string[]> {
  try {
    const text = from === '-' ? (await buffer(context.stdin)).toString('utf8') : readFileSync(from, 'utf8');
    return parseList(text);
  } catch (error) {
    throw new UsageError(
      `cannot read the list ${from} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      'give --from a file of paths, one per line, or -',
    );
  }
}

/** `transcribe file <paths...> --output-dir <dir>`: every input as its own session, a few at a time. */
export async function runMany(context: Context, job: ManyJob): Promise<ExitCodeValue> {
  const outputDir = checkJob(job);
  const { settings } = job;
  const listed = settings.from === undefined ? [] : await readList(context, settings.from);
  let inputs = await collectInputs([...job.paths, ...listed], { include: settings.include, exclude: settings.exclude, outputDir });
  if (inputs.length === 0) throw new AudioSourceError('no audio files found in the inputs given', 'check the paths, and --include/--exclude');
  if (settings.shard) {
    const shard = parseShard(settings.shard);
    inputs = inputs.filter((input) => inShard(input, shard));
  }
  const extension = FORMAT_EXTENSIONS[settings.format ?? 'text'];
  const targetOf = (input: Input) => outputPathOf(input, outputDir, extension);
  mkdirSync(outputDir, { recursive: true });
  const renderer = await createRenderer(context.stderr, context.color);
  // A terminal shows where the run is, in place; a pipe gets a line per finished file.
  const tty = context.stderr.isTTY === true;
  for (const warning of job.warnings) renderer.notice(`transcribe: warning: ${warning}`);
  prepareArchive(context, settings); // its warning goes to this stderr, not a file's

  const json = settings.format === 'json';
  const fileEvent = (input: Input, status: string, extra: Record<string, unknown> = {}) => {
    if (json) context.stdout.write(JSON.stringify({ type: 'file', path: input.path, output: targetOf(input), status, ...extra }) + '\n');
  };
  const todo: Input[] = [];
  let skipped = 0;
  for (const input of inputs) {
    if (!settings.force && existsSync(targetOf(input))) {
      skipped += 1;
      fileEvent(input, 'skipped');
    } else todo.push(input);
  }

  removeStaleTemporaries(todo.map(targetOf));
  const summary: Summary = { done: 0, skipped, failed: 0, interrupted: 0, notStarted: 0 };
  const failures: { input: Input; error: unknown }[] = [];
  const seconds = new Map<Input, number>();
  const inFlight = new Set<Input>();
  const started = context.clock.now();
  let audioSeconds = 0;
  const showProgress = () =>
    renderer.progress(
      progressLine({
        total: inputs.length,
        done: summary.done,
        skipped,
        failed: summary.failed,
        audioSeconds,
        audioTotal: audio?.total,
        elapsedMs: context.clock.now() - started,
        inFlight: [...inFlight].map((input) => input.relative),
      }),
    );
  // On a terminal, the hours to do as well: measured in the background (headers, sizes).
  const audio = tty ? new AudioTotal(todo.length) : undefined;
  let measuring = audio !== undefined;
  if (audio)
    measureInputs(
      todo.map((input) => input.path),
      audio,
      showProgress,
      () => !measuring,
    ).catch(() => undefined); // only a progress figure
  const finished = () => summary.done + summary.failed + summary.interrupted + skipped;
  const abort = new Abort();
  const run = { settings, auth: job.auth, batch: job.batch, abort, made: new Set<string>() };
  const collectGarbage = periodicCollector(() => context.clock.now());
  const queue = new Queue(todo, {
    clock: context.clock,
    aimd: new Aimd(settings.jobs ?? (job.batch ? 8 : 4), () => context.clock.now()),
    classify: verdictOf,
    onStart: (input) => {
      inFlight.add(input);
      showProgress();
    },
    // Not with --jobs 1 (one file at a time, in order), nor streaming (the connection is the whole session).
    ahead: job.batch && (settings.jobs ?? 8) > 1 ? Math.min(FILES_AHEAD, settings.jobs ?? 8) : 0,
    async work(input, slot) {
      try {
        const result = await transcribeInto(context, run, input.path, targetOf(input), slot);
        if (result === 'interrupted') return 'interrupted';
        seconds.set(input, result);
        return 'done';
      } finally {
        inFlight.delete(input);
      }
    },
    onResult(result: Result<Input>) {
      const input = result.item;
      if (result.status === 'done') {
        summary.done += 1;
        collectGarbage();
        audioSeconds += seconds.get(input) ?? 0;
        audio?.done(input.path, seconds.get(input) ?? 0);
        if (!tty) renderer.notice(`transcribe: [${finished()}/${inputs.length}] done ${input.path} -> ${targetOf(input)}`);
        fileEvent(input, 'done', { duration: seconds.get(input) ?? 0, attempts: result.attempts });
      } else if (result.status === 'failed') {
        summary.failed += 1;
        failures.push({ input, error: result.error });
        const message = formatError(result.error, false)
          .trimEnd()
          .replace(/^transcribe: /, '');
        renderer.notice(`transcribe: [${finished()}/${inputs.length}] failed ${input.path}: ${message}`);
        fileEvent(input, 'failed', { attempts: result.attempts, exit_code: exitCodeOf(result.error), error: message });
      } else {
        summary.interrupted += 1;
        fileEvent(input, 'interrupted');
      }
      showProgress();
    },
  });

  let stopCode: ExitCodeValue | undefined;
  let cancelGrace: (() => void) | undefined;
  const unsubscribe = context.onSignal((signal: StopSignal) => {
    if (stopCode !== undefined) return abort.now(signal);
    stopCode = signal === 'SIGHUP' ? ExitCode.hangup : ExitCode.interrupted;
    queue.stop();
    if (queue.running > 0) {
      const grace = `${STOP_GRACE_MS / 1000} s`;
      renderer.notice(`transcribe: stopping: ${queue.running} file(s) in flight may finish within ${grace}; Ctrl+C again stops them now`);
      cancelGrace = context.clock.after(STOP_GRACE_MS, () => abort.now(signal));
    }
  });
  const stopTicking = tty ? context.clock.every(1000, showProgress) : undefined;
  let notStarted: Input[];
  try {
    notStarted = await queue.run();
  } finally {
    measuring = false;
    unsubscribe();
    cancelGrace?.();
    stopTicking?.();
    renderer.dispose();
  }
  summary.notStarted = notStarted.length;
  for (const input of notStarted) fileEvent(input, 'not-started');
  context.stderr.write(`transcribe: ${summaryLine(summary)}\n`);
  for (const { input, error } of failures)
    context.stderr.write(`transcribe: failed: ${input.path}: ${formatError(error, context.verbose).replace(/^transcribe: /, '')}`);
  const firstFailure = failures[0];
  if (firstFailure) return exitCodeOf(firstFailure.error);
  return stopCode ?? ExitCode.ok;
}
