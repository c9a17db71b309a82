import type { SessionMetadata } from './heard.js';
import type { Utterance } from './model.js';
import type { TurnNews } from './turns.js';
import { publicSettings, type JsonValue } from './public-settings.js';
import { speakerRuns, type LabelOptions } from './speaker-runs.js';

/**
 * `--format json`: NDJSON, one event object per line, each with a `type`. Field names are
 * snake_case; times are seconds on the session timeline (from the start of the audio, across
 * reconnects); every number is rounded to 3 decimals when serialized; optional fields are
 * absent (only `speaker` and `last_word_end` use null, for "none"). Consumers should ignore unknown types and fields: new ones may be
 * added, existing ones keep their meaning.
 */

/** First line: what was asked for. Settings never include the API key or other secrets. */
export interface OpenEvent {
  type: 'open';
  request_id?: string;
  model: string;
  language: string;
  settings: Record<string, JsonValue>;
  /** ISO 8601 wall-clock time of the session start (offset 0). */
  started_at: string;
}

/** The current, not yet final, text of a channel's utterance; `""` clears it. */
export interface InterimEvent {
  type: 'interim';
  channel: number;
  text: string;
}

export interface FinalWord {
  /** The word as displayed: punctuated and formatted. */
  word: string;
  start: number;
  end: number;
  confidence: number;
  speaker?: number;
}

/**
 * Finished text. With diarization an utterance gives one `final` per speaker turn (the same
 * split as the text lines), so every record is speaker-homogeneous: `speaker` is that turn's
 * speaker (words Deepgram sent without a speaker join the turn around them), and `confidence`
 * the mean of its words'. Without diarization it is one `final` per utterance, `speaker: null`.
 */
export interface FinalEvent {
  type: 'final';
  text: string;
  start: number;
  end: number;
  confidence: number;
  channel: number;
  speaker: number | null;
  words: FinalWord[];
  /** `--capture both`: the microphone heard the speakers; the line is printed once, as the system channel's. */
  echo?: true;
}

/** Deepgram's UtteranceEnd; `last_word_end` is null when nothing was pending. */
export interface UtteranceEndEvent {
  type: 'utterance_end';
  channel: number;
  last_word_end: number | null;
}

export interface SpeechStartedEvent {
  type: 'speech_started';
  channel: number;
  timestamp: number;
}

/** A new connection after a drop: `offset` is added to its times, `replayed_seconds` of audio re-sent. */
export interface ReconnectEvent {
  type: 'reconnect';
  attempt: number;
  offset: number;
  replayed_seconds: number;
}

/** Audio that was never transcribed (lost while disconnected), in seconds. */
export interface GapEvent {
  type: 'gap';
  seconds: number;
}

/** Steering a live session: sending stopped at `at` (the audio while paused is not transcribed; the timeline goes on). */
export interface PauseEvent {
  type: 'pause';
  at: number;
}

/** Sending started again at `at`, after `paused_seconds`. */
export interface ResumeEvent {
  type: 'resume';
  at: number;
  paused_seconds: number;
}

/** The user marked this moment (key `m`). */
export interface MarkEvent {
  type: 'mark';
  at: number;
}

/**
 * A turn-based model (Flux): a turn started, may have ended (`eager_end_of_turn`, which
 * `turn_resumed` takes back), or ended (after its `final`). `turn_index` counts the session's
 * turns from 0; `start`/`end` are the audio the turn covers so far; `trigger` (end only) says why
 * it ended: `model`, `manual` (asked for: Ctrl+C, end of file, a key), `timeout`, or a newer value.
 */
export interface TurnEvent {
  type: 'turn';
  event: 'start_of_turn' | 'eager_end_of_turn' | 'turn_resumed' | 'end_of_turn';
  turn_index: number;
  start: number;
  end: number;
  end_of_turn_confidence: number;
  trigger?: string;
  languages?: string[];
}

/** Deepgram's Metadata, sent once per connection before it closes; `models` are model UUIDs. */
export interface MetadataEvent {
  type: 'metadata';
  request_id: string;
  duration: number;
  channels: number;
  models?: string[];
}

export interface ErrorEvent {
  type: 'error';
  message: string;
  exit_code: number;
}

/** Last line: seconds of audio sent, the process exit code and why it ended. */
export interface CloseEvent {
  type: 'close';
  duration: number;
  exit_code: number;
  reason: string;
}

export type OutputEvent =
  | OpenEvent
  | InterimEvent
  | FinalEvent
  | UtteranceEndEvent
  | SpeechStartedEvent
  | ReconnectEvent
  | GapEvent
  | PauseEvent
  | ResumeEvent
  | MarkEvent
  | TurnEvent
  | MetadataEvent
  | ErrorEvent
  | CloseEvent;

/** One NDJSON line, without the newline. */
export function serializeEvent(event: OutputEvent): string {
  return JSON.stringify(event, (_key, value: unknown) => (typeof value === 'number' ? round3(value) : value));
}

export function openEvent(info: { requestId?: string; model: string; language: string; settings: Record<string, unknown>; startedAt: Date }): OpenEvent {
  return {
    type: 'open',
    ...(info.requestId === undefined ? {} : { request_id: info.requestId }),
    model: info.model,
    language: info.language,
    settings: publicSettings(info.settings),
    started_at: info.startedAt.toISOString(),
  };
}

export function interimEvent(channel: number, text: string): InterimEvent {
  return { type: 'interim', channel, text };
}

export function finalEvents(utterance: Utterance, options: LabelOptions = {}): FinalEvent[] {
  const runs = speakerRuns(utterance, options);
  return runs.map((run) => ({
    type: 'final',
    text: run.text,
    start: run.start,
    end: run.end,
    confidence: runs.length === 1 || run.words.length === 0 ? utterance.confidence : mean(run.words.map((word) => word.confidence)),
    channel: run.channel,
    speaker: run.speaker ?? null,
    words: run.words.map((word) => ({
      word: word.text,
      start: word.start,
      end: word.end,
      confidence: word.confidence,
      ...(word.speaker === undefined ? {} : { speaker: word.speaker }),
    })),
  }));
}

export function utteranceEndEvent(channel: number, lastWordEnd: number): UtteranceEndEvent {
  return { type: 'utterance_end', channel, last_word_end: lastWordEnd < 0 ? null : lastWordEnd };
}

export function speechStartedEvent(channel: number, timestamp: number): SpeechStartedEvent {
  return { type: 'speech_started', channel, timestamp };
}

export function reconnectEvent(attempt: number, offset: number, replayedSeconds: number): ReconnectEvent {
  return { type: 'reconnect', attempt, offset, replayed_seconds: replayedSeconds };
}

export function gapEvent(seconds: number): GapEvent {
  return { type: 'gap', seconds };
}

export function pauseEvent(at: number): PauseEvent {
  return { type: 'pause', at };
}

export function resumeEvent(at: number, pausedSeconds: number): ResumeEvent {
  return { type: 'resume', at, paused_seconds: pausedSeconds };
}

export function markEvent(at: number): MarkEvent {
  return { type: 'mark', at };
}

export function metadataEvent(metadata: SessionMetadata): MetadataEvent {
  return {
    type: 'metadata',
    request_id: metadata.requestId,
    duration: metadata.duration,
    channels: metadata.channels,
    ...(metadata.models && metadata.models.length > 0 ? { models: metadata.models } : {}),
  };
}

const TURN_EVENTS = { start: 'start_of_turn', 'eager-end': 'eager_end_of_turn', resumed: 'turn_resumed', end: 'end_of_turn' } as const;

export function turnEvent(turn: TurnNews): TurnEvent {
  return {
    type: 'turn',
    event: TURN_EVENTS[turn.phase],
    turn_index: turn.index,
    start: turn.start,
    end: turn.end,
    end_of_turn_confidence: turn.endConfidence,
    ...(turn.trigger === undefined ? {} : { trigger: turn.trigger }),
    ...(turn.languages ? { languages: turn.languages } : {}),
  };
}

export function errorEvent(message: string, exitCode: number): ErrorEvent {
  return { type: 'error', message, exit_code: exitCode };
}

export function closeEvent(info: { duration: number; exitCode: number; reason: string }): CloseEvent {
  return { type: 'close', duration: info.duration, exit_code: info.exitCode, reason: info.reason };
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function round3(value: number): number {
  const rounded = Math.round(value * 1000) / 1000;
  return Object.is(rounded, -0) ? 0 : rounded;
}
