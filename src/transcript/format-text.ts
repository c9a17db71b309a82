import type { Utterance } from './model.js';
import { channelLabel, speakerLabel, speakerRuns, type LabelOptions } from './speaker-runs.js';
import { formatLocalClock, formatTimecode, wallTime, type ClockFormatter } from './timecode.js';

/**
 * `--format text`: one line per utterance, or per speaker turn with diarization.
 * Order of the parts when several apply: `[timestamp] [channel] Speaker: text`.
 */

export type TimestampStyle =
  /** `[00:01:12.480]`: time from the start of the session. */
  | { kind: 'offset' }
  /**
   * `[14:03:55]`: the clock time when it was said, `startedAt` plus the offset. `formatClock`
   * defaults to the local time zone; tests pass `formatUtcClock` or their own.
   */
  | { kind: 'wall'; startedAt: Date; formatClock?: ClockFormatter };

export interface TextOptions extends LabelOptions {
  /** No prefix when undefined. */
  timestamps?: TimestampStyle;
}

/**
 * The output lines for one finished utterance. With diarization the utterance is split where the
 * speaker changes, each line labelled (`Speaker 0: Hello.` or `Ana: Hello.`) and stamped with the
 * start of its first word; without it the line is Deepgram's transcript of the utterance.
 */
export function textLines(utterance: Utterance, options: TextOptions = {}): string[] {
  return speakerRuns(utterance, options).map((run) => {
    const parts: string[] = [];
    if (options.timestamps) parts.push(`[${timestampOf(run.start, options.timestamps)}]`);
    const channel = channelLabel(run.channel, options);
    if (channel !== undefined) parts.push(`[${channel}]`);
    const speaker = speakerLabel(run.speaker, options);
    parts.push(speaker === undefined ? run.text : `${speaker}: ${run.text}`);
    return parts.join(' ');
  });
}

/** The line key `m` writes: `--- mark 00:12:31 ---` (whole seconds from the start), or the clock time with `--timestamps wall`. */
export function markLine(at: number, timestamps?: TimestampStyle): string {
  const when = timestamps?.kind === 'wall' ? timestampOf(at, timestamps) : formatTimecode(Math.floor(Math.max(0, at))).slice(0, -4);
  return `--- mark ${when} ---`;
}

function timestampOf(offset: number, style: TimestampStyle): string {
  if (style.kind === 'offset') return formatTimecode(offset);
  return (style.formatClock ?? formatLocalClock)(wallTime(style.startedAt, offset));
}
