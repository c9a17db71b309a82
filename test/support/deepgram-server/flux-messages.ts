// Flux server messages, with the fields and order of /work/shared/deepgram-flux-protocol.md.
import { round6 } from './messages.js';
import type { FluxThresholds } from './flux-query.js';
import type { FluxTurnEvent } from './flux-turns.js';
import type { ScriptWord } from './types.js';

const DEFAULT_WORD_CONFIDENCE = 0.99;
const DEFAULT_LANGUAGE = 'en';

export interface FluxMessageStyle {
  requestId: string;
  /** Words carry start/end (false: omitted, as often seen in the field). */
  wordTimes: boolean;
  /** EndOfTurn goes out with an empty transcript and no words (seen in the field). */
  emptyEndOfTurn: boolean;
  /** flux-general-multi: `languages` on every TurnInfo, and `languages_hinted` when hints were given. */
  multi: boolean;
  languageHints: readonly string[];
}

export const connectedMessage = (requestId: string, sequenceId: number): object => ({ type: 'Connected', request_id: requestId, sequence_id: sequenceId });

/** The languages of the words, in order of first appearance (a word without one is English). */
export const languagesOf = (words: readonly ScriptWord[]): string[] => [...new Set(words.map((word) => word.language ?? DEFAULT_LANGUAGE))];

export function turnInfoMessage(turn: FluxTurnEvent, style: FluxMessageStyle, sequenceId: number): object {
  const words = turn.event === 'EndOfTurn' && style.emptyEndOfTurn ? [] : turn.words;
  return {
    type: 'TurnInfo',
    request_id: style.requestId,
    sequence_id: sequenceId,
    event: turn.event,
    turn_index: turn.turnIndex,
    audio_window_start: round6(turn.windowStart),
    audio_window_end: round6(turn.windowEnd),
    transcript: words.map((word) => word.text).join(' '),
    words: words.map((word) => ({
      word: word.text,
      confidence: word.confidence ?? DEFAULT_WORD_CONFIDENCE,
      ...(style.wordTimes ? { start: round6(word.start), end: round6(word.end) } : {}),
    })),
    end_of_turn_confidence: round6(turn.endOfTurnConfidence),
    ...(turn.trigger === undefined ? {} : { trigger: turn.trigger }),
    ...(style.multi ? { languages: languagesOf(words) } : {}),
    ...(style.multi && style.languageHints.length > 0 ? { languages_hinted: [...style.languageHints] } : {}),
  };
}

export interface FluxConfiguration {
  thresholds: FluxThresholds;
  keyterms: string[];
  languageHints: string[];
}

export function configureSuccessMessage(requestId: string, config: FluxConfiguration, multi: boolean, sequenceId: number): object {
  const { eotThreshold, eagerEotThreshold, eotTimeoutMs } = config.thresholds;
  return {
    type: 'ConfigureSuccess',
    request_id: requestId,
    thresholds: {
      eot_threshold: eotThreshold,
      ...(eagerEotThreshold === null ? {} : { eager_eot_threshold: eagerEotThreshold }),
      eot_timeout_ms: eotTimeoutMs,
    },
    keyterms: [...config.keyterms],
    ...(multi ? { language_hints: [...config.languageHints] } : {}),
    sequence_id: sequenceId,
  };
}

export const configureFailureMessage = (requestId: string, sequenceId: number): object => ({
  type: 'ConfigureFailure',
  request_id: requestId,
  sequence_id: sequenceId,
});

export const errorMessage = (sequenceId: number, code: string, description: string): object => ({ type: 'Error', sequence_id: sequenceId, code, description });

/** What the server answers to client messages it cannot take (our codes and wording: the real ones are not known). */
export const FLUX_ERRORS = {
  unparsable: { code: 'UNPARSABLE_CLIENT_MESSAGE', description: 'The text message could not be parsed as JSON.' },
  unknownType: (type: string) => ({ code: 'UNKNOWN_MESSAGE_TYPE', description: `Unsupported client message type '${type}' for /v2/listen.` }),
  undecodable: { code: 'DATA-0000', description: 'The payload cannot be decoded as audio. See https://dpgr.am/data0000' },
} as const;
