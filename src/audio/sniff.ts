/** What the first bytes of an input say it is. `wav` is read in JavaScript; `container` needs a decoder. */
export type Sniffed = { kind: 'wav' } | { kind: 'container'; name: string; soxType?: string } | { kind: 'unknown' };

/**
 * Enough bytes to recognise every signature below, including the MPEG frame header that follows the
 * first one (MP3 frames are at most 2,881 bytes, ADTS frames 8,191).
 */
export const SNIFF_BYTES = 8192 + 7;
/** Enough for every signature but the MPEG frame pair: a stream that does not start with a frame sync is decided on these. */
export const SIGNATURE_BYTES = 12;

/**
 * Whether the head could start an MPEG audio or ADTS frame, whose second header (up to 8 kB on) must be
 * read too. Anything else is decided on SIGNATURE_BYTES, so raw PCM from a live producer is not held back
 * for 8 kB (256 ms at 16 kHz mono).
 */
export function mayStartMpegFrame(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0xff && (head[1]! & 0xe0) === 0xe0;
}

export function sniff(head: Buffer): Sniffed {
  const ascii = (from: number, to: number) => head.toString('latin1', from, to);
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return { kind: 'wav' };
  if (ascii(0, 3) === 'ID3') return { kind: 'container', name: 'MP3', soxType: 'mp3' };
  if (ascii(0, 4) === 'fLaC') return { kind: 'container', name: 'FLAC', soxType: 'flac' };
  if (ascii(0, 4) === 'OggS') return { kind: 'container', name: 'Ogg', soxType: 'ogg' };
  if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) return { kind: 'container', name: 'WebM/Matroska' };
  if (ascii(4, 8) === 'ftyp') return { kind: 'container', name: 'MP4/M4A' };
  if (ascii(0, 4) === 'FORM' && ['AIFF', 'AIFC'].includes(ascii(8, 12))) return { kind: 'container', name: 'AIFF', soxType: 'aiff' };
  if (ascii(0, 4) === 'caff') return { kind: 'container', name: 'CAF' };
  if (ascii(0, 5) === '#!AMR') return { kind: 'container', name: 'AMR', soxType: 'amr-nb' };
  // The form type goes into messages: printable ASCII only (a damaged header may hold a newline or ESC).
  if (ascii(0, 4) === 'RIFF') return { kind: 'container', name: `RIFF/${ascii(8, 12).replace(/[^\x20-\x7e]/g, '?')}` };
  const mpeg = mpegFrame(head);
  if (mpeg) return mpeg;
  return { kind: 'unknown' };
}

// Bit rates in kb/s by [MPEG-1 or not][layer 1..3][index]; index 0 ("free format") and 15 are not usable here.
const BITRATES: Record<'v1' | 'v2', number[][]> = {
  v1: [
    [],
    [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  ],
  v2: [
    [],
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  ],
};
const SAMPLE_RATES = [44100, 48000, 32000];

interface Frame {
  /** Version, layer and sample rate: what every frame of one stream shares. */
  stream: number;
  bytes: number;
  name: 'MP3' | 'AAC';
}

/** One MPEG audio (MP1/2/3) or ADTS AAC frame header at `at`, with the frame's length; undefined if the bytes cannot be one. */
function frameAt(head: Buffer, at: number): Frame | undefined {
  if (head.length < at + 4) return undefined;
  const [b0, b1, b2, b3, b4, b5] = [head[at]!, head[at + 1]!, head[at + 2]!, head[at + 3]!, head[at + 4] ?? 0, head[at + 5] ?? 0];
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
  const layerBits = (b1 >> 1) & 0x03;
  if (layerBits === 0) {
    // ADTS: MPEG-4 sync (12 bits), sampling index 0-12, a frame length that covers its own 7-byte header.
    if (head.length < at + 7 || (b1 & 0xf0) !== 0xf0 || ((b2 >> 2) & 0x0f) > 12) return undefined;
    const bytes = ((b3 & 0x03) << 11) | (b4 << 3) | (b5 >> 5);
    return bytes < 7 ? undefined : { stream: (b1 << 8) | (b2 & 0xfc), bytes, name: 'AAC' };
  }
  const version = (b1 >> 3) & 0x03; // 3 MPEG-1, 2 MPEG-2, 0 MPEG-2.5, 1 reserved
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 0x03;
  if (version === 1 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3 || (b3 & 0x03) === 2) return undefined;
  const layer = 4 - layerBits;
  const kbps = BITRATES[version === 3 ? 'v1' : 'v2'][layer]![bitrateIndex]!;
  const rate = SAMPLE_RATES[rateIndex]! / (version === 3 ? 1 : version === 2 ? 2 : 4);
  const padding = (b2 >> 1) & 0x01;
  const bytes =
    layer === 1
      ? (Math.floor((12 * kbps * 1000) / rate) + padding) * 4
      : Math.floor(((layer === 3 && version !== 3 ? 72 : 144) * kbps * 1000) / rate) + padding;
  return { stream: (b1 << 8) | (b2 & 0x0c), bytes, name: 'MP3' };
}

/**
 * An MPEG audio frame (MP3 without an ID3 tag, or ADTS AAC): a valid header, and a second one of the
 * same stream where the first frame ends, so that raw PCM starting with 0xFFFx (a sample of -1 or
 * so) is not taken for MP3. A stream that ends with the first frame is one frame long.
 */
function mpegFrame(head: Buffer): Sniffed | undefined {
  const first = frameAt(head, 0);
  if (!first) return undefined;
  if (head.length !== first.bytes) {
    const second = frameAt(head, first.bytes);
    if (!second || second.stream !== first.stream || second.name !== first.name) return undefined;
  }
  return first.name === 'MP3' ? { kind: 'container', name: 'MP3', soxType: 'mp3' } : { kind: 'container', name: 'AAC' };
}
