import type { PcmFormat } from './format.js';

/** What a reader of audio yields: raw linear16 PCM with a known format (a file, stdin, a recorder). */
export interface PcmStream {
  format: PcmFormat;
  /** 16-bit little-endian PCM in chunks of any size; a chunk may be reused once the next is asked for (copy what you keep). */
  pcm: AsyncIterable<Buffer>;
  /** Seconds of audio when known in advance (a WAV file). */
  totalSeconds?: number;
  /** Things the user should know that do not stop us (a truncated file). */
  warnings: string[];
  /** Stops reading and any child process; safe to call twice. Resolves once a child has exited. */
  stop(): void | Promise<void>;
}

/** A stream as the session sends it: it says itself whether it is live and how it is paced. */
export interface AudioSource extends PcmStream {
  /**
   * A live source (a microphone, stdin fed by a live producer) keeps producing while the session
   * reconnects, so its oldest audio may be dropped; a file waits instead.
   */
  live: boolean;
  /** The most audio sent per second of wall time, as a multiple of real time (`--speed`); Infinity: not paced. */
  pace: number;
}

/** A file or stdin, paced at `--speed` (`-`, stdin, may be fed live: it is not held back while reconnecting). */
export function fileSource(stream: PcmStream, path: string, speed: number): AudioSource {
  return Object.assign(stream, { live: path === '-', pace: speed });
}

/** Captured audio (microphone, system): live, and never paced, since it arrives in real time. */
export function capturedSource(stream: PcmStream): AudioSource {
  return Object.assign(stream, { live: true, pace: Number.POSITIVE_INFINITY });
}
