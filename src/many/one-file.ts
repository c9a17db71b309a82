import { randomBytes } from 'node:crypto';
import { readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileSource } from '../audio/audio-source.js';
import { openAudioSource } from '../audio/source.js';
import type { Context, StopSignal } from '../context.js';
import type { KeyDescription } from '../deepgram/handshake-errors.js';
import { engineJob } from '../deepgram/engine-job.js';
import type { BatchUnits } from '../deepgram/query.js';
import { ExitCode, TranscribeError, UsageError, type ExitCodeValue } from '../errors.js';
import { openOutputs } from '../output/open-outputs.js';
import { TeeOutput } from '../output/tee-output.js';
import type { TranscriptOutput } from '../output/transcript-output.js';
import type { Settings } from '../settings/options.js';
import { closingAfter } from '../stream/closing.js';
import { runStream } from '../stream/run-stream.js';
import { createRenderer } from '../terminal/renderer.js';
import type { Abort } from './abort.js';
import type { Slot } from './queue.js';

/** What every file of a run shares. */
export interface FileRun {
  settings: Settings;
  auth: { apiKey?: string; key?: KeyDescription };
  /** Undefined: streaming. */
  batch?: BatchUnits | undefined;
  /** A second Ctrl+C (or the grace running out): every file still running stops now. */
  abort: Abort;
  /** Output directories this run has made (or found). */
  made: Set<string>;
}

const discard = () => new Writable({ write: (_chunk, _encoding, done) => done() });

/**
 * Transcribes one input into `target` as one ordinary session (runStream or runBatch). The
 * transcript goes to a temporary file beside the target (random name, created exclusively, 0600)
 * that is renamed only when the session ended cleanly: a target that exists is complete.
 * Resolves with the seconds of audio, or 'interrupted'.
 */
export async function transcribeInto(context: Context, run: FileRun, path: string, target: string, slot?: Slot): Promise<number | 'interrupted'> {
  refuseInput(path, target);
  const temporary = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await createTemporary(temporary, run.made);
  } catch (error) {
    throw new TranscribeError(
      `cannot write in ${dirname(target)} (${(error as NodeJS.ErrnoException).code})`,
      ExitCode.internal,
      'check --output-dir is writable',
    );
  }
  // The session writes its transcript only there; its stdout and notices are not the run's.
  // Own properties (defineProperty, not assignment): the context's streams are inherited getters.
  const own = (value: unknown) => ({ value, enumerable: true });
  const child = Object.create(context, {
    stdout: own(discard()),
    stderr: own(context.verbose ? prefixed(context, path) : discard()),
    onSignal: own((listener: (signal: StopSignal) => void) => run.abort.subscribe(listener)),
    color: own(false),
  }) as Context;
  const settings: Settings = { ...run.settings, output: temporary, force: true, format: run.settings.format ?? 'text' };
  let result: { code: ExitCodeValue; seconds: number } | 'interrupted';
  try {
    result = run.batch ? await run.abort.until(batchOne(child, run, path, settings, run.batch, slot)) : await streamOne(child, run, path, settings, slot);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  if (result === 'interrupted' || result.code !== ExitCode.ok) {
    rmSync(temporary, { force: true });
    return 'interrupted';
  }
  renameSync(temporary, target);
  return result.seconds;
}

/**
 * Creates the temporary file, its directory first when this run has not made it yet (a mkdir per
 * file was 7% of a 10,000-file run). Not openSync: creating a file can take milliseconds (3 ms on
 * the bench's disk), and the event loop is what keeps the other files' requests moving.
 */
async function createTemporary(temporary: string, made: Set<string>): Promise<void> {
  const directory = dirname(temporary);
  const create = async () => (await open(temporary, 'wx', 0o600)).close();
  if (made.has(directory)) {
    try {
      return await create();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // removed during the run: made again
    }
  }
  await mkdir(directory, { recursive: true });
  made.add(directory);
  await create();
}

const TEMPORARY = /^\.(.+)\.[0-9a-f]{12}\.tmp$/;

/**
 * Removes what a killed run left: the temporary file of a target about to be transcribed again
 * (only names this code makes, only for those targets: never a file it did not create that way).
 */
export function removeStaleTemporaries(targets: readonly string[]): number {
  const wanted = new Set(targets);
  let removed = 0;
  for (const directory of new Set(targets.map((target) => dirname(target)))) {
    let names: string[];
    try {
      names = readdirSync(directory);
    } catch {
      continue; // not made yet
    }
    for (const name of names) {
      const match = TEMPORARY.exec(name);
      if (match && wanted.has(join(directory, match[1]!))) {
        rmSync(join(directory, name), { force: true });
        removed += 1;
      }
    }
  }
  return removed;
}

/** Never write into an input: a target that is the audio file itself (a hard link, a symlink) is refused. */
function refuseInput(path: string, target: string): void {
  try {
    // Usually the target does not exist: no exception (with its stack) per file for that.
    const output = statSync(target, { throwIfNoEntry: false });
    const input = output && statSync(path, { throwIfNoEntry: false });
    if (input && output && input.dev === output.dev && input.ino === output.ino)
      throw new UsageError(`${target} is the input file ${path}: writing it would destroy the recording`, 'choose another --output-dir');
  } catch (error) {
    if (error instanceof UsageError) throw error;
  }
}

function prefixed(context: Context, path: string): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) context.stderr.write(`${path}: ${line}\n`);
      done();
    },
  });
}

async function batchOne(
  child: Context,
  run: FileRun,
  path: string,
  settings: Settings,
  units: BatchUnits,
  slot?: Slot,
): Promise<{ code: ExitCodeValue; seconds: number }> {
  const { runBatch } = await import('../commands/file-batch.js');
  let seconds = 0;
  const code = await runBatch(child, path, settings, run.auth, units, (answer) => (seconds = answer.metadata.duration), slot);
  return { code, seconds };
}

/** A stream holds its slot for the whole session: the connection is the request. */
async function streamOne(child: Context, run: FileRun, path: string, settings: Settings, slot?: Slot): Promise<{ code: ExitCodeValue; seconds: number }> {
  await slot?.ready();
  const raw = {
    ...(settings.encoding ? { encoding: settings.encoding } : {}),
    ...(settings.sampleRate ? { sampleRate: settings.sampleRate } : {}),
    ...(settings.channels ? { channels: settings.channels } : {}),
  };
  const source = fileSource(await openAudioSource(path, raw, child), path, settings.speed);
  let outputs;
  try {
    outputs = openOutputs(child, settings, source.format, undefined, { command: 'file', mode: 'stream', source: path });
  } catch (error) {
    await source.stop();
    throw error;
  }
  const renderer = await createRenderer(child.stderr, false);
  let seconds = 0;
  const counter: TranscriptOutput = {
    readerGone: new Promise(() => {}),
    open() {},
    interim() {},
    final() {},
    utteranceEnd() {},
    speechStarted() {},
    metadata() {},
    reconnect() {},
    gap() {},
    close: (info) => (seconds = info.audioSeconds),
  };
  const output = new TeeOutput([outputs.output, counter]);
  const job = {
    ...engineJob(settings, run.auth, source),
    renderer,
    ...outputs,
    output,
    retryOpen: false, // the queue retries, with fewer in flight after a 429
  };
  const code = await closingAfter(
    child,
    () => runStream(child, job),
    () => outputs.close(),
  );
  return { code, seconds };
}
