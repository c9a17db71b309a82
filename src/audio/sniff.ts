/** What the first bytes of an input say it is. `wav` is read in JavaScript; `container` needs a decoder. */
export type Sniffed = { kind: 'wav' } | { kind: 'container'; name: string; soxType?: string } | { kind: 'unknown' };

/** Enough bytes to recognise every signature below. */
export const SNIFF_BYTES = 12;

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
  if (ascii(0, 4) === 'RIFF') return { kind: 'container', name: `RIFF/${ascii(8, 12)}` };
  const mpeg = mpegFrame(head);
  if (mpeg) return mpeg;
  return { kind: 'unknown' };
}

/**
 * An MPEG audio frame header (MP3 without an ID3 tag, or ADTS AAC): 11 sync bits and no reserved
 * field values, so that raw PCM starting with 0xFFFF (a sample of -1) is not taken for MP3.
 */
function mpegFrame(head: Buffer): Sniffed | undefined {
  if (head.length < 4 || head[0] !== 0xff || ((head[1] ?? 0) & 0xe0) !== 0xe0) return undefined;
  const b1 = head[1]!;
  const b2 = head[2]!;
  const layer = (b1 >> 1) & 0x03;
  if (layer === 0) return (b1 & 0x10) !== 0 && ((b2 >> 2) & 0x0f) < 13 ? { kind: 'container', name: 'AAC' } : undefined;
  const version = (b1 >> 3) & 0x03;
  const bitrate = b2 >> 4;
  const sampleRate = (b2 >> 2) & 0x03;
  if (version === 1 || bitrate === 0x0f || sampleRate === 0x03) return undefined;
  return { kind: 'container', name: 'MP3', soxType: 'mp3' };
}
