import { closeSync, constants, fstatSync, ftruncateSync, openSync, statSync, unlinkSync } from 'node:fs';
import type { PcmFormat } from '../audio/format.js';
import { ExitCode, TranscribeError, UsageError } from '../errors.js';
import { errorCode, writeFully } from './write-fully.js';

const HEADER_BYTES = 44;
/** The header's sizes are brought up to date this often, so even a killed process leaves a playable file. */
const HEADER_EVERY_BYTES = 32_000;

/**
 * `--save-audio`: the PCM sent to Deepgram, as a 16-bit WAV whose header is kept correct as it grows.
 * A write error after the start stops the saving only (the transcription goes on): `failure` says why.
 */
export class WavWriter {
  private readonly fd: number;
  private dataBytes = 0;
  private sinceHeader = 0;
  private closed = false;
  /** This run made the file (it did not exist): removed again if no audio ever reached it. */
  private created = false;
  /** An existing recording (--force) is cut only when the first audio comes: a run that fails before keeps it whole. */
  private replacePending = false;
  failure: TranscribeError | undefined;

  constructor(
    private readonly path: string,
    private readonly format: PcmFormat,
    private readonly warn: (message: string) => void = () => {},
  ) {
    try {
      // 0600: a recording of people (a stricter umask still applies; a replaced file keeps its mode).
      this.fd = openNew(path);
      this.created = true;
    } catch (error) {
      try {
        if (errorCode(error) !== 'EEXIST') throw error;
        this.fd = openExisting(path); // to be replaced: the paths were checked (--force)
        this.replacePending = fstatSync(this.fd).isFile();
      } catch (error) {
        throw this.error(error);
      }
    }
    try {
      if (!this.replacePending) this.writeHeader(); // a device or a terminal refuses here (ESPIPE)
    } catch (error) {
      closeSync(this.fd);
      if (errorCode(error) === 'ESPIPE') {
        throw new UsageError(
          `--save-audio ${path} cannot be rewritten in place: a WAV file's header is updated as it grows`,
          'give --save-audio the name of a .wav file',
        );
      }
      throw this.error(error);
    }
  }

  write(pcm: Buffer): void {
    if (this.closed || this.failure) return;
    try {
      if (this.replacePending) {
        ftruncateSync(this.fd, 0);
        this.replacePending = false;
        this.writeHeader();
      }
      writeFully(this.fd, pcm, HEADER_BYTES + this.dataBytes);
      this.dataBytes += pcm.length;
      this.sinceHeader += pcm.length;
      if (this.sinceHeader >= HEADER_EVERY_BYTES) this.writeHeader();
    } catch (error) {
      this.failure = this.error(error);
      this.warn(`transcribe: warning: ${this.failure.message}; the audio is no longer saved, the transcription goes on`);
      this.finish();
    }
  }

  close(): void {
    if (this.closed) return;
    if (!this.failure && !this.replacePending) {
      try {
        this.writeHeader();
      } catch (error) {
        this.failure = this.error(error);
      }
    }
    this.closed = true;
    // Nothing was recorded (the key was refused, no network): no empty WAV that the next run would need --force to replace.
    if (this.created && this.dataBytes === 0 && !this.failure) this.removeIfStillOurs();
    closeSync(this.fd);
  }

  private removeIfStillOurs(): void {
    try {
      const ours = fstatSync(this.fd);
      const there = statSync(this.path);
      if (ours.dev === there.dev && ours.ino === there.ino) unlinkSync(this.path);
    } catch {
      /* gone already, or not removable: an empty WAV stays */
    }
  }

  /** After a failure: the file ends at the last whole frame, with a header that says so (best effort). */
  private finish(): void {
    try {
      ftruncateSync(this.fd, HEADER_BYTES + this.dataBytes);
      this.writeHeader();
    } catch {
      /* the disk refuses even this: the header written last still describes a playable prefix */
    }
  }

  private writeHeader(): void {
    const { sampleRate, channels } = this.format;
    const header = Buffer.alloc(HEADER_BYTES);
    header.write('RIFF', 0, 'latin1');
    header.writeUInt32LE(36 + this.dataBytes, 4);
    header.write('WAVEfmt ', 8, 'latin1');
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(1, 20); // PCM
    header.writeUInt16LE(channels, 22);
    header.writeUInt32LE(sampleRate, 24);
    header.writeUInt32LE(sampleRate * channels * 2, 28);
    header.writeUInt16LE(channels * 2, 32);
    header.writeUInt16LE(16, 34);
    header.write('data', 36, 'latin1');
    header.writeUInt32LE(this.dataBytes, 40);
    writeFully(this.fd, header, 0);
    this.sinceHeader = 0;
  }

  private error(error: unknown): TranscribeError {
    return new TranscribeError(
      `cannot write the audio to ${this.path} (${errorCode(error)})`,
      ExitCode.internal,
      'check the directory exists and has free space',
    );
  }
}

/** Creates `path`, never opening one that exists (EEXIST then). */
function openNew(path: string): number {
  return openSync(path, 'wx', 0o600);
}

/** An existing file, not truncated yet; a dangling symlink (O_EXCL refused it) creates its target, as it always did. */
function openExisting(path: string): number {
  try {
    return openSync(path, constants.O_WRONLY);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
    return openSync(path, 'w', 0o600);
  }
}
