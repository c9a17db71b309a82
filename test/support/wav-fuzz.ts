// Seeded generators of damaged WAV files and stream heads, for the fuzz tests of the WAV reader
// and the sniffer. The same seed gives the same cases: a failure names its seed and case number.

export type Random = () => number;

/** mulberry32: a small, fast, seeded PRNG (floats in [0, 1)). */
export function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const int = (random: Random, below: number) => Math.floor(random() * below);

function chunk(id: string, body: Buffer, declared = body.length, pad = true): Buffer {
  const head = Buffer.alloc(8);
  head.write(id.padEnd(4).slice(0, 4), 0, 'latin1');
  head.writeUInt32LE(declared >>> 0, 4);
  return Buffer.concat([head, body, pad && body.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

const TAGS = [1, 1, 1, 3, 0xfffe, 6, 7, 2, 0x11, 0x31, 0x55, 0];
const CHANNELS = [1, 1, 2, 0, 8, 32, 33, 65535];
const RATES = [16000, 8000, 44100, 48000, 0, 1, 999, 1000, 384000, 384001, 0xffffffff];
const BITS = [16, 16, 8, 24, 32, 64, 0, 4, 12];
const SIZES = ['true', 'true', 'zero', 'unknown', 'streaming', 'huge', 'short', 'odd'] as const;

function fmtChunk(random: Random): Buffer {
  const wild = random() < 0.4; // else a plausible header, so that many cases get as far as the samples
  const size = wild ? pick(random, [16, 18, 40, 14, 26, int(random, 64)]) : pick(random, [16, 16, 18, 40]);
  const body = Buffer.alloc(Math.max(size, 0));
  const tag = wild ? (random() < 0.2 ? int(random, 0x10000) : pick(random, TAGS)) : pick(random, [1, 1, 3, 0xfffe]);
  const channels = wild ? (random() < 0.1 ? int(random, 0x10000) : pick(random, CHANNELS)) : pick(random, [1, 2]);
  const rate = wild ? (random() < 0.1 ? int(random, 0x100000000) : pick(random, RATES)) : pick(random, [8000, 16000, 44100]);
  const bits = wild ? (random() < 0.1 ? int(random, 0x10000) : pick(random, BITS)) : pick(random, [8, 16, 24, 32]);
  const fields: [number, number, 2 | 4][] = [
    [0, tag, 2],
    [2, channels, 2],
    [4, rate, 4],
    [8, rate * channels * 2, 4],
    [12, channels * 2, 2],
    [14, bits, 2],
  ];
  for (const [at, value, width] of fields) if (at + width <= body.length) body.writeUIntLE(value % 2 ** (8 * width), at, width);
  if (body.length >= 26) body.writeUInt16LE(wild ? pick(random, [1, 3, 7, int(random, 0x10000)]) : 1, 24);
  return chunk('fmt ', body);
}

/** One damaged (or intact) WAV file: odd chunk orders, lying sizes, truncation, flipped bytes. */
export function fuzzWav(random: Random): Buffer {
  const samples = Buffer.from(Array.from({ length: int(random, 2000) }, () => int(random, 256)));
  const sizeKind = pick(random, SIZES);
  const declared = {
    true: samples.length,
    zero: 0,
    unknown: 0xffffffff,
    streaming: 0x7ffff000,
    huge: samples.length + 1 + int(random, 1 << 30),
    short: int(random, samples.length + 1),
    odd: samples.length | 1,
  }[sizeKind];
  const data = chunk('data', samples, declared, random() < 0.8);
  const extras = Array.from({ length: int(random, 4) }, () =>
    chunk(
      pick(random, ['LIST', 'fact', 'JUNK', 'bext', 'data', 'fmt ', String.fromCharCode(...Array.from({ length: 4 }, () => int(random, 256)))]),
      Buffer.alloc(int(random, 300), 0x41),
      random() < 0.8 ? undefined : int(random, 0x100000000),
    ),
  );
  const parts = [fmtChunk(random), ...extras];
  if (random() < 0.05) parts.shift(); // no fmt chunk at all
  const order = random() < 0.1 ? [data, ...parts] : random() < 0.3 ? [...parts.slice(0, 1), data, ...parts.slice(1)] : [...parts, data];
  const body = Buffer.concat(order);
  const riff = Buffer.alloc(12);
  riff.write(random() < 0.97 ? 'RIFF' : 'RIFX', 0, 'latin1');
  riff.writeUInt32LE(random() < 0.7 ? body.length + 4 : int(random, 0x100000000), 4);
  riff.write(random() < 0.97 ? 'WAVE' : 'AVI ', 8, 'latin1');
  let file = Buffer.concat([riff, body]);
  if (random() < 0.25) file = file.subarray(0, int(random, file.length + 1)); // truncated anywhere, even inside the header
  if (random() < 0.15) for (let i = int(random, 8); i > 0 && file.length; i--) file[int(random, file.length)] = int(random, 256);
  return file;
}

/** A stream head for the sniffer: MPEG/ADTS-like sync words, known signatures, raw PCM, noise. */
export function fuzzHead(random: Random): Buffer {
  const length = pick(random, [0, 1, 3, 4, 7, 12, 100, 1000, 5000, 9000]);
  const head = Buffer.from(Array.from({ length }, () => (random() < 0.3 ? 0xff : int(random, 256))));
  const start = pick(random, [
    [0xff, 0xfb],
    [0xff, 0xf3],
    [0xff, 0xf1],
    [0xff, 0xff],
    [0xff, 0xe0 | int(random, 32)],
    [...Buffer.from('ID3')],
    [...Buffer.from('RIFF')],
    [...Buffer.from('OggS')],
    [],
  ]);
  Buffer.from(start).copy(head);
  // Sometimes a plausible second frame header a random distance on.
  if (length > 200 && random() < 0.5) Buffer.from([0xff, 0xfb, 0x90, 0x64]).copy(head, int(random, length - 4));
  return head;
}
