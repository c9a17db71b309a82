import { writeSync } from 'node:fs';

/** The file functions the writers use, injectable so that a test can fail a write halfway. */
export interface WriteFs {
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position?: number | null): number;
}

/**
 * Writes all of `data`: a write may take only part of it (a disk filling up, a file-size limit);
 * the rest is written next, and an error on the rest is thrown like any other.
 */
export function writeFully(fd: number, data: Buffer, position: number | null = null, fs: WriteFs = { writeSync }): void {
  let done = 0;
  while (done < data.length) {
    const written = fs.writeSync(fd, data, done, data.length - done, position === null ? null : position + done);
    if (written === 0) throw Object.assign(new Error('nothing written'), { code: 'EIO' });
    done += written;
  }
}

export function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}
