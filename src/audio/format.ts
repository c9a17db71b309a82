/** Every source yields this: 16-bit little-endian PCM with a known rate and channel count. */
export interface PcmFormat {
  sampleRate: number;
  channels: number;
}

export const BYTES_PER_SAMPLE = 2;

/**
 * Audio per message to Deepgram, and per read from a recorder: the top of Deepgram's 20-100 ms.
 * Each frame costs a read, a socket write and the code between them whatever its size, so this
 * sets most of the live CPU: 50 ms frames cost about half as much again (docs/performance.md).
 */
export const FRAME_MS = 100;

export function bytesPerSecond(format: PcmFormat): number {
  return format.sampleRate * format.channels * BYTES_PER_SAMPLE;
}

export function audioSeconds(bytes: number, format: PcmFormat): number {
  return bytes / bytesPerSecond(format);
}

/** Bytes in a frame of `ms` milliseconds, rounded down to whole sample frames (never 0). */
export function frameBytes(format: PcmFormat, ms: number): number {
  const block = format.channels * BYTES_PER_SAMPLE;
  return Math.max(block, Math.floor((format.sampleRate * ms) / 1000) * block);
}
