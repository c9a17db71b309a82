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
  // MPEG audio frame sync (MP3 without ID3 tag, ADTS AAC): 11 set bits.
  if (head.length >= 2 && head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0) {
    const isAac = ((head[1] ?? 0) & 0x06) === 0;
    return isAac ? { kind: 'container', name: 'AAC' } : { kind: 'container', name: 'MP3', soxType: 'mp3' };
  }
  return { kind: 'unknown' };
}
