// Reconnection support: with `reference` (the whole PCM of the session timeline), a connection
// finds where its audio starts in the reference by content, once, from its first bytes, and
// then hears the script from there, with times relative to the connection, as a real new
// Deepgram session would after a client replays audio from the end of its last final.
import type { ScriptWord } from './types.js';

/** How many bytes of a connection's audio are looked up in the reference (fewer if the stream is shorter). */
export const PROBE_BYTES = 3200;
/** A word starting this much before the replay start still counts as whole. */
const CUT_SLACK_SEC = 0.001;

/** First match of `needle` in `haystack` at or after `from` that starts on a whole sample frame; -1 if none. */
export function findAligned(haystack: Buffer, needle: Buffer, from: number, frameBytes: number): number {
  for (let at = haystack.indexOf(needle, from); at !== -1; at = haystack.indexOf(needle, at + 1)) {
    if (at % frameBytes === 0) return at;
  }
  return -1;
}

export interface ReferenceMatch {
  /** Bytes into the reference (whole sample frames). */
  offset: number;
  found: boolean;
}

/** Shared by all connections of one server: remembers where the previous connection started. */
export class ReferenceTimeline {
  private previousStart = 0;

  constructor(private readonly reference: Buffer) {}

  /** Where `probe` (a connection's first bytes) sits: the first match at/after the previous connection's start, else the first anywhere, else 0. */
  locate(probe: Buffer, frameBytes: number, connectionIndex: number): ReferenceMatch {
    if (probe.length === 0) return { offset: 0, found: true };
    let offset = findAligned(this.reference, probe, this.previousStart, frameBytes);
    if (offset === -1) offset = findAligned(this.reference, probe, 0, frameBytes);
    if (offset === -1) {
      console.warn(`deepgram test server: connection ${connectionIndex}: its first ${probe.length} bytes are not in the reference; hearing it from 0`);
      return { offset: 0, found: false };
    }
    this.previousStart = offset;
    return { offset, found: true };
  }
}

/**
 * The script as a connection starting `offsetSec` into the reference hears it: words cut by the
 * start are dropped, the rest are moved to the connection's own timeline.
 */
export function scriptFromOffset(script: readonly ScriptWord[], offsetSec: number): ScriptWord[] {
  if (offsetSec === 0) return [...script];
  return script
    .filter((word) => word.start >= offsetSec - CUT_SLACK_SEC)
    .map((word) => ({ ...word, start: Math.max(0, word.start - offsetSec), end: Math.max(0, word.end - offsetSec) }));
}
