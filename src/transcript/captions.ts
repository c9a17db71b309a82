/**
 * `--format srt|vtt`: caption cues from finished utterances.
 *
 * Why not `@deepgram/captions`: it formats one whole pre-recorded response (`results.channels`
 * and `utterances` of a batch request), while live transcripts reach us incrementally as
 * utterances from several connections on one timeline. So the cue builder is this pure
 * module, tested by tables: utterances in, cues and caption text out.
 *
 * Rules: a cue never spans two utterances or two speakers; it holds at most `maxLines` lines
 * of at most `maxLineChars` characters (wrapped at word boundaries; a longer single word stays
 * whole) and lasts at most `maxSeconds` (unless one word is longer). It starts at its first
 * word's start and ends at its last word's end. Then the cues are put in order and made
 * non-overlapping (simultaneous speech on two channels: the earlier cue ends where the later
 * begins), each at least `minSeconds` long where the next cue leaves room, and always longer
 * than zero. Times are whole milliseconds, so what is checked is exactly what is printed.
 */
import type { Utterance, Word } from './model.js';
import { channelLabel, speakerLabel, speakerRuns, type LabelOptions, type SpeakerRun } from './speaker-runs.js';
import { formatTimecode, toMilliseconds } from './timecode.js';

export interface CaptionOptions extends LabelOptions {
  /** Longest cue, seconds (default 7). */
  maxSeconds?: number;
  /** Longest line, characters, the SRT speaker prefix included (default 42). */
  maxLineChars?: number;
  /** Lines per cue (default 2). */
  maxLines?: number;
  /** Shortest cue where the next one leaves room, seconds (default 0.5). */
  minSeconds?: number;
}

export interface Cue {
  /** Seconds on the session timeline, whole milliseconds. */
  start: number;
  end: number;
  /** The text, already wrapped; without the speaker. */
  lines: string[];
  /**
   * Who speaks: `Ana` or `Speaker 0` with diarization, `Agent` or `ch0` with multichannel,
   * `Agent / Ana` with both. A WebVTT voice tag (`<v Ana>`), a prefix in SRT (`Ana: `).
   */
  voice?: string;
}

interface Draft {
  start: number;
  end: number;
  lines: string[];
  voice?: string;
}

export function buildCues(utterances: readonly Utterance[], options: CaptionOptions = {}): Cue[] {
  const limits = {
    maxMs: toMilliseconds(options.maxSeconds ?? 7),
    maxChars: options.maxLineChars ?? 42,
    maxLines: options.maxLines ?? 2,
  };
  const drafts: Draft[] = [];
  for (const utterance of utterances) {
    for (const run of speakerRuns(utterance, options)) {
      const voice = voiceOf(run, options);
      const reserve = voice === undefined ? 0 : length(voice) + 2;
      for (const chunk of chunks(wordsOf(run), reserve, limits)) {
        drafts.push({
          start: toMilliseconds(chunk[0]!.start),
          end: toMilliseconds(chunk[chunk.length - 1]!.end),
          lines: wrap(
            chunk.map((word) => word.text),
            limits.maxChars,
            reserve,
          ),
          ...(voice === undefined ? {} : { voice }),
        });
      }
    }
  }
  return settle(drafts, toMilliseconds(options.minSeconds ?? 0.5)).map((draft) => ({ ...draft, start: draft.start / 1000, end: draft.end / 1000 }));
}

/** SubRip: numbered from 1, `00:00:01,000 --> 00:00:02,500`, the speaker as a `Name: ` prefix. */
export function renderSrt(cues: readonly Cue[]): string {
  return cues
    .map((cue, i) => {
      const lines = cue.voice === undefined ? cue.lines : cue.lines.map((line, j) => (j === 0 ? `${cue.voice}: ${line}` : line));
      return `${i + 1}\n${formatTimecode(cue.start, ',')} --> ${formatTimecode(cue.end, ',')}\n${lines.join('\n')}\n`;
    })
    .join('\n');
}

/**
 * WebVTT: `WEBVTT` header, `00:00:01.000 --> 00:00:02.500`, the speaker as a voice tag `<v Ana>`.
 * `marks` (key `m`, seconds) become cue-less `NOTE mark 00:12:31.480` blocks, before the first cue that starts after them.
 */
export function renderVtt(cues: readonly Cue[], marks: readonly number[] = []): string {
  const timed = cues.map((cue) => {
    const text = cue.lines.map(escapeVtt).join('\n');
    const voice = cue.voice === undefined ? '' : `<v ${escapeVtt(cue.voice)}>`;
    return { at: cue.start, block: `${formatTimecode(cue.start)} --> ${formatTimecode(cue.end)}\n${voice}${text}\n` };
  });
  const notes = marks.map((at) => ({ at: toMilliseconds(at) / 1000, block: `NOTE mark ${formatTimecode(at)}\n` }));
  // Stable: a note at the very start of a cue goes before it.
  const blocks = [...notes, ...timed].sort((a, b) => a.at - b.at).map((item) => item.block);
  return blocks.length === 0 ? 'WEBVTT\n' : `WEBVTT\n\n${blocks.join('\n')}`;
}

function voiceOf(run: SpeakerRun, options: LabelOptions): string | undefined {
  const labels = [channelLabel(run.channel, options), speakerLabel(run.speaker, options)].filter((label) => label !== undefined);
  return labels.length === 0 ? undefined : labels.join(' / ');
}

/** The run's words; an utterance without word timings is split on spaces, all at the run's times. */
function wordsOf(run: SpeakerRun): Pick<Word, 'text' | 'start' | 'end'>[] {
  if (run.words.length > 0) return run.words;
  return run.text.split(' ').map((text) => ({ text, start: run.start, end: run.end }));
}

/** Greedy: each cue takes words while they fit in time and in lines. */
function chunks<W extends Pick<Word, 'text' | 'start' | 'end'>>(
  words: W[],
  reserve: number,
  limits: { maxMs: number; maxChars: number; maxLines: number },
): W[][] {
  const result: W[][] = [];
  let current: W[] = [];
  for (const word of words) {
    const candidate = [...current, word];
    const fits =
      toMilliseconds(word.end) - toMilliseconds(candidate[0]!.start) <= limits.maxMs &&
      wrap(
        candidate.map((w) => w.text),
        limits.maxChars,
        reserve,
      ).length <= limits.maxLines;
    if (current.length > 0 && !fits) {
      result.push(current);
      current = [word];
    } else {
      current = candidate;
    }
  }
  if (current.length > 0) result.push(current);
  return result;
}

/** Greedy word wrap (which gives the fewest lines); the first line leaves `reserve` characters for the speaker. */
function wrap(words: string[], maxChars: number, reserve: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const budget = maxChars - (lines.length === 0 ? reserve : 0);
    if (line && length(line) + 1 + length(word) <= budget) {
      line += ` ${word}`;
    } else {
      if (line) lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** In order, non-overlapping, longer than zero, at least `minMs` where the next cue allows. */
function settle(drafts: Draft[], minMs: number): Draft[] {
  const cues: Draft[] = [];
  for (const draft of [...drafts].sort((a, b) => a.start - b.start)) {
    const cue = { ...draft };
    const previous = cues[cues.length - 1];
    if (previous && cue.start < previous.end) {
      if (cue.start > previous.start) previous.end = cue.start;
      else cue.start = previous.end;
    }
    cue.end = Math.max(cue.end, cue.start + 1);
    cues.push(cue);
  }
  cues.forEach((cue, i) => {
    const limit = cues[i + 1]?.start ?? Number.POSITIVE_INFINITY;
    if (cue.end - cue.start < minMs) cue.end = Math.max(cue.end, Math.min(cue.start + minMs, limit));
  });
  return cues;
}

/** Characters as a reader counts them (code points, not UTF-16 units). */
function length(text: string): number {
  return [...text].length;
}

function escapeVtt(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
