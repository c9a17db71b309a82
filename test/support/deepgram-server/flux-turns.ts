// Flux turn detection over the word script: a pure timeline driven only by how many seconds of
// audio have arrived (like recognizer.ts for v1). README.md "Flux (/v2/listen)" states the rules.
import { round6 } from './messages.js';
import { checkScript, EPS } from './recognizer.js';
import type { FluxThresholds } from './flux-query.js';
import type { ScriptWord } from './types.js';

export type FluxEventName = 'Update' | 'StartOfTurn' | 'EagerEndOfTurn' | 'TurnResumed' | 'EndOfTurn';
export type FluxTrigger = 'model' | 'manual' | 'timeout';

/** One TurnInfo the server sends; `at` is the audio time (seconds) it is sent at. */
export interface FluxTurnEvent {
  event: FluxEventName;
  at: number;
  turnIndex: number;
  windowStart: number;
  windowEnd: number;
  /** The turn's words heard so far (empty between turns). */
  words: ScriptWord[];
  endOfTurnConfidence: number;
  trigger?: FluxTrigger;
}

/** Audio seconds between Updates. */
export const UPDATE_INTERVAL_SEC = 0.25;
/** A word ending in . ? ! may end a turn; with a comma too it may end one eagerly. */
const ENDS_SENTENCE = /[.!?]["')\]]*$/;
const MAY_PAUSE = /[.!?,]["')\]]*$/;
/** end_of_turn_confidence while speech goes on (Update, StartOfTurn, TurnResumed, manual and timeout ends). */
export const SPEAKING_CONFIDENCE = 0.1;

/** Silence after a word before a threshold's decision: `threshold - 0.4` s (0.7 -> 0.3 s), at least 0.05 s. */
export const decisionDelaySec = (threshold: number): number => round6(Math.max(0.05, threshold - 0.4));

interface ActiveTurn {
  words: ScriptWord[];
  windowStart: number;
  /** An EagerEndOfTurn went out for the current last word (a new word resumes the turn). */
  eagerSent: boolean;
}

type MomentKind = 'word' | 'eager' | 'model' | 'timeout' | 'update';
/** On equal times the earlier kind in this list goes first. */
const ORDER: readonly MomentKind[] = ['word', 'eager', 'model', 'timeout', 'update'];

export class FluxTurns {
  private readonly words: ScriptWord[];
  private heard = 0;
  private turn: ActiveTurn | undefined;
  private turnIndex = 0;
  /** End of the last turn's audio window: where the next turn's window starts. */
  private lastTurnEnd = 0;
  private updatesPassed = 0;
  /** Audio time of the last moment processed and of the last TurnInfo sent. */
  private now = 0;
  private lastSentAt = -1;

  constructor(
    script: readonly ScriptWord[],
    /** Mutable: Configure changes the decisions not yet made. */
    public thresholds: FluxThresholds,
    private readonly updateIntervalSec = UPDATE_INTERVAL_SEC,
  ) {
    if (!(updateIntervalSec > 0)) throw new Error('updateIntervalSec must be > 0');
    this.words = checkScript(script); // one stream: channels are downmixed (Flux is mono)
  }

  get active(): boolean {
    return this.turn !== undefined;
  }

  /** Every TurnInfo due up to `audioSec`, in time order. */
  advance(audioSec: number): FluxTurnEvent[] {
    const out: FluxTurnEvent[] = [];
    for (let moment = this.nextMoment(); moment && moment.at <= audioSec + EPS; moment = this.nextMoment()) {
      this.now = Math.max(this.now, moment.at);
      this.run(moment.kind, moment.at, out);
    }
    this.now = Math.max(this.now, audioSec);
    return out;
  }

  /** ForceEndTurn at `audioSec`: EndOfTurn (manual) with the words heard so far; nothing when no turn is active. */
  forceEndTurn(audioSec: number): FluxTurnEvent[] {
    const out = this.advance(audioSec);
    if (this.turn) this.endTurn(this.now, 'manual', out);
    return out;
  }

  private nextMoment(): { kind: MomentKind; at: number } | undefined {
    const candidates: { kind: MomentKind; at: number | undefined }[] = [
      { kind: 'word', at: this.words[this.heard]?.end },
      ...this.decisions(),
      { kind: 'update', at: round6((this.updatesPassed + 1) * this.updateIntervalSec) },
    ];
    let best: { kind: MomentKind; at: number } | undefined;
    for (const { kind, at } of candidates) {
      if (at === undefined) continue;
      const earlier = best === undefined || at < best.at - EPS || (Math.abs(at - best.at) <= EPS && ORDER.indexOf(kind) < ORDER.indexOf(best.kind));
      if (earlier) best = { kind, at };
    }
    return best;
  }

  /** The active turn's pending decisions; each holds only if the next word has not started by then. */
  private decisions(): { kind: MomentKind; at: number | undefined }[] {
    const last = this.turn?.words.at(-1);
    if (!this.turn || !last) return [];
    const { eotThreshold, eagerEotThreshold, eotTimeoutMs } = this.thresholds;
    const nextStart = this.words[this.heard]?.start ?? Infinity;
    const at = (delaySec: number): number | undefined => {
      const due = Math.max(this.now, round6(last.end + delaySec));
      return nextStart >= due - EPS ? due : undefined;
    };
    return [
      {
        kind: 'eager',
        at: eagerEotThreshold !== null && !this.turn.eagerSent && MAY_PAUSE.test(last.text) ? at(decisionDelaySec(eagerEotThreshold)) : undefined,
      },
      { kind: 'model', at: eotThreshold < 1 && ENDS_SENTENCE.test(last.text) ? at(decisionDelaySec(eotThreshold)) : undefined },
      { kind: 'timeout', at: at(eotTimeoutMs / 1000) },
    ];
  }

  private run(kind: MomentKind, at: number, out: FluxTurnEvent[]): void {
    switch (kind) {
      case 'word':
        return this.hear(this.words[this.heard++] as ScriptWord, out);
      case 'eager':
        this.turn!.eagerSent = true;
        return this.emit(out, 'EagerEndOfTurn', at, this.thresholds.eagerEotThreshold ?? SPEAKING_CONFIDENCE);
      case 'model':
        return this.endTurn(at, 'model', out);
      case 'timeout':
        return this.endTurn(at, 'timeout', out);
      case 'update':
        this.updatesPassed++;
        if (Math.abs(this.lastSentAt - at) > EPS) this.emit(out, 'Update', at, SPEAKING_CONFIDENCE);
    }
  }

  private hear(word: ScriptWord, out: FluxTurnEvent[]): void {
    if (!this.turn) {
      this.turn = { words: [word], windowStart: this.lastTurnEnd, eagerSent: false };
      return this.emit(out, 'StartOfTurn', word.end, SPEAKING_CONFIDENCE);
    }
    this.turn.words.push(word);
    if (!this.turn.eagerSent) return;
    this.turn.eagerSent = false;
    this.emit(out, 'TurnResumed', word.end, SPEAKING_CONFIDENCE);
  }

  private endTurn(at: number, trigger: FluxTrigger, out: FluxTurnEvent[]): void {
    this.emit(out, 'EndOfTurn', at, trigger === 'model' ? this.thresholds.eotThreshold : SPEAKING_CONFIDENCE, trigger);
    this.turn = undefined;
    this.turnIndex++;
    this.lastTurnEnd = round6(at);
  }

  private emit(out: FluxTurnEvent[], event: FluxEventName, at: number, confidence: number, trigger?: FluxTrigger): void {
    this.lastSentAt = at;
    out.push({
      event,
      at: round6(at),
      turnIndex: this.turnIndex,
      windowStart: this.turn?.windowStart ?? this.lastTurnEnd,
      windowEnd: round6(at),
      words: [...(this.turn?.words ?? [])],
      endOfTurnConfidence: confidence,
      ...(trigger === undefined ? {} : { trigger }),
    });
  }
}
