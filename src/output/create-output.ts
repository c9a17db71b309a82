import { extname } from 'node:path';
import type { Context } from '../context.js';
import { escapeControls } from '../escape-controls.js';
import type { SessionMetadata } from '../transcript/heard.js';
import { ExitCode } from '../errors.js';
import { options, type OptionName, type OptionSpec, type Settings } from '../settings/options.js';
import type { OutputFormat } from '../settings/parsers.js';
import { buildCues, renderSrt, renderVtt } from '../transcript/captions.js';
import {
  closeEvent,
  errorEvent,
  finalEvents,
  gapEvent,
  interimEvent,
  markEvent,
  metadataEvent,
  openEvent,
  pauseEvent,
  reconnectEvent,
  resumeEvent,
  serializeEvent,
  speechStartedEvent,
  turnEvent,
  utteranceEndEvent,
  type OutputEvent,
} from '../transcript/events.js';
import { markLine, textLines, type TextOptions } from '../transcript/format-text.js';
import type { Utterance } from '../transcript/model.js';
import type { TurnNews } from '../transcript/turns.js';
import type { LabelOptions } from '../transcript/speaker-runs.js';
import { fileSink, stdoutSink, type LineSink } from './line-sink.js';
import type { CloseInfo, SessionInfo, TranscriptOutput } from './transcript-output.js';
import { TeeOutput } from './tee-output.js';
import { isTerminalPath } from './path-checks.js';
import { refuseToOverwrite, writeWhole } from './whole-file.js';
import { startArchive, type SessionOrigin } from '../archive/archive-output.js';

const EXTENSIONS: Record<string, OutputFormat> = { '.txt': 'text', '.json': 'json', '.ndjson': 'json', '.jsonl': 'json', '.srt': 'srt', '.vtt': 'vtt' };

/** `--format`, else what `--output`'s extension says, else text. */
export function outputFormat(settings: Pick<Settings, 'format' | 'output'>): OutputFormat {
  return settings.format ?? (settings.output ? EXTENSIONS[extname(settings.output).toLowerCase()] : undefined) ?? 'text';
}

function labels(settings: Settings): LabelOptions {
  return {
    diarize: settings.diarize,
    multichannel: settings.multichannel,
    ...(settings.speakers ? { speakers: settings.speakers } : {}),
    ...(settings.channelNames ? { channelNames: settings.channelNames } : {}),
  };
}

/** Nothing happens on these by default; each format overrides what it writes. */
abstract class BaseOutput implements TranscriptOutput {
  abstract readonly readerGone: Promise<void>;
  open(_info: SessionInfo): void {}
  interim(_channel: number, _text: string): void {}
  abstract final(utterance: Utterance): void;
  utteranceEnd(_channel: number, _lastWordEnd: number): void {}
  speechStarted(_channel: number, _timestamp: number): void {}
  metadata(_message: SessionMetadata): void {}
  reconnect(_attempt: number, _offset: number, _replayedSeconds: number): void {}
  gap(_seconds: number): void {}
  pause(_at: number): void {}
  resume(_at: number, _pausedSeconds: number): void {}
  mark(_at: number): void {}
  turn(_turn: TurnNews): void {}
  close(_info: CloseInfo): void {}
}

/** Formats that write lines as they go (text, NDJSON), to stdout or appended to a file. */
abstract class LineOutput extends BaseOutput {
  readonly readerGone: Promise<void>;
  protected readonly labels: LabelOptions;
  constructor(
    protected readonly sink: LineSink,
    protected readonly settings: Settings,
  ) {
    super();
    this.readerGone = sink.readerGone;
    this.labels = labels(settings);
  }
}

/** One line per utterance (split at speaker changes), appended as each one ends. */
class TextOutput extends LineOutput {
  private options: TextOptions = this.labels;
  override open(info: SessionInfo): void {
    const mode = this.settings.timestamps;
    if (mode === 'offset') this.options = { ...this.options, timestamps: { kind: 'offset' } };
    if (mode === 'wall') this.options = { ...this.options, timestamps: { kind: 'wall', startedAt: info.startedAt } };
  }
  final(utterance: Utterance): void {
    for (const line of textLines(utterance, this.options)) this.sink.write(line);
  }
  override mark(at: number): void {
    this.sink.write(markLine(at, this.options.timestamps));
  }
}

/** NDJSON: every event of the session, one object per line. */
export class JsonOutput extends LineOutput {
  private emit(event: OutputEvent): void {
    this.sink.write(serializeEvent(event));
  }
  override open(info: SessionInfo): void {
    const { model, language } = this.settings;
    this.emit(openEvent({ ...info, model, language, settings: publicSettingsOf(this.settings) }));
  }
  override interim(channel: number, text: string): void {
    this.emit(interimEvent(channel, text));
  }
  final(utterance: Utterance): void {
    for (const event of finalEvents(utterance, this.labels)) this.emit(event);
  }
  /** Kept, marked: a consumer may want what the microphone heard, echo or not. */
  echo(utterance: Utterance): void {
    for (const event of finalEvents(utterance, this.labels)) this.emit({ ...event, echo: true });
  }
  override utteranceEnd(channel: number, lastWordEnd: number): void {
    this.emit(utteranceEndEvent(channel, lastWordEnd));
  }
  override speechStarted(channel: number, timestamp: number): void {
    this.emit(speechStartedEvent(channel, timestamp));
  }
  override metadata(message: SessionMetadata): void {
    this.emit(metadataEvent(message));
  }
  override turn(turn: TurnNews): void {
    this.emit(turnEvent(turn));
  }
  override reconnect(attempt: number, offset: number, replayedSeconds: number): void {
    this.emit(reconnectEvent(attempt, offset, replayedSeconds));
  }
  override gap(seconds: number): void {
    this.emit(gapEvent(seconds));
  }
  override pause(at: number): void {
    this.emit(pauseEvent(at));
  }
  override resume(at: number, pausedSeconds: number): void {
    this.emit(resumeEvent(at, pausedSeconds));
  }
  override mark(at: number): void {
    this.emit(markEvent(at));
  }
  override close(info: CloseInfo): void {
    if (info.exitCode !== ExitCode.ok && info.exitCode !== ExitCode.interrupted) this.emit(errorEvent(info.reason, info.exitCode));
    this.emit(closeEvent({ duration: info.audioSeconds, exitCode: info.exitCode, reason: info.reason }));
  }
}

/**
 * SRT/WebVTT: cues from all finals so far, the file rewritten whole (atomically) after each one.
 * If the file cannot be written, the captions go to stdout at the end instead (and exit 1).
 */
class CaptionOutput extends BaseOutput {
  private readonly utterances: Utterance[] = [];
  /** Key `m`: NOTE blocks in WebVTT. SubRip has no comments, and a cue would show on screen: SRT leaves marks out. */
  private readonly marks: number[] = [];
  /** Why the file could not be written the last time: reported at the end (exit 1), the session goes on. */
  failure: Error | undefined;
  private warned = false;
  readonly readerGone: Promise<void>;
  constructor(
    private readonly format: 'srt' | 'vtt',
    private readonly path: string | undefined,
    private readonly stdout: LineSink,
    private readonly labels: LabelOptions,
    private readonly warn: (message: string) => void,
  ) {
    super();
    this.readerGone = path ? new Promise(() => {}) : stdout.readerGone;
  }
  private render(): string {
    const cues = buildCues(this.utterances, this.labels);
    return this.format === 'srt' ? renderSrt(cues) : renderVtt(cues, this.marks);
  }
  final(utterance: Utterance): void {
    this.utterances.push(utterance);
    this.save();
  }
  override mark(at: number): void {
    if (this.format === 'srt') return;
    this.marks.push(at);
    this.save();
  }
  override close(info: CloseInfo): void {
    // A run that failed before a word was heard (a refused key, no network) leaves the file as it
    // was: a file --force would replace is not emptied, and no empty file makes the next run need --force.
    if (this.utterances.length === 0 && info.exitCode !== ExitCode.ok) return;
    this.save();
    if (!this.path || this.failure) this.stdout.write(this.render().replace(/\n$/, ''));
  }
  private save(): void {
    if (!this.path) return;
    try {
      writeWhole(this.path, this.render());
      this.failure = undefined;
    } catch (error) {
      this.failure = error as Error; // writeWhole throws TranscribeErrors and fs errors
      if (!this.warned) this.warn(`transcribe: ${this.failure.message}; the captions will be written to stdout at the end`);
      this.warned = true;
    }
  }
}

/** The settings as the `open` event shows them: flag names, no secrets, only what is set. */
function publicSettingsOf(settings: Settings): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(options) as [OptionName, OptionSpec<unknown>][]) {
    const value = settings[name];
    if (spec.secret || value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    shown[spec.key] = value;
  }
  return shown;
}

/**
 * The output for `--format` / `--output`, and how to release its file. With `--output` and stdout
 * on a terminal, the finished lines also appear there as text (a pipe or a redirect gets nothing).
 * With an `origin` the session is also archived (`transcribe history`), unless `--no-history`.
 */
export function createOutput(context: Context, settings: Settings, origin?: SessionOrigin): { output: TranscriptOutput; dispose(): void } {
  const format = outputFormat(settings);
  const path = settings.output;
  const warn = (message: string) => context.stderr.write(escapeControls(message) + '\n');
  const stdout = stdoutSink(context.stdout);
  // Not when --output is the terminal itself (/dev/tty): every line would show twice.
  const echo = path !== undefined && context.stdout.isTTY === true && !isTerminalPath(path);
  const sinks: LineSink[] = [stdout];
  let output: TranscriptOutput & { failure?: Error | undefined };
  if (format === 'srt' || format === 'vtt') {
    if (path) refuseToOverwrite(path, settings.force);
    output = new CaptionOutput(format, path, stdout, labels(settings), warn);
  } else {
    // On a terminal the text lines are already on the screen: a failing text file falls back to nothing more.
    const fallback = echo && format === 'text' ? { ...stdout, write() {} } : stdout;
    const sink = path ? fileSink(path, fallback, warn) : stdout;
    sinks.unshift(sink);
    output = format === 'json' ? new JsonOutput(sink, settings) : new TextOutput(sink, settings);
  }
  const shown = echo ? new TeeOutput([output, new TextOutput(stdout, settings)]) : output;
  const archived = origin ? startArchive(context, settings, origin) : undefined;
  return {
    output: archived ? new TeeOutput([shown, archived]) : shown,
    dispose() {
      for (const sink of sinks) sink.close();
      // Everything was kept (on stdout), but the file the user asked for is incomplete: exit 1.
      const failure = output.failure ?? sinks.find((sink) => sink.failure)?.failure;
      if (failure) throw failure;
    },
  };
}
