import { closeSync, openSync, writeSync } from 'node:fs';
import { TranscribeError, ExitCode } from '../errors.js';

export interface LineSink {
  write(line: string): void;
  close(): void;
  /** Resolves when the reader went away (`| head -3`): the run should stop quietly. */
  readonly readerGone: Promise<void>;
}

/** Transcript lines to stdout. A closed pipe (EPIPE) ends the run quietly instead of crashing. */
export function stdoutSink(stdout: NodeJS.WritableStream): LineSink {
  let gone = false;
  const readerGone = new Promise<void>((resolve) => {
    stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      gone = true;
      resolve();
    });
  });
  return {
    write(line) {
      if (!gone) stdout.write(line + '\n');
    },
    close() {},
    readerGone,
  };
}

/**
 * Appends lines to `--output`. Each line is written synchronously so that nothing already heard
 * is lost if the process is killed. If writing fails (disk full, file gone), the line and all
 * later ones go to `fallback` (stdout) instead, and `failure` says why: the run ends with exit 1.
 */
export function fileSink(path: string, fallback?: LineSink, warn?: (message: string) => void): LineSink & { failure?: TranscribeError } {
  let fd: number;
  try {
    fd = openSync(path, 'a', 0o644);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new TranscribeError(`cannot open ${path} for writing (${code})`, ExitCode.internal, 'check the directory exists and is writable');
  }
  const sink: LineSink & { failure?: TranscribeError } = {
    write(line) {
      if (sink.failure && fallback) return fallback.write(line);
      try {
        writeSync(fd, line + '\n');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? String(error);
        sink.failure = new TranscribeError(`cannot write to ${path} (${code})`, ExitCode.internal, 'check free disk space and permissions');
        if (!fallback) throw sink.failure;
        warn?.(`transcribe: ${sink.failure.message}; the transcript continues on stdout`);
        fallback.write(line);
      }
    },
    close() {
      closeSync(fd);
    },
    readerGone: fallback?.readerGone ?? new Promise(() => {}),
  };
  return sink;
}
