import { open } from 'node:fs/promises';
import { isWav, parseWavHeader } from '../audio/wav.js';

/** Bytes read from each input to find a WAV's header (a LIST chunk before the data can be long). */
const HEAD_BYTES = 4096;

/** Seconds of audio a WAV holds, from its header and size; undefined for anything else. */
export function wavSeconds(head: Buffer, size: number): number | undefined {
  if (!isWav(head)) return undefined;
  try {
    const header = parseWavHeader(head);
    if (!header) return undefined;
    const bytesPerSecond = header.format.sampleRate * header.format.channels * (header.encoding.bits / 8);
    const data = Math.min(header.dataBytes ?? Infinity, size - header.dataOffset);
    return Math.max(0, data) / bytesPerSecond;
  } catch {
    return undefined; // a WAV a decoder reads (mu-law...): estimated like other formats
  }
}

interface Entry {
  bytes: number;
  /** Known: from a WAV header, or once the file is done. */
  seconds?: number;
}

/**
 * The hours of audio a run has to do. A WAV says its duration in its header; another format's is
 * known once the file is done, and until then estimated from its size at the seconds per byte of
 * the files of that kind done so far (hence "~").
 */
export class AudioTotal {
  private readonly entries = new Map<string, Entry>();
  private sample = { seconds: 0, bytes: 0 };

  constructor(private readonly count: number) {}

  measured(key: string, bytes: number, seconds?: number): void {
    const done = this.entries.get(key)?.seconds;
    if (done === undefined) return void this.entries.set(key, seconds === undefined ? { bytes } : { bytes, seconds });
    // Done before it was measured: what it held is known, and a size says something for the others.
    if (seconds === undefined && bytes > 0) this.sample = { seconds: this.sample.seconds + done, bytes: this.sample.bytes + bytes };
    this.entries.set(key, { bytes, seconds: done });
  }

  done(key: string, seconds: number): void {
    const entry = this.entries.get(key);
    if (entry && entry.seconds === undefined && entry.bytes > 0)
      this.sample = { seconds: this.sample.seconds + seconds, bytes: this.sample.bytes + entry.bytes };
    this.entries.set(key, { bytes: entry?.bytes ?? 0, seconds });
  }

  /** Undefined until every input is measured and, for other formats than WAV, one of them is done. */
  get total(): { seconds: number; estimated: boolean } | undefined {
    if (this.entries.size < this.count) return undefined;
    let seconds = 0;
    let unknownBytes = 0;
    for (const entry of this.entries.values()) {
      if (entry.seconds === undefined) unknownBytes += entry.bytes;
      else seconds += entry.seconds;
    }
    if (unknownBytes === 0) return { seconds, estimated: false };
    if (this.sample.bytes === 0) return undefined;
    return { seconds: seconds + (unknownBytes * this.sample.seconds) / this.sample.bytes, estimated: true };
  }
}

/**
 * Measures every input for `total`, a few at a time, in the background: the size, and a WAV's
 * header. `stopped()` ends it early (the run is over). An unreadable input counts as 0 seconds:
 * transcribing it fails and says why.
 */
export async function measureInputs(paths: readonly string[], total: AudioTotal, changed: () => void, stopped: () => boolean): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < paths.length && !stopped()) {
      const path = paths[next++]!;
      try {
        const handle = await open(path, 'r');
        try {
          const [{ size }, { buffer, bytesRead }] = await Promise.all([handle.stat(), handle.read(Buffer.alloc(HEAD_BYTES), 0, HEAD_BYTES, 0)]);
          total.measured(path, size, wavSeconds(buffer.subarray(0, bytesRead), size));
        } finally {
          await handle.close();
        }
      } catch {
        total.measured(path, 0, 0);
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  if (!stopped()) changed();
}
