import type { Utterance, Word } from './model.js';

/** Who said a line: shared by text lines, NDJSON finals and caption cues. */
export interface LabelOptions {
  /** Deepgram was asked to diarize: words carry `speaker`; split and label lines by speaker. */
  diarize?: boolean;
  /** Deepgram transcribes each channel separately: tag every line with its channel. */
  multichannel?: boolean;
  /** Speaker names by number (`--speakers 0=Ana,1=Bo`); the settings turned diarize on with them. */
  speakers?: Map<number, string>;
  /** Channel names by number (`--channel-names 0=Agent,1=Caller`); the settings turned multichannel on with them. */
  channelNames?: Map<number, string>;
}

/** The consecutive words of one speaker within one utterance. */
export interface SpeakerRun {
  /** First word's start (the utterance's start when there are no words). */
  start: number;
  /** Last word's end. */
  end: number;
  channel: number;
  /** Undefined without diarization, or when Deepgram sent no speaker for any word. */
  speaker: number | undefined;
  text: string;
  words: Word[];
}

export function isDiarized(options: LabelOptions): boolean {
  return options.diarize === true;
}

export function isMultichannel(options: LabelOptions): boolean {
  return options.multichannel === true;
}

/** `Ana` or `Speaker 0`; undefined when speakers are not being labelled. */
export function speakerLabel(speaker: number | undefined, options: LabelOptions): string | undefined {
  if (speaker === undefined || !isDiarized(options)) return undefined;
  return options.speakers?.get(speaker) ?? `Speaker ${speaker}`;
}

/** `Agent` or `ch0`; undefined when channels are not being labelled. */
export function channelLabel(channel: number, options: LabelOptions): string | undefined {
  if (!isMultichannel(options)) return undefined;
  return options.channelNames?.get(channel) ?? `ch${channel}`;
}

/**
 * Splits an utterance where the speaker changes. Without diarization (or without any speaker on
 * the words) it is one run whose text is Deepgram's own transcript of the utterance; with it,
 * each run's text is its punctuated words joined by single spaces. A word without a speaker
 * belongs to the speaker before it (or, at the start, the first speaker after it).
 * An utterance with no text gives no runs.
 */
export function speakerRuns(utterance: Utterance, options: LabelOptions): SpeakerRun[] {
  const words = utterance.words.map((word) => ({ ...word, text: clean(word.text) })).filter((word) => word.text);
  const firstSpeaker = words.find((word) => word.speaker !== undefined)?.speaker;
  if (!isDiarized(options) || firstSpeaker === undefined) {
    const text = clean(utterance.text) || words.map((word) => word.text).join(' ');
    if (!text) return [];
    const start = words[0]?.start ?? utterance.start;
    const end = words[words.length - 1]?.end ?? utterance.end;
    return [{ start, end, channel: utterance.channel, speaker: undefined, text, words }];
  }
  const runs: SpeakerRun[] = [];
  let current: SpeakerRun | undefined;
  let speaker = firstSpeaker;
  for (const word of words) {
    speaker = word.speaker ?? speaker;
    if (!current || current.speaker !== speaker) {
      current = { start: word.start, end: word.end, channel: utterance.channel, speaker, text: '', words: [] };
      runs.push(current);
    }
    current.words.push(word);
    current.end = word.end;
  }
  for (const run of runs) run.text = run.words.map((word) => word.text).join(' ');
  return runs;
}

/** Collapses whitespace (a line of output never breaks inside a word or a transcript). */
function clean(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
