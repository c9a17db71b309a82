import type { SessionMetadata } from '../transcript/heard.js';
import { JsonOutput } from '../output/create-output.js';
import type { LineSink } from '../output/line-sink.js';
import type { CloseInfo, SessionInfo, TranscriptOutput } from '../output/transcript-output.js';
import type { Settings } from '../settings/options.js';
import type { Utterance } from '../transcript/model.js';
import type { TurnNews } from '../transcript/turns.js';

/** What the page may know of the settings: how to name speakers and channels. Nothing else (paths, URLs, key terms). */
const PAGE_SETTINGS = ['diarize', 'multichannel', 'speakers', 'channel-names'];

/** The `open` line with its settings cut down to PAGE_SETTINGS; other lines unchanged. Pure. */
export function forThePage(line: string): string {
  if (!line.startsWith('{"type":"open"')) return line;
  const event = JSON.parse(line) as { settings: Record<string, unknown> };
  event.settings = Object.fromEntries(Object.entries(event.settings).filter(([key]) => PAGE_SETTINGS.includes(key)));
  return JSON.stringify(event);
}

/**
 * The `--serve` reader of the session: exactly the `--format json` events (the same JsonOutput),
 * each line published to the page's clients. It never throws into the session and never asks
 * it to stop: a failing server costs the captions, not the transcript.
 */
export class ServeOutput implements TranscriptOutput {
  readonly readerGone = new Promise<void>(() => {});
  private readonly json: JsonOutput;
  private failed = false;

  constructor(
    private readonly publish: (line: string) => void,
    settings: Settings,
    private readonly onClose: () => void,
    private readonly warn: (message: string) => void,
  ) {
    const sink: LineSink = { write: (line) => this.publish(forThePage(line)), close() {}, readerGone: this.readerGone };
    this.json = new JsonOutput(sink, settings);
  }

  private guard(action: () => void): void {
    if (this.failed) return;
    try {
      action();
    } catch (error) {
      this.failed = true;
      this.warn(`transcribe: warning: the captions page stopped (${(error as Error).message}); the transcript goes on`);
    }
  }

  open(info: SessionInfo): void {
    this.guard(() => this.json.open(info));
  }
  interim(channel: number, text: string): void {
    this.guard(() => this.json.interim(channel, text));
  }
  final(utterance: Utterance): void {
    this.guard(() => this.json.final(utterance));
  }
  utteranceEnd(channel: number, lastWordEnd: number): void {
    this.guard(() => this.json.utteranceEnd(channel, lastWordEnd));
  }
  speechStarted(channel: number, timestamp: number): void {
    this.guard(() => this.json.speechStarted(channel, timestamp));
  }
  metadata(message: SessionMetadata): void {
    this.guard(() => this.json.metadata(message));
  }
  reconnect(attempt: number, offset: number, replayedSeconds: number): void {
    this.guard(() => this.json.reconnect(attempt, offset, replayedSeconds));
  }
  gap(seconds: number): void {
    this.guard(() => this.json.gap(seconds));
  }
  turn(turn: TurnNews): void {
    this.guard(() => this.json.turn(turn));
  }
  close(info: CloseInfo): void {
    this.guard(() => this.json.close(info));
    this.onClose();
  }
}
