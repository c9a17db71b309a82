import { levelDbfs } from '../audio/levels.js';
import type { TranscriptOutput } from '../output/transcript-output.js';
import type { Utterance } from '../transcript/model.js';
import { PauseTimeline } from './pause.js';
import type { StreamSteering } from './run-stream.js';
import { StopConditions, type StopLimits } from './stop-conditions.js';

export type SteeringState = 'listening' | 'paused' | 'reconnecting';

/** What the status line shows (src/terminal/status-line.ts). */
export interface SteeringSnapshot {
  state: SteeringState;
  /** Seconds on the session timeline. */
  elapsed: number;
  /** Median seconds from the end of speech to its final line, over the last LAG_SAMPLES finals; undefined before the first. */
  lag: number | undefined;
  /** Loudest frame RMS since the last snapshot, dBFS. */
  levelDbfs: number;
}

export interface SteeringOptions extends StopLimits {
  output: TranscriptOutput;
  /** Ends the session as the end of its audio does (the recorder stops, the rest is finalized and closed). */
  end(): void;
  /** A line for the user (stderr) when the session ends by itself. */
  notice(text: string): void;
  /** The status line wants the input level. */
  measureLevel?: boolean;
  /** Something the status line shows changed (a final, a pause, a mark). */
  changed?: () => void;
  /** The engine has no KeepAlive (Flux): a pause sends silence, and the engine's clock keeps real time. */
  pauseSendsSilence?: boolean;
}

/** What becomes of a frame: sent, replaced by silence (a pause on Flux), or held back. */
export type Admission = 'send' | 'silence' | 'hold';

const LAG_SAMPLES = 9;
/** The transcript kept for key `C`, in characters (the clipboard gets at most its end anyway). */
const KEPT_CHARS = 200_000;

/**
 * The session side of steering a live run: pause and resume (nothing sent, the timeline goes
 * on), marks, the stop conditions, and what the status line and the clipboard keys need.
 */
export class Steering implements StreamSteering {
  private readonly pauses = new PauseTimeline();
  private readonly stops: StopConditions;
  /** Seconds of audio sent (as runStream counts them). */
  private sent = 0;
  private stopping = false;
  private down = false;
  private finalize: (() => void) | undefined;
  private loudest = -Infinity;
  private readonly lags: number[] = [];
  private readonly lines: string[] = [];
  private keptChars = 0;

  constructor(private readonly options: SteeringOptions) {
    this.stops = new StopConditions(options);
  }

  admit(frame: Buffer, seconds: number, sentSeconds: number): Admission {
    if (this.stopping) return 'hold';
    const paused = this.pauses.paused;
    const silence = paused && this.options.pauseSendsSilence === true;
    const level = this.stops.needsLevel || this.options.measureLevel ? levelDbfs(frame) : -Infinity;
    if (level > this.loudest) this.loudest = level;
    // Silence sent keeps the engine's clock on real time: nothing to shift on the timeline.
    if (paused && !silence) this.pauses.hold(seconds);
    else this.sent = sentSeconds + seconds;
    // The frame that reaches a limit is the last one sent.
    const why = this.stops.push(seconds, level, paused);
    if (why) this.stop(why);
    return silence ? 'silence' : paused ? 'hold' : 'send';
  }

  timeline(sentSeconds: number): number {
    return this.pauses.map(sentSeconds);
  }

  connected(control: { finalize(): void }): void {
    this.finalize = () => control.finalize();
  }

  final(utterance: Utterance): void {
    if (!this.pauses.paused && !this.down) {
      this.lags.push(Math.max(0, this.now - utterance.end));
      if (this.lags.length > LAG_SAMPLES) this.lags.shift();
    }
    this.lines.push(utterance.text);
    this.keptChars += utterance.text.length + 1;
    while (this.keptChars > KEPT_CHARS && this.lines.length > 1) this.keptChars -= this.lines.shift()!.length + 1;
    this.options.changed?.();
  }

  reconnecting(down: boolean): void {
    this.down = down;
  }

  /** Connected, and audio is going out: what the status line waits for. */
  get streaming(): boolean {
    return this.finalize !== undefined;
  }

  /** Now on the session timeline. */
  get now(): number {
    return this.pauses.now(this.sent);
  }

  get paused(): boolean {
    return this.pauses.paused;
  }

  /** Key space. Pausing asks Deepgram to finalize what it has heard, so the last words before the pause come now. */
  togglePause(): void {
    if (this.stopping) return;
    if (this.pauses.pause(this.sent)) {
      this.options.output.pause?.(this.now);
      this.finalize?.();
    } else {
      const held = this.pauses.resume() ?? 0;
      this.options.output.resume?.(this.now, held);
    }
    this.options.changed?.();
  }

  /** Key space with `--manual-turns`: the engine ends the turn now (Flux's ForceEndTurn). False before the session is connected. */
  endTurn(): boolean {
    if (this.stopping || !this.finalize) return false;
    this.finalize();
    return true;
  }

  /** Key `m`: the moment on the timeline. */
  mark(): number {
    const at = this.now;
    this.options.output.mark?.(at);
    return at;
  }

  /** Key `q`, or a stop condition: the session ends cleanly (exit 0). */
  stop(why?: string): void {
    if (this.stopping) return;
    this.stopping = true;
    if (why) this.options.notice(`transcribe: ${why}; finishing`);
    this.options.end();
  }

  get lastLine(): string {
    return this.lines.at(-1) ?? '';
  }

  get transcript(): string {
    return this.lines.join('\n');
  }

  snapshot(): SteeringSnapshot {
    const snapshot: SteeringSnapshot = {
      state: this.down ? 'reconnecting' : this.pauses.paused ? 'paused' : 'listening',
      elapsed: this.now,
      lag: median(this.lags),
      levelDbfs: this.loudest,
    };
    this.loudest = -Infinity;
    return snapshot;
  }
}

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
