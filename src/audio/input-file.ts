import { open, stat } from 'node:fs/promises';
import { AudioSourceError, UsageError } from '../errors.js';

export interface FileInfo {
  size: number;
  /** False for a FIFO, `<(cmd)` or a device: read as a stream like stdin, its size means nothing. */
  regular: boolean;
}

/** What a path is; a missing file, a directory or no permission is an AudioSourceError. */
export async function fileInfo(path: string): Promise<FileInfo> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new AudioSourceError(`${path} is a directory, not an audio file`, 'give the path of an audio file');
    // Opening a socket fails with a bare ENXIO.
    if (info.isSocket())
      throw new AudioSourceError(`${path} is a socket, not an audio file`, 'give the path of an audio file, or pipe the audio to transcribe file -');
    return { size: info.size, regular: info.isFile() };
  } catch (error) {
    if (error instanceof AudioSourceError) throw error;
    throw readError(path, error as NodeJS.ErrnoException);
  }
}

/** `transcribe file -` typed at a terminal would wait in silence for audio no one is going to type. */
export function refuseTerminalStdin(stdin: { isTTY?: boolean }): void {
  if (stdin.isTTY === true)
    throw new UsageError('stdin is a terminal, not audio', 'pipe the audio in (cat talk.mp3 | transcribe file -), or give the file name instead of -');
}

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EIO: 'input/output error (a failing disk or a disconnected drive?)',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
  ENOTDIR: 'a part of the path is not a directory',
};

/** A failed stat, open or read as a sentence: "permission denied: x.wav", never "EACCES". */
export function readError(label: string, error: NodeJS.ErrnoException): AudioSourceError {
  const what = error.code ? READ_ERRORS[error.code] : undefined;
  if (!what) return new AudioSourceError(`cannot read ${label}: ${error.code ?? error.message}`, 'check the path');
  if (error.code === 'ENOENT') return new AudioSourceError(`${what}: ${label}`, 'check the path, or use - to read stdin');
  if (error.code === 'EACCES' || error.code === 'EPERM') return new AudioSourceError(`${what}: ${label}`, 'check the file permissions');
  return new AudioSourceError(`${what}: ${label}`, 'check the path');
}

const READ_BYTES = 64 * 1024;

/**
 * A file's bytes, read into one buffer over and over: each chunk is valid until the next is asked
 * for. A new 64 kB buffer per read (a read stream's way) is garbage 40 frames later, and at
 * --speed max that garbage, not the audio, was most of the memory of an hour-long file.
 */
export async function* readChunks(path: string): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafeSlow(READ_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, READ_BYTES, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/** Up to `n` first bytes of a regular file (to sniff it), with read errors as sentences. */
export async function readHead(path: string, n: number): Promise<Buffer> {
  try {
    const handle = await open(path, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(n), 0, n, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw readError(path, error as NodeJS.ErrnoException);
  }
}
