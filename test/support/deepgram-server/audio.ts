// Audio accounting for one connection: bytes, hash, and how many seconds they are.
import { createHash, type Hash } from 'node:crypto';

/** Bytes per sample of the raw encodings whose byte rate is fixed. */
const BYTES_PER_SAMPLE: Readonly<Record<string, number>> = { linear16: 2, linear32: 4, mulaw: 1, alaw: 1 };

/** Enough bytes to recognise any container magic below. */
export const SNIFF_BYTES = 12;
/** A WAV header whose data chunk is not found within this many bytes is given up on. */
const MAX_WAV_HEADER = 4096;
/** The first bytes are always kept (WAV header + the probe that locates a reference), even with keepAudio off. */
export const HEAD_BYTES = MAX_WAV_HEADER + 8192;

type Container = 'wav' | 'mp3' | 'flac' | 'ogg' | 'webm' | 'mp4';

function sniffContainer(head: Buffer): Container | undefined {
  const ascii = (from: number, to: number): string => head.toString('latin1', from, to);
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'wav';
  if (ascii(0, 3) === 'ID3' || (head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0)) return 'mp3';
  if (ascii(0, 4) === 'fLaC') return 'flac';
  if (ascii(0, 4) === 'OggS') return 'ogg';
  if (head.readUInt32BE(0) === 0x1a45dfa3) return 'webm';
  if (ascii(4, 8) === 'ftyp') return 'mp4';
  return undefined;
}

interface WavLayout {
  channels: number;
  byteRate: number;
  dataStart: number;
}

/** Reads channels, byte rate and where the samples start; undefined until the data chunk is in `head`. */
function readWavLayout(head: Buffer): WavLayout | undefined {
  let channels = 0;
  let byteRate = 0;
  for (let offset = 12; offset + 8 <= head.length;) {
    const id = head.toString('latin1', offset, offset + 4);
    const size = head.readUInt32LE(offset + 4);
    if (id === 'fmt ' && offset + 24 <= head.length) {
      channels = head.readUInt16LE(offset + 10);
      byteRate = head.readUInt32LE(offset + 16);
    }
    if (id === 'data') return byteRate > 0 ? { channels, byteRate, dataStart: offset + 8 } : undefined;
    offset += 8 + size + (size % 2); // chunks are padded to an even size
  }
  return undefined;
}

/**
 * Counts what arrives. Raw linear16/linear32/mulaw/alaw: seconds = bytes / (rate x channels x
 * bytes per sample). No encoding (container mode): the first bytes must be a known container,
 * else the audio is undecodable; a WAV header gives exact seconds. Other containers and raw
 * encodings without a fixed byte rate count as 0 seconds: the server hears nothing in them.
 */
export class AudioMeter {
  bytes = 0;
  /** Channels as the audio itself declares them (the WAV header), else as the query said. */
  channels: number;
  undecodable = false;
  /** Container mode only: true until the header has been understood or given up on (channels may still change). */
  readingHeader: boolean;

  /** Bytes per second of audio; 0 when unknown (the server hears nothing then). */
  bytesPerSecond = 0;
  /** Where the samples start: the WAV header size in container mode, else 0. */
  dataStart = 0;
  /** Bytes of one sample of one channel (2 for WAV). */
  readonly sampleBytes: number;

  private readonly chunks: Buffer[] = [];
  private readonly headChunks: Buffer[] = [];
  private headLength = 0;
  private headJoined: Buffer | undefined;
  private readonly hash: Hash = createHash('sha256');
  private joined: Buffer | undefined;

  constructor(
    encoding: string | undefined,
    sampleRate: number | undefined,
    channels: number,
    private readonly keepAudio = true,
  ) {
    this.channels = channels;
    this.sampleBytes = (encoding === undefined ? 2 : BYTES_PER_SAMPLE[encoding]) ?? 1;
    this.readingHeader = encoding === undefined;
    const sampleBytes = encoding === undefined ? undefined : BYTES_PER_SAMPLE[encoding];
    if (sampleBytes !== undefined && sampleRate !== undefined) this.bytesPerSecond = sampleRate * channels * sampleBytes;
  }

  add(chunk: Buffer): void {
    if (this.keepAudio) this.chunks.push(chunk);
    if (this.headLength < HEAD_BYTES) {
      const part = chunk.subarray(0, HEAD_BYTES - this.headLength);
      this.headChunks.push(part);
      this.headLength += part.length;
      this.headJoined = undefined;
    }
    this.hash.update(chunk);
    this.joined = undefined;
    this.bytes += chunk.length;
    if (this.readingHeader) this.readHeader();
  }

  get seconds(): number {
    return this.bytesPerSecond === 0 ? 0 : Math.max(0, this.bytes - this.dataStart) / this.bytesPerSecond;
  }

  /** Bytes of one sample frame (all channels). */
  get frameBytes(): number {
    return Math.max(1, this.sampleBytes * this.channels);
  }

  get audio(): Buffer {
    if (!this.keepAudio) throw new Error('deepgram test server: audio is not kept (started with keepAudio: false)');
    this.joined ??= Buffer.concat(this.chunks);
    return this.joined;
  }

  /** The first HEAD_BYTES bytes (or all, when fewer arrived). */
  get head(): Buffer {
    this.headJoined ??= Buffer.concat(this.headChunks);
    return this.headJoined;
  }

  get sha256(): string {
    return this.hash.copy().digest('hex');
  }

  private readHeader(): void {
    if (this.bytes < SNIFF_BYTES) return;
    const head = this.head.subarray(0, MAX_WAV_HEADER);
    const container = sniffContainer(head);
    if (container === undefined) {
      this.undecodable = true;
      this.readingHeader = false;
      return;
    }
    if (container !== 'wav') {
      this.readingHeader = false;
      return;
    }
    const wav = readWavLayout(head);
    if (wav) {
      this.bytesPerSecond = wav.byteRate;
      this.dataStart = wav.dataStart;
      this.channels = wav.channels;
    }
    if (wav || head.length >= MAX_WAV_HEADER) this.readingHeader = false;
  }
}
