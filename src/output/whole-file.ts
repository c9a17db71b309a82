import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ExitCode, TranscribeError, UsageError } from '../errors.js';

/** Captions are rewritten whole; an existing file is replaced only when asked. */
export function refuseToOverwrite(path: string, force: boolean): void {
  if (!force && existsSync(path)) throw new UsageError(`${path} exists`, 'add --force to replace it, or choose another --output');
}

/**
 * Replaces `path` with `text` atomically: a temporary file beside it, then a rename, so a crash
 * leaves either the previous version or the new one, never half a file.
 */
export function writeWhole(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text, { mode: 0o644 });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new TranscribeError(`cannot write ${path} (${code})`, ExitCode.internal, 'check the directory exists and is writable');
  }
}
