import type { SessionMetadata } from '../transcript/heard.js';
import type { Utterance } from '../transcript/model.js';
import type { TurnNews } from '../transcript/turns.js';
import type { CloseInfo, SessionInfo, TranscriptOutput } from './transcript-output.js';

/** One session, two readers: `--output` and the screen. Each gets every event; the first one's reader decides when to stop. */
export class TeeOutput implements TranscriptOutput {
  readonly readerGone: Promise<void>;
  constructor(private readonly outputs: [TranscriptOutput, ...TranscriptOutput[]]) {
    this.readerGone = outputs[0].readerGone;
  }
  open(info: SessionInfo): void {
    for (const output of this.outputs) output.open(info);
  }
  interim(channel: number, text: string): void {
    for (const output of this.outputs) output.interim(channel, text);
  }
  final(utterance: Utterance): void {
    for (const output of this.outputs) output.final(utterance);
  }
  echo(utterance: Utterance): void {
    for (const output of this.outputs) output.echo?.(utterance);
  }
  utteranceEnd(channel: number, lastWordEnd: number): void {
    for (const output of this.outputs) output.utteranceEnd(channel, lastWordEnd);
  }
  speechStarted(channel: number, timestamp: number): void {
    for (const output of this.outputs) output.speechStarted(channel, timestamp);
  }
  metadata(message: SessionMetadata): void {
    for (const output of this.outputs) output.metadata(message);
  }
  reconnect(attempt: number, offset: number, replayedSeconds: number): void {
    for (const output of this.outputs) output.reconnect(attempt, offset, replayedSeconds);
  }
  gap(seconds: number): void {
    for (const output of this.outputs) output.gap(seconds);
  }
  pause(at: number): void {
    for (const output of this.outputs) output.pause?.(at);
  }
  resume(at: number, pausedSeconds: number): void {
    for (const output of this.outputs) output.resume?.(at, pausedSeconds);
  }
  mark(at: number): void {
    for (const output of this.outputs) output.mark?.(at);
  }
  turn(turn: TurnNews): void {
    for (const output of this.outputs) output.turn?.(turn);
  }
  close(info: CloseInfo): void {
    for (const output of this.outputs) output.close(info);
  }
}
