import { closeSync, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { TranscribeError, ExitCode } from '../errors.js';
import { errorCode, writeFully } from './write-fully.js';

export interface LineSink {
  write(line: string): void;
  close(): void;
  /** Resolves when the run should stop quietly: the reader went away (`| head -3`), or stdout cannot be written. */
  readonly readerGone: Promise<void>;
  /** Why the lines could not all be written where they were meant to go: the run ends with exit 1. */
  readonly failure?: TranscribeError | undefined;
}

/**
 * Transcript lines to stdout. A closed pipe (EPIPE) ends the run quietly; any other write error
 * (a full disk, EIO) ends it too, with `failure` to report in one line instead of a crash.
 */
export function stdoutSink(stdout: NodeJS.WritableStream): LineSink {
  let gone = false;
  const sink: { -readonly [K in keyof LineSink]: LineSink[K] } = {
    write(line) {
      if (!gone) stdout.write(line + '\n');
    },
    close() {},
    readerGone: new Promise<void>((resolve) => {
      stdout.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE' && !gone) {
          sink.failure = new TranscribeError(
            `cannot write the transcript to stdout (${errorCode(error)})`,
            ExitCode.internal,
            'check where stdout goes: free disk space, the device',
          );
        }
        gone = true;
        resolve();
      });
    }),
  };
  return sink;
}

/** The file functions fileSink uses: a test injects a disk that fills up halfway through a line. */
export interface SinkFs {
  openSync: typeof openSync;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position?: number | null): number;
  fstatSync(fd: number): { size: number };
  ftruncateSync(fd: number, length: number): void;
  closeSync(fd: number): void;
}

const realFs: SinkFs = { openSync, writeSync, fstatSync, ftruncateSync, closeSync };

/**
 * Appends lines to `--output` (created 0600: a transcript of people; an existing file keeps its
 * mode). Each line is written whole and synchronously, so nothing already heard is lost if the
 * process is killed. If a line cannot be written whole (disk full, file gone), what was written of it
 * is cut off again, and it and all later lines go to `fallback` (stdout) instead: exit 1 at the end.
 */
export function fileSink(path: string, fallback?: LineSink, warn?: (message: string) => void, fs: SinkFs = realFs): LineSink {
  let fd: number;
  try {
    fd = fs.openSync(path, 'a', 0o600);
  } catch (error) {
    throw new TranscribeError(`cannot open ${path} for writing (${errorCode(error)})`, ExitCode.internal, 'check the directory exists and is writable');
  }
  const sink: { -readonly [K in keyof LineSink]: LineSink[K] } = {
    write(line) {
      if (sink.failure && fallback) return fallback.write(line);
      const data = Buffer.from(line + '\n');
      let before: number | undefined;
      try {
        before = fs.fstatSync(fd).size;
        writeFully(fd, data, null, fs);
      } catch (error) {
        if (before !== undefined) cutBack(fs, fd, before);
        sink.failure = new TranscribeError(`cannot write to ${path} (${errorCode(error)})`, ExitCode.internal, 'check free disk space and permissions');
        if (!fallback) throw sink.failure;
        warn?.(`transcribe: ${sink.failure.message}; the transcript continues on stdout`);
        fallback.write(line);
      }
    },
    close() {
      fs.closeSync(fd);
    },
    readerGone: fallback?.readerGone ?? new Promise(() => {}),
  };
  return sink;
}

/** Removes the part of a line that was written before the error, so the file ends with a whole line. */
function cutBack(fs: SinkFs, fd: number, size: number): void {
  try {
    if (fs.fstatSync(fd).size > size) fs.ftruncateSync(fd, size);
  } catch {
    /* a device (/dev/full) cannot be truncated, and has nothing to cut */
  }
}
