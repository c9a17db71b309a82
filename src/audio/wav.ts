import { options } from '../settings/options.js';
import type { PcmFormat } from './format.js';

export type SampleEncoding = { kind: 'int'; bits: 8 | 16 | 24 | 32 } | { kind: 'float'; bits: 32 | 64 };

export interface WavHeader {
  format: PcmFormat;
  encoding: SampleEncoding;
  /** Where the sample data starts. */
  dataOffset: number;
  /** Declared data length; undefined when the writer could not know it (a pipe). */
  dataBytes: number | undefined;
}

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;
/** Streaming writers (ffmpeg, sox to a pipe) leave these placeholders in the size fields. */
const UNKNOWN_SIZES = new Set([0, 0xffffffff, 0x7ffff000]);

export class WavFormatError extends Error {}

/** A WAV whose samples are compressed or companded (mu-law, A-law, ADPCM, GSM...): a decoder reads it. */
export class WavCodecError extends WavFormatError {
  constructor(readonly tag: number) {
    super(`unsupported WAV encoding (format tag ${tag}, ${CODEC_NAMES[tag] ?? 'compressed'})`);
  }
}

const CODEC_NAMES: Record<number, string> = { 2: 'MS ADPCM', 6: 'A-law', 7: 'mu-law', 0x11: 'IMA ADPCM', 0x31: 'GSM 6.10', 0x55: 'MP3' };

/** The name of a WAV's non-PCM encoding, for messages. */
export function codecName(tag: number): string {
  return CODEC_NAMES[tag] ?? `format tag ${tag}`;
}

export function isWav(head: Buffer): boolean {
  return head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WAVE';
}

/**
 * Reads a RIFF/WAVE header. Returns undefined when `head` is too short to contain it (read more),
 * throws WavFormatError when the header is present but unusable.
 */
export function parseWavHeader(head: Buffer): WavHeader | undefined {
  if (head.length < 12) return undefined;
  if (!isWav(head)) throw new WavFormatError('not a RIFF/WAVE file');
  let offset = 12;
  let fmt: { format: PcmFormat; encoding: SampleEncoding } | undefined;
  while (offset + 8 <= head.length) {
    const id = head.toString('latin1', offset, offset + 4);
    const size = head.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'data') {
      if (!fmt) throw new WavFormatError('the data chunk comes before the fmt chunk');
      return { ...fmt, dataOffset: body, dataBytes: UNKNOWN_SIZES.has(size) ? undefined : size };
    }
    if (body + size > head.length) return undefined;
    if (id === 'fmt ') fmt = parseFmt(head.subarray(body, body + size));
    offset = body + size + (size % 2); // chunks are padded to even sizes
  }
  return undefined;
}

function parseFmt(chunk: Buffer): { format: PcmFormat; encoding: SampleEncoding } {
  if (chunk.length < 16) throw new WavFormatError('the fmt chunk is truncated');
  let tag = chunk.readUInt16LE(0);
  const channels = chunk.readUInt16LE(2);
  const sampleRate = chunk.readUInt32LE(4);
  const bits = chunk.readUInt16LE(14);
  if (tag === FORMAT_EXTENSIBLE && chunk.length >= 26) tag = chunk.readUInt16LE(24); // first bytes of the sub-format GUID
  // The same bounds as --sample-rate and --channels: a header is no more trusted than a flag.
  for (const [spec, value, unit] of [
    [options.sampleRate, sampleRate, 'Hz'],
    [options.channels, channels, 'channels'],
  ] as const) {
    try {
      spec.parse(String(value));
    } catch (error) {
      throw new WavFormatError(`the header declares ${channels} channels at ${sampleRate} Hz (${unit}: ${(error as Error).message})`);
    }
  }
  const format = { sampleRate, channels };
  if (tag === FORMAT_PCM && (bits === 8 || bits === 16 || bits === 24 || bits === 32)) return { format, encoding: { kind: 'int', bits } };
  if (tag === FORMAT_FLOAT && (bits === 32 || bits === 64)) return { format, encoding: { kind: 'float', bits } };
  if (tag !== FORMAT_PCM && tag !== FORMAT_FLOAT && tag !== FORMAT_EXTENSIBLE) throw new WavCodecError(tag);
  throw new WavFormatError(`unsupported WAV encoding (format tag ${tag}, ${bits} bits)`);
}

/** Converts samples of any supported encoding to 16-bit PCM, carrying partial samples across chunks. */
export class Linear16Converter {
  private carry: Buffer = Buffer.alloc(0);
  private readonly width: number;

  constructor(private readonly encoding: SampleEncoding) {
    this.width = encoding.bits / 8;
  }

  convert(chunk: Buffer): Buffer {
    if (this.encoding.kind === 'int' && this.encoding.bits === 16 && this.carry.length === 0 && chunk.length % 2 === 0) return chunk;
    const input = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const usable = input.length - (input.length % this.width);
    this.carry = Buffer.from(input.subarray(usable));
    const samples = usable / this.width;
    const out = Buffer.allocUnsafe(samples * 2);
    for (let i = 0; i < samples; i++) out.writeInt16LE(this.sample(input, i * this.width), i * 2);
    return out;
  }

  private sample(input: Buffer, at: number): number {
    const { kind, bits } = this.encoding;
    if (kind === 'float') return floatToInt16(bits === 32 ? input.readFloatLE(at) : input.readDoubleLE(at));
    if (bits === 8) return (input.readUInt8(at) - 128) << 8;
    if (bits === 16) return input.readInt16LE(at);
    if (bits === 24) return input.readIntLE(at, 3) >> 8;
    return input.readInt32LE(at) >> 16;
  }
}

function floatToInt16(value: number): number {
  const clamped = Math.max(-1, Math.min(1, Number.isNaN(value) ? 0 : value));
  return Math.round(clamped < 0 ? clamped * 0x8000 : clamped * 0x7fff);
}
