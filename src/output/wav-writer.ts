import { closeSync, openSync, writeSync } from 'node:fs';
import type { PcmFormat } from '../audio/format.js';
import { ExitCode, TranscribeError } from '../errors.js';

const HEADER_BYTES = 44;
/** The header's sizes are brought up to date this often, so even a killed process leaves a playable file. */
const HEADER_EVERY_BYTES = 32_000;

/** `--save-audio`: the PCM sent to Deepgram, as a 16-bit WAV whose header is kept correct as it grows. */
export class WavWriter {
  private readonly fd: number;
  private dataBytes = 0;
  private sinceHeader = 0;
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly format: PcmFormat,
  ) {
    try {
      this.fd = openSync(path, 'w', 0o644);
    } catch (error) {
      throw this.failure(error);
    }
    this.writeHeader();
  }

  write(pcm: Buffer): void {
    if (this.closed) return;
    try {
      writeSync(this.fd, pcm, 0, pcm.length, HEADER_BYTES + this.dataBytes);
    } catch (error) {
      throw this.failure(error);
    }
    this.dataBytes += pcm.length;
    this.sinceHeader += pcm.length;
    if (this.sinceHeader >= HEADER_EVERY_BYTES) this.writeHeader();
  }

  close(): void {
    if (this.closed) return;
    this.writeHeader();
    this.closed = true;
    closeSync(this.fd);
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
    writeSync(this.fd, header, 0, HEADER_BYTES, 0);
    this.sinceHeader = 0;
  }

  private failure(error: unknown): TranscribeError {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return new TranscribeError(`cannot write the audio to ${this.path} (${code})`, ExitCode.internal, 'check the directory exists and has free space');
  }
}
