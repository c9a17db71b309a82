import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, openSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ExitCode, TranscribeError, UsageError } from '../errors.js';
import { errorCode, writeFully } from './write-fully.js';

/**
 * Captions are rewritten whole; an existing file is replaced only when asked, and only if it is a
 * regular file (replacing a device or a pipe, e.g. /dev/stdout, with a file is never what was meant).
 */
export function refuseToOverwrite(path: string, force: boolean): void {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return; // not there yet (a dangling symlink: writeWhole replaces the link, never follows it)
  }
  if (!stats.isFile())
    throw new UsageError(
      `${path} is not a regular file: captions are written to a new file that replaces it`,
      'choose a file name for --output, or leave it out to write to stdout',
    );
  if (!force) throw new UsageError(`${path} exists`, 'add --force to replace it, or choose another --output');
}

/**
 * Replaces `path` with `text` atomically: a temporary file beside it, then a rename, so a crash
 * leaves either the previous version or the new one, never half a file. The temporary file has a
 * random name and is created exclusively (never through a planted symlink), mode 0600; a file that
 * is replaced keeps its mode, and a symlink to a file keeps pointing at it (the file is replaced).
 */
export function writeWhole(path: string, text: string): void {
  let target = path;
  let mode = 0o600;
  try {
    target = realpathSync(path);
    mode = statSync(target).mode & 0o777;
  } catch {
    /* a new file */
  }
  const temporary = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  let created = false;
  try {
    fd = openSync(temporary, 'wx', 0o600);
    created = true;
    if (mode !== 0o600) fchmodSync(fd, mode);
    writeFully(fd, Buffer.from(text));
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, target);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    if (created) rmSync(temporary, { force: true }); // only a file this call created: never one planted there
    throw new TranscribeError(`cannot write ${path} (${errorCode(error)})`, ExitCode.internal, 'check the directory exists and is writable');
  }
}
