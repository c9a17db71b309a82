// What a correct Flux client prints: one line per turn, computed by the server's own turn
// timeline (flux-turns.ts), so tests cannot drift from the server.
import { DEFAULT_FLUX_THRESHOLDS } from './flux-query.js';
import { FluxTurns, UPDATE_INTERVAL_SEC, type FluxTrigger, type FluxTurnEvent } from './flux-turns.js';
import type { ScriptWord } from './types.js';

export interface ExpectedTurnsOptions {
  /** As the client asks for them; defaults as the server's (0.7, off, 5000). */
  eotThreshold?: number;
  eagerEotThreshold?: number;
  eotTimeoutMs?: number;
  /** Seconds of audio the client sends before it ends; default: enough for every turn to end by itself (last word end + eot timeout + one Update interval). */
  audioSec?: number;
  /** As the server's `flux.forceEndTurn`: 'answer' (default): the client's ForceEndTurn at the end closes the last turn (trigger manual); 'ignore': the client keeps the last transcript it got (trigger 'update'). */
  forceEndTurn?: 'answer' | 'ignore';
  /** As the server's `flux.emptyEndOfTurn`: the client falls back to the turn's last non-empty transcript. */
  emptyEndOfTurn?: boolean;
  updateIntervalSec?: number;
}

export interface ExpectedTurn {
  turnIndex: number;
  /** The turn's words as the client prints them. */
  text: string;
  /** Start of the first and end of the last of those words. */
  start: number;
  end: number;
  /** How the turn ended; 'update': no EndOfTurn came (ForceEndTurn ignored), the last transcript was kept. */
  trigger: FluxTrigger | 'update';
  /** The audio window of the message the text was taken from. */
  windowStart: number;
  windowEnd: number;
}

/** The turns in the order a correct client prints them: at each EndOfTurn, and the unfinished one at the end of the stream. */
export function expectedTurns(script: readonly ScriptWord[], options: ExpectedTurnsOptions = {}): ExpectedTurn[] {
  const thresholds = {
    eotThreshold: options.eotThreshold ?? DEFAULT_FLUX_THRESHOLDS.eotThreshold,
    eagerEotThreshold: options.eagerEotThreshold ?? null,
    eotTimeoutMs: options.eotTimeoutMs ?? DEFAULT_FLUX_THRESHOLDS.eotTimeoutMs,
  };
  const interval = options.updateIntervalSec ?? UPDATE_INTERVAL_SEC;
  const audioSec = options.audioSec ?? Math.max(0, ...script.map((word) => word.end)) + thresholds.eotTimeoutMs / 1000 + interval;
  const timeline = new FluxTurns(script, thresholds, interval);
  const events = timeline.advance(audioSec);
  if (options.forceEndTurn !== 'ignore') events.push(...timeline.forceEndTurn(audioSec));

  const turns: ExpectedTurn[] = [];
  let lastWithText: FluxTurnEvent | undefined;
  const print = (source: FluxTurnEvent | undefined, trigger: ExpectedTurn['trigger']): void => {
    const [first, last] = [source?.words[0], source?.words.at(-1)];
    if (!source || !first || !last) return;
    const text = source.words.map((word) => word.text).join(' ');
    turns.push({ turnIndex: source.turnIndex, text, start: first.start, end: last.end, trigger, windowStart: source.windowStart, windowEnd: source.windowEnd });
  };
  for (const event of events) {
    const sent = event.event === 'EndOfTurn' && options.emptyEndOfTurn ? [] : event.words;
    if (event.event === 'EndOfTurn') {
      print(sent.length > 0 ? event : lastWithText, event.trigger ?? 'model');
      lastWithText = undefined;
    } else if (sent.length > 0) {
      lastWithText = event;
    }
  }
  print(lastWithText, 'update');
  return turns;
}
