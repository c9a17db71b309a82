import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SAMPLE_WAV = fileURLToPath(new URL('../../samples/hello.wav', import.meta.url));

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The 16-bit PCM inside a plain 44-byte-header WAV (the shipped sample). */
export function pcmOfWav(path: string): Buffer {
  const wav = readFileSync(path);
  const dataAt = wav.indexOf('data', 12, 'latin1');
  const size = wav.readUInt32LE(dataAt + 4);
  return wav.subarray(dataAt + 8, dataAt + 8 + size);
}

export interface WavSpec {
  sampleRate: number;
  channels: number;
  /** 8/16/24/32 integer, or 32/64 with float. */
  bits: number;
  float?: boolean;
  /** Override the declared data size (truncation tests). */
  declaredBytes?: number;
}

/** A 44-byte WAV header for `dataBytes` of samples as `spec` describes them. */
export function wavHeader(spec: Omit<WavSpec, 'declaredBytes'>, dataBytes: number): Buffer {
  const width = spec.bits / 8;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(spec.float ? 3 : 1, 20);
  header.writeUInt16LE(spec.channels, 22);
  header.writeUInt32LE(spec.sampleRate, 24);
  header.writeUInt32LE(spec.sampleRate * spec.channels * width, 28);
  header.writeUInt16LE(spec.channels * width, 32);
  header.writeUInt16LE(spec.bits, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

/** Writes 16-bit samples as a WAV of another sample encoding that converts back to them exactly. */
export function wavOf(pcm16: Buffer, spec: WavSpec): Buffer {
  const samples = pcm16.length / 2;
  const width = spec.bits / 8;
  const data = Buffer.alloc(samples * width);
  for (let i = 0; i < samples; i++) {
    const s = pcm16.readInt16LE(i * 2);
    const at = i * width;
    if (spec.float) {
      const value = s < 0 ? s / 0x8000 : s / 0x7fff;
      if (spec.bits === 32) data.writeFloatLE(value, at);
      else data.writeDoubleLE(value, at);
    } else if (spec.bits === 16) data.writeInt16LE(s, at);
    else if (spec.bits === 24) data.writeIntLE(s * 256, at, 3);
    else if (spec.bits === 32) data.writeInt32LE(s * 65536, at);
    else throw new Error(`unsupported bits ${spec.bits}`);
  }
  const header = wavHeader(spec, data.length);
  if (spec.declaredBytes !== undefined) header.writeUInt32LE(spec.declaredBytes, 40); // the RIFF size stays true
  return Buffer.concat([header, data]);
}

/**
 * Decodes an audio file to 16-bit PCM the way the CLI's ffmpeg decoder does. From a pipe ffmpeg
 * cannot read an MP3's gapless trailer, so the samples differ from a file: say which.
 */
export function ffmpegPcm(path: string, from: 'file' | 'pipe' = 'file'): Buffer {
  const args = ['-hide_banner', '-loglevel', 'error', '-i', from === 'file' ? path : 'pipe:0', '-vn', '-acodec', 'pcm_s16le', '-f', 's16le', 'pipe:1'];
  return execFileSync('ffmpeg', args, { maxBuffer: 1 << 30, ...(from === 'pipe' ? { input: readFileSync(path) } : { stdio: ['ignore', 'pipe', 'pipe'] }) });
}

export function encodeWithFfmpeg(input: string, output: string, args: string[] = []): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', input, ...args, output]);
}

/** A raw 16 kHz mono s16le file: `padSeconds` of silence, 0.2 s of 1 kHz at half scale, `padSeconds` of silence (sox). */
export function writeBeep(path: string, padSeconds: number): void {
  const pad = String(padSeconds);
  execFileSync('sox', [
    '-n',
    '-r',
    '16000',
    '-c',
    '1',
    '-b',
    '16',
    '-e',
    'signed-integer',
    '-t',
    'raw',
    path,
    'synth',
    '0.2',
    'sine',
    '1000',
    'vol',
    '0.5',
    'pad',
    pad,
    pad,
  ]);
}
