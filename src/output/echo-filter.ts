import type { SessionMetadata } from '../transcript/heard.js';
import type { Clock } from '../audio/pacer.js';
import { ECHO_WINDOW_SECONDS, isEcho, timedWords, type TimedWord } from '../transcript/echo.js';
import type { Utterance } from '../transcript/model.js';
import type { TurnNews } from '../transcript/turns.js';
import type { CloseInfo, SessionInfo, TranscriptOutput } from './transcript-output.js';

const MIC = 0;
const SYSTEM = 1;
/** System words kept to compare with: well past the echo window and Deepgram's lag between channels. */
const KEEP_SECONDS = 30;
/** How long a microphone line waits for the system's, while the system channel is speaking. */
export const HOLD_MS = 2000;

/**
 * `--capture both`: a microphone line that repeats what the system said (the speakers heard by the
 * microphone) is written once, as the system's. The dropped one still reaches outputs that keep
 * every event (NDJSON marks it `"echo": true`), through `echo()`.
 *
 * The two channels' lines arrive in either order. A microphone line that matches nothing yet is
 * held while the system channel is speaking (its interim is not empty) for at most HOLD_MS, then
 * written as the microphone's; lines behind it wait, so each channel keeps its order.
 */
export class EchoFilterOutput implements TranscriptOutput {
  readonly readerGone: Promise<void>;
  private systemWords: TimedWord[] = [];
  private systemSpeaking = false;
  private held: { utterance: Utterance; words: TimedWord[]; since: number }[] = [];
  private cancelHold: (() => void) | undefined;

  constructor(
    private readonly output: TranscriptOutput,
    private readonly clock: Clock,
  ) {
    this.readerGone = output.readerGone;
  }

  open(info: SessionInfo): void {
    this.output.open(info);
  }
  interim(channel: number, text: string): void {
    if (channel === SYSTEM) this.systemSpeaking = text !== '';
    this.output.interim(channel, text);
  }
  final(utterance: Utterance): void {
    if (utterance.channel === SYSTEM) {
      this.systemSpeaking = false;
      this.output.final(utterance);
      this.remember(utterance);
      return this.release(false);
    }
    if (utterance.channel !== MIC) return this.output.final(utterance);
    const words = timedWords(utterance);
    this.held.push({ utterance, words, since: this.clock.now() });
    this.release(false);
  }
  utteranceEnd(channel: number, lastWordEnd: number): void {
    this.output.utteranceEnd(channel, lastWordEnd);
  }
  speechStarted(channel: number, timestamp: number): void {
    this.output.speechStarted(channel, timestamp);
  }
  metadata(message: SessionMetadata): void {
    this.output.metadata(message);
  }
  reconnect(attempt: number, offset: number, replayedSeconds: number): void {
    this.output.reconnect(attempt, offset, replayedSeconds);
  }
  gap(seconds: number): void {
    this.output.gap(seconds);
  }
  echo(utterance: Utterance): void {
    this.output.echo?.(utterance);
  }
  pause(at: number): void {
    this.output.pause?.(at);
  }
  resume(at: number, pausedSeconds: number): void {
    this.output.resume?.(at, pausedSeconds);
  }
  mark(at: number): void {
    this.output.mark?.(at);
  }
  turn(turn: TurnNews): void {
    this.output.turn?.(turn);
  }
  close(info: CloseInfo): void {
    this.release(true);
    this.output.close(info);
  }

  private remember(utterance: Utterance): void {
    const words = timedWords(utterance);
    const latest = words.length ? words[words.length - 1]!.end : utterance.end;
    this.systemWords = [...this.systemWords, ...words].filter((word) => word.end >= latest - KEEP_SECONDS);
  }

  /** Writes held microphone lines in order: echoes as echoes, others once the system is quiet, the hold is over, or `all`. */
  private release(all: boolean): void {
    this.cancelHold?.();
    this.cancelHold = undefined;
    while (this.held.length > 0) {
      const { utterance, words, since } = this.held[0]!;
      const echo = isEcho(words, this.systemWords, ECHO_WINDOW_SECONDS);
      const waited = this.clock.now() - since;
      if (!echo && !all && this.systemSpeaking && waited < HOLD_MS) {
        this.cancelHold = this.clock.after(HOLD_MS - waited, () => this.release(false));
        return;
      }
      this.held.shift();
      if (echo) this.output.echo?.(utterance);
      else this.output.final(utterance);
    }
  }
}
