import { describe, expect, it } from 'vitest';
import { Linear16Converter, parseWavHeader, WavCodecError, type SampleEncoding } from '../../src/audio/wav.js';
import { sniff } from '../../src/audio/sniff.js';

/** A WAV header as a writer would produce it; `extra` chunks go before `data`. */
function wavHeader(o: { tag?: number; channels?: number; rate?: number; bits?: number; dataBytes?: number; extra?: Buffer; fmtSize?: number }): Buffer {
  const fmtSize = o.fmtSize ?? 16;
  const fmt = Buffer.alloc(8 + fmtSize);
  fmt.write('fmt ', 0, 'latin1');
  fmt.writeUInt32LE(fmtSize, 4);
  fmt.writeUInt16LE(o.tag ?? 1, 8);
  fmt.writeUInt16LE(o.channels ?? 1, 10);
  fmt.writeUInt32LE(o.rate ?? 16000, 12);
  fmt.writeUInt16LE(o.bits ?? 16, 22);
  if (fmtSize >= 26 && o.tag === 0xfffe) fmt.writeUInt16LE(1, 32);
  const data = Buffer.alloc(8);
  data.write('data', 0, 'latin1');
  data.writeUInt32LE(o.dataBytes ?? 0, 4);
  const riff = Buffer.from('RIFF\0\0\0\0WAVE', 'latin1');
  return Buffer.concat([riff, fmt, o.extra ?? Buffer.alloc(0), data]);
}

describe('parseWavHeader', () => {
  it.each<[string, Parameters<typeof wavHeader>[0], object]>([
    ['16-bit mono', { dataBytes: 3200 }, { format: { sampleRate: 16000, channels: 1 }, encoding: { kind: 'int', bits: 16 }, dataOffset: 44, dataBytes: 3200 }],
    [
      '24-bit stereo 48k',
      { channels: 2, rate: 48000, bits: 24, dataBytes: 6 },
      { format: { sampleRate: 48000, channels: 2 }, encoding: { kind: 'int', bits: 24 } },
    ],
    ['float32', { tag: 3, bits: 32, dataBytes: 8 }, { encoding: { kind: 'float', bits: 32 } }],
    ['extensible PCM', { tag: 0xfffe, fmtSize: 40, bits: 16, dataBytes: 2 }, { encoding: { kind: 'int', bits: 16 }, dataOffset: 68 }],
    ['LIST chunk before data', { extra: Buffer.concat([Buffer.from('LIST', 'latin1'), Buffer.from([3, 0, 0, 0, 1, 2, 3, 0])]) }, { dataOffset: 56 }],
    ['streamed: size unknown', { dataBytes: 0xffffffff }, { dataBytes: undefined }],
  ])('%s', (_name, header, expected) => {
    expect(parseWavHeader(wavHeader(header))).toMatchObject(expected);
  });

  it('asks for more bytes while the header is incomplete', () => {
    expect(parseWavHeader(wavHeader({}).subarray(0, 30))).toBeUndefined();
  });
  it.each<[string, Parameters<typeof wavHeader>[0], string]>([
    ['12-bit', { bits: 12 }, 'unsupported WAV encoding (format tag 1, 12 bits)'],
    ['no channels', { channels: 0 }, 'the header declares 0 channels at 16000 Hz (channels: must be between 1 and 32)'],
    ['1 Hz', { rate: 1 }, 'the header declares 1 channels at 1 Hz (Hz: must be between 1000 and 384000)'],
    ['2^32-1 Hz', { rate: 0xffffffff }, 'the header declares 1 channels at 4294967295 Hz (Hz: must be between 1000 and 384000)'],
    ['384001 Hz', { rate: 384_001 }, 'the header declares 1 channels at 384001 Hz (Hz: must be between 1000 and 384000)'],
    ['65535 channels', { channels: 65535 }, 'the header declares 65535 channels at 16000 Hz (channels: must be between 1 and 32)'],
    ['33 channels', { channels: 33 }, 'the header declares 33 channels at 16000 Hz (channels: must be between 1 and 32)'],
  ])('refuses %s', (_name, header, message) => {
    expect(() => parseWavHeader(wavHeader(header))).toThrow(message);
  });
});

describe('WAVs whose samples need a decoder', () => {
  it.each<[string, Parameters<typeof wavHeader>[0], number, string]>([
    ['mu-law', { tag: 7, bits: 8, rate: 8000 }, 7, 'unsupported WAV encoding (format tag 7, mu-law)'],
    ['A-law', { tag: 6, bits: 8, rate: 8000 }, 6, 'unsupported WAV encoding (format tag 6, A-law)'],
    ['IMA ADPCM', { tag: 0x11, bits: 4 }, 0x11, 'unsupported WAV encoding (format tag 17, IMA ADPCM)'],
    ['GSM 6.10', { tag: 0x31, bits: 0, rate: 8000 }, 0x31, 'unsupported WAV encoding (format tag 49, GSM 6.10)'],
  ])('%s: a WavCodecError with its tag', (_name, header, tag, message) => {
    let thrown: unknown;
    try {
      parseWavHeader(wavHeader(header));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(WavCodecError);
    expect(thrown).toMatchObject({ tag, message });
  });

  it('extensible with a mu-law sub-format is one too; within the rate bounds first', () => {
    const extensible = wavHeader({ tag: 0xfffe, fmtSize: 40, bits: 8, rate: 8000 });
    extensible.writeUInt16LE(7, 44);
    expect(() => parseWavHeader(extensible)).toThrow(WavCodecError);
    expect(() => parseWavHeader(wavHeader({ tag: 7, bits: 8, rate: 10 }))).toThrow('the header declares 1 channels at 10 Hz');
  });
});

describe('Linear16Converter', () => {
  const cases: [string, SampleEncoding, Buffer, number[]][] = [
    ['16-bit passes through', { kind: 'int', bits: 16 }, Buffer.from([0x01, 0x00, 0xff, 0xff]), [1, -1]],
    ['8-bit unsigned', { kind: 'int', bits: 8 }, Buffer.from([128, 255, 0]), [0, 127 << 8, -32768]],
    ['24-bit keeps the top 16 bits', { kind: 'int', bits: 24 }, Buffer.from([0x00, 0x34, 0x12, 0xff, 0xff, 0xff]), [0x1234, -1]],
    ['32-bit int', { kind: 'int', bits: 32 }, Buffer.from([0, 0, 0x34, 0x12]), [0x1234]],
    ['float32 clamps', { kind: 'float', bits: 32 }, floats([0, 1, -1, 2, 0.5]), [0, 32767, -32768, 32767, 16384]],
  ];
  it.each(cases)('%s', (_name, encoding, input, samples) => {
    expect(int16s(new Linear16Converter(encoding).convert(input))).toEqual(samples);
  });

  it('carries a sample split across chunks', () => {
    const converter = new Linear16Converter({ kind: 'int', bits: 24 });
    const bytes = Buffer.from([0x00, 0x34, 0x12, 0x00, 0x78, 0x56]);
    const out = [converter.convert(bytes.subarray(0, 4)), converter.convert(bytes.subarray(4))];
    expect(out.map(int16s)).toEqual([[0x1234], [0x5678]]);
  });
});

describe('sniff', () => {
  it.each<[string, Buffer, string]>([
    ['WAV', wavHeader({}), 'wav'],
    ['MP3 with ID3', Buffer.from('ID3\x04\0\0\0\0\0\0\0\0', 'latin1'), 'MP3'],
    ['MP3 frames', frames([0xff, 0xfb, 0x90, 0x64], 417, 2), 'MP3'],
    ['MP3 of a single frame', frames([0xff, 0xfb, 0x90, 0x64], 417, 1), 'MP3'],
    ['MPEG-2 layer III frames (72 x 64 kb/s / 24 kHz)', frames([0xff, 0xf3, 0x84, 0xc4], 192, 3), 'MP3'],
    ['AAC ADTS frames', frames(adts(300), 300, 2), 'AAC'],
    ['an MP3 header without a second one where the frame ends', Buffer.concat([frames([0xff, 0xfb, 0x90, 0x64], 417, 1), Buffer.alloc(8, 1)]), 'unknown'],
    ['MP3 frames whose lengths do not chain', frames([0xff, 0xfb, 0x90, 0x64], 400, 2), 'unknown'],
    ['raw PCM -1, 16: an MPEG layer I header, but no second frame', Buffer.concat([Buffer.from([0xff, 0xff, 0x10, 0x00]), Buffer.alloc(60, 3)]), 'unknown'],
    ['raw PCM -1, 0: bit rate index 0 (free format)', Buffer.concat([Buffer.from([0xff, 0xfb, 0x00, 0x00]), Buffer.alloc(60)]), 'unknown'],
    ['bit rate index 15', frames([0xff, 0xfb, 0xf0, 0x64], 417, 2), 'unknown'],
    ['sample rate index 3', frames([0xff, 0xfb, 0x9c, 0x64], 417, 2), 'unknown'],
    ['FLAC', Buffer.from('fLaC\0\0\0\x22', 'latin1'), 'FLAC'],
    ['Ogg', Buffer.from('OggS\0\x02', 'latin1'), 'Ogg'],
    ['WebM', Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x01]), 'WebM/Matroska'],
    ['M4A', Buffer.from('\0\0\0\x20ftypM4A ', 'latin1'), 'MP4/M4A'],
    ['raw PCM', Buffer.from([0x10, 0x00, 0x20, 0x00]), 'unknown'],
    ['raw PCM starting with -1 samples', Buffer.from([0xff, 0xff, 0xff, 0xff, 0xfe, 0xff]), 'unknown'],
    ['text', Buffer.from('hello world!'), 'unknown'],
    ['RIFF of another form, named in printable characters only', Buffer.from('RIFF\0\0\0\0A\nB\x1b', 'latin1'), 'RIFF/A?B?'],
  ])('%s', (_name, head, expected) => {
    const result = sniff(head);
    expect(result.kind === 'container' ? result.name : result.kind).toBe(expected);
  });
});

/** `count` frames of `bytes` each, every one starting with `header`. */
function frames(header: number[], bytes: number, count: number): Buffer {
  const frame = Buffer.alloc(bytes, 0x55);
  Buffer.from(header).copy(frame);
  return Buffer.concat(Array.from({ length: count }, () => frame));
}

/** An ADTS header (AAC LC, 44.1 kHz, stereo) announcing a frame of `bytes` bytes. */
function adts(bytes: number): number[] {
  return [0xff, 0xf1, 0x50, 0x80 | ((bytes >> 11) & 0x03), (bytes >> 3) & 0xff, ((bytes & 0x07) << 5) | 0x1f, 0xfc];
}

function floats(values: number[]): Buffer {
  const buffer = Buffer.alloc(values.length * 4);
  values.forEach((value, i) => buffer.writeFloatLE(value, i * 4));
  return buffer;
}

function int16s(buffer: Buffer): number[] {
  return Array.from({ length: buffer.length / 2 }, (_, i) => buffer.readInt16LE(i * 2));
}
