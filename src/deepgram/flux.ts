import type { Heard, HeardTurn, HeardWord, TurnPhase } from '../transcript/heard.js';
import { sanitizeServerText, serverSnippet } from './sanitize.js';
import { array, confidence, Invalid, isObject, object, string, time, whole } from './validate.js';

/** Flux's TurnInfo events, in our terms. */
const PHASES: Record<string, TurnPhase> = {
  StartOfTurn: 'start',
  Update: 'update',
  EagerEndOfTurn: 'eager-end',
  TurnResumed: 'resumed',
  EndOfTurn: 'end',
};

/** More words than a turn holds (a turn ends after eot_timeout_ms of silence, at most 60 s): a broken server. */
export const MAX_WORDS_PER_TURN = 10_000;

/**
 * Parses one text frame of Deepgram Flux (/v2/listen) into what was heard. Malformed or unknown
 * messages come back as `unknown`, never thrown. An EndOfTurn settles the audio up to its window's end.
 */
export function parseFlux(text: string): Heard[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return [{ kind: 'unknown', text: serverSnippet(text), reason: 'not JSON' }];
  }
  if (!isObject(data)) return [{ kind: 'unknown', text: serverSnippet(text), reason: 'not a JSON object' }];
  try {
    switch (data.type) {
      case 'Connected':
      case 'ConfigureSuccess':
        return [];
      case 'TurnInfo': {
        const turn = turnInfo(data);
        return turn.phase === 'end' ? [turn, { kind: 'confirmed', until: turn.end }] : [turn];
      }
      case 'ConfigureFailure':
        return [{ kind: 'unknown', text: serverSnippet(text), reason: 'Deepgram refused a Configure' }];
      case 'Error':
        return [
          {
            kind: 'failure',
            code: serverSnippet(typeof data.code === 'string' ? data.code : 'ERROR', 60),
            description: serverSnippet(typeof data.description === 'string' ? data.description : '', 200),
          },
        ];
      default:
        return [{ kind: 'unknown', text: serverSnippet(text), reason: 'unknown type' }];
    }
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    return [{ kind: 'unknown', text: serverSnippet(text), reason: `${String(data.type)} with ${error.message}` }];
  }
}

function turnInfo(data: Record<string, unknown>): HeardTurn {
  const phase = typeof data.event === 'string' ? PHASES[data.event] : undefined;
  if (!phase) throw new Invalid('an unknown event');
  const start = time(data.audio_window_start, 'audio_window_start');
  const end = time(data.audio_window_end, 'audio_window_end');
  if (end < start) throw new Invalid('audio_window_end before audio_window_start');
  const words = array(data.words ?? [], 'words');
  if (words.length > MAX_WORDS_PER_TURN) throw new Invalid(`${words.length} words (at most ${MAX_WORDS_PER_TURN})`);
  const languages = Array.isArray(data.languages)
    ? data.languages
        .filter((language): language is string => typeof language === 'string')
        .slice(0, 16)
        .map((language) => sanitizeServerText(language).slice(0, 16))
    : undefined;
  return {
    kind: 'turn',
    phase,
    index: whole(data.turn_index ?? 0, 'turn_index'),
    start,
    end,
    text: string(data.transcript ?? '', 'transcript').trim(),
    words: timed(
      words.map((item, index) => fluxWord(item, `words[${index}]`)),
      start,
      end,
    ),
    endConfidence: confidence(data.end_of_turn_confidence ?? 0, 'end_of_turn_confidence'),
    // An open set (model, manual, timeout so far): a new value is passed on, not refused.
    ...(phase === 'end' && typeof data.trigger === 'string' ? { trigger: serverSnippet(data.trigger, 40) } : {}),
    ...(languages?.length ? { languages } : {}),
  };
}

type FluxWord = Omit<HeardWord, 'start' | 'end'> & { start?: number; end?: number };

function fluxWord(value: unknown, name: string): FluxWord {
  const data = object(value, name);
  const start = data.start === undefined ? undefined : time(data.start, `${name}.start`);
  const end = data.end === undefined ? undefined : time(data.end, `${name}.end`);
  if (start !== undefined && end !== undefined && end < start) throw new Invalid(`${name} ending before it starts`);
  return {
    text: string(data.word, `${name}.word`),
    confidence: confidence(data.confidence ?? 0, `${name}.confidence`),
    ...(start === undefined ? {} : { start }),
    ...(end === undefined ? {} : { end }),
  };
}

/**
 * Per-word times are recent in Flux and often absent: then the words share the audio window
 * evenly, so that captions and NDJSON still carry times in order.
 */
function timed(words: FluxWord[], start: number, end: number): HeardWord[] {
  if (words.every((word) => word.start !== undefined && word.end !== undefined)) return words as HeardWord[];
  const step = (end - start) / Math.max(1, words.length);
  return words.map((word, i) => ({ text: word.text, confidence: word.confidence, start: start + i * step, end: start + (i + 1) * step }));
}
