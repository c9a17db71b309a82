import { randomBytes } from 'node:crypto';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, TranscribeError } from '../errors.js';

/**
 * Copies a stream into a private temporary file that is already unlinked: nothing of the user's
 * audio stays on disk whatever happens to us (SIGKILL, Ctrl+C while spooling, no decoder). The open
 * handle is the only way to it; the decoder gets it as its stdin. Writes go to explicit positions,
 * so the descriptor's own offset stays at 0 for the reader that shares it.
 */
export async function spoolToFile(data: AsyncIterable<Buffer>): Promise<FileHandle> {
  const path = join(tmpdir(), `transcribe-spool-${randomBytes(12).toString('hex')}`);
  const handle = await open(path, 'wx+', 0o600).catch((error: unknown) => Promise.reject(spoolError(error))); // exclusive: never someone else's file or link
  let linked = true;
  try {
    await unlink(path);
    linked = false;
    let position = 0;
    for await (const chunk of data) {
      await handle.write(chunk, 0, chunk.length, position).catch((error: unknown) => Promise.reject(spoolError(error)));
      position += chunk.length;
    }
    return handle;
  } catch (error) {
    await handle.close();
    if (linked) await unlink(path).catch(() => {});
    throw error;
  }
}

/** The temporary directory is full or missing: a sentence naming it and TMPDIR, not an internal error. */
function spoolError(error: unknown): TranscribeError {
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  return new TranscribeError(
    `cannot keep the M4A/MP4 audio from stdin in a temporary file in ${tmpdir()} (${code}): a decoder needs it whole to seek in it`,
    ExitCode.internal,
    'free space there, set TMPDIR to a directory with room, or give transcribe the file by name',
  );
}
