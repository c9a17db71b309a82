import { AudioSourceError, UsageError } from '../errors.js';
import { ByteReader, takeBytes } from './byte-reader.js';
import { decoderCommand, startDecoder, type DecoderInput } from './decoder.js';
import type { PcmStream } from './audio-source.js';
import { fileInfo, readChunks, readError, refuseTerminalStdin } from './input-file.js';
import { mayStartMpegFrame, sniff, SIGNATURE_BYTES, SNIFF_BYTES } from './sniff.js';
import { spoolToFile } from './spool.js';
import { codecName, Linear16Converter, parseWavHeader, WavCodecError, WavFormatError } from './wav.js';

export interface RawFlags {
  encoding?: 'linear16';
  sampleRate?: number;
  channels?: number;
}

const MAX_HEADER_BYTES = 1 << 20;
const RAW_HINT = 'add --encoding linear16 --sample-rate <hz> [--channels <n>] for raw PCM';

/** Opens a file path or `-` (stdin) as a PCM source, reading WAV and raw PCM itself and decoding the rest. */
export async function openAudioSource(
  path: string,
  raw: RawFlags,
  io: { stdin: NodeJS.ReadableStream & { isTTY?: boolean }; env: Record<string, string | undefined> },
): Promise<PcmStream> {
  const fromStdin = path === '-';
  if (fromStdin) refuseTerminalStdin(io.stdin);
  const label = fromStdin ? 'stdin' : path;
  const info = fromStdin ? undefined : await fileInfo(path);
  // A FIFO or <(cmd) is read once, like stdin: sniffed from the stream and the rest piped on.
  const streamed = !info?.regular;
  const size = streamed ? undefined : info.size;
  const input = fromStdin ? io.stdin : readChunks(path);
  const reader = new ByteReader(input as AsyncIterable<Buffer>);
  const peek = (bytes: number) =>
    reader.peek(bytes).catch((error: NodeJS.ErrnoException) => {
      throw readError(label, error);
    });
  let head = await peek(SIGNATURE_BYTES);
  if (mayStartMpegFrame(head)) head = await peek(SNIFF_BYTES);
  if (head.length === 0) throw new AudioSourceError(`${label} is empty: there is no audio to transcribe`, 'check the file or the command feeding stdin');
  let sniffed = sniff(head);
  // Closing the input only releases it; an error there has nothing left to spoil.
  const closeReader = () => void reader.close().catch(() => {});
  if (sniffed.kind === 'wav') {
    const tag = await wavCodec(reader);
    if (tag === undefined) return readWav(reader, { label, fileBytes: size, stop: closeReader });
    sniffed = { kind: 'container', name: `WAV (${codecName(tag)})`, soxType: 'wav' };
  }
  // --encoding insists on raw; a sample rate alone (perhaps a configured default) only applies to unrecognised data.
  if (raw.encoding || (sniffed.kind === 'unknown' && raw.sampleRate)) return readRaw(reader, raw, size, closeReader);
  if (sniffed.kind === 'unknown' && fromStdin) throw new UsageError('stdin is not WAV or a known audio container', RAW_HINT);
  let decoderInput: DecoderInput = { path, sniffed, label };
  if (!streamed) closeReader();
  else if (sniffed.kind === 'container' && NEEDS_SEEKING.has(sniffed.name)) {
    // MP4's index often sits at the end: a decoder cannot read it from a pipe, so spool the stream to a file.
    decoderCommand({ file: -1, sniffed, label }, io.env); // no decoder: say so before copying anything
    const spool = await spoolToFile(reader.rest());
    decoderInput = { file: spool.fd, sniffed, label };
    try {
      return await decode(decoderInput, io.env, label);
    } finally {
      await spool.close(); // the decoder has its own descriptor; the file vanishes when it exits
    }
  } else decoderInput = { stream: reader.rest(), sniffed, label };
  return decode(decoderInput, io.env, label);
}

async function decode(input: DecoderInput, env: Record<string, string | undefined>, label: string): Promise<PcmStream> {
  const decoder = startDecoder(input, env);
  const stop = () => decoder.stop();
  try {
    const source = await readWav(new ByteReader(decoder.wav), { label, stop, whyNoAudio: decoder.reason });
    return { ...source, totalSeconds: undefined };
  } catch (error) {
    stop();
    throw error;
  }
}

const NEEDS_SEEKING = new Set(['MP4/M4A', 'CAF']);

/** The format tag of a WAV whose samples need a decoder (mu-law, A-law, ADPCM, GSM), else undefined (readWav reports the rest). */
async function wavCodec(reader: ByteReader): Promise<number | undefined> {
  for (let want = 64; want <= 2 * MAX_HEADER_BYTES; want *= 2) {
    const head = await reader.peek(want);
    try {
      if (parseWavHeader(head)) return undefined;
    } catch (error) {
      return error instanceof WavCodecError ? error.tag : undefined;
    }
    if (reader.ended) return undefined;
  }
  return undefined;
}

/** The size of an audio file (0 for a FIFO); a missing file, a directory or no permission is an AudioSourceError. */
export async function fileSize(path: string): Promise<number> {
  return (await fileInfo(path)).size;
}

interface WavInput {
  label: string;
  /** Size of the file, to notice a truncated one. */
  fileBytes?: number | undefined;
  stop: () => void;
  whyNoAudio?: () => string;
}

async function readWav(reader: ByteReader, { label, fileBytes, stop, whyNoAudio }: WavInput): Promise<PcmStream> {
  let header;
  for (let want = 64; ; want *= 2) {
    const head = await reader.peek(want);
    try {
      header = parseWavHeader(head);
    } catch (error) {
      stop();
      if (error instanceof WavFormatError)
        throw new AudioSourceError(
          `${label} is not a usable WAV file: ${error.message}`,
          'convert it to 16-bit PCM WAV, e.g. with ffmpeg -i in -acodec pcm_s16le out.wav',
        );
      throw error;
    }
    if (header) break;
    if (reader.ended || want > MAX_HEADER_BYTES) {
      stop();
      throw new AudioSourceError(
        `${label} is a truncated or corrupt WAV file: its header ends before the audio data`,
        'check that the file was copied or recorded completely',
      );
    }
  }
  reader.skip(header.dataOffset);
  const warnings: string[] = [];
  const bytesPerSample = header.encoding.bits / 8;
  const bytesPerSecond = header.format.sampleRate * header.format.channels * bytesPerSample;
  let totalBytes = header.dataBytes;
  if (fileBytes !== undefined && totalBytes !== undefined && header.dataOffset + totalBytes > fileBytes) {
    const available = Math.max(0, fileBytes - header.dataOffset);
    const missing = (totalBytes - available) / bytesPerSecond;
    warnings.push(`${label} is truncated: ${missing.toFixed(1)} s of the audio its header announces are missing; transcribing the rest`);
    totalBytes = available;
  }
  // Wait for the first sample before connecting: a decoder that fails, or a header with nothing after it, ends here.
  if (totalBytes === 0 || (await reader.peek(1)).length === 0) {
    stop();
    const why = whyNoAudio?.();
    if (why) throw new AudioSourceError(`could not decode ${label}: ${why}`, 'check that it is an audio file and not damaged');
    throw new AudioSourceError(`${label} contains no audio samples`, 'check the file');
  }
  const converter = new Linear16Converter(header.encoding);
  async function* pcm(): AsyncGenerator<Buffer> {
    for await (const chunk of takeBytes(reader.rest(), totalBytes)) {
      const converted = converter.convert(chunk);
      if (converted.length) yield converted;
    }
  }
  return {
    format: header.format,
    pcm: pcm(),
    ...(totalBytes === undefined ? {} : { totalSeconds: totalBytes / bytesPerSecond }),
    warnings,
    stop,
  };
}

function readRaw(reader: ByteReader, raw: RawFlags, fileBytes: number | undefined, stop: () => void): PcmStream {
  if (!raw.sampleRate) {
    stop();
    throw new UsageError('raw PCM needs its sample rate', RAW_HINT);
  }
  const format = { sampleRate: raw.sampleRate, channels: raw.channels ?? 1 };
  const totalSeconds = fileBytes === undefined ? undefined : fileBytes / (format.sampleRate * format.channels * 2);
  return { format, pcm: reader.rest(), warnings: [], stop, ...(totalSeconds === undefined ? {} : { totalSeconds }) };
}
