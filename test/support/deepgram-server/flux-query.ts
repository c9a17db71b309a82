// Flux (/v2/listen) handshake: the same path/auth/query order as v1 (handshake.ts), with the
// query rules of the turn-based API (/work/shared/deepgram-flux-protocol.md).
import type { IncomingMessage } from 'node:http';
import { invalidQuery, UNKNOWN_MODEL, type ErrorBody } from './errors.js';
import { isAuthorized, refusal, type Refusal } from './handshake.js';
import type { FluxConfiguration } from './flux-messages.js';

export const FLUX_PATH = '/v2/listen';
export const FLUX_MODELS = ['flux-general-en', 'flux-general-multi'] as const;
/** `language_hint` values flux-general-multi accepts. */
export const FLUX_LANGUAGES = ['en', 'es', 'fr', 'de', 'hi', 'ru', 'pt', 'ja', 'it', 'nl'];
/** v1 parameters Flux refuses with 400. */
export const FLUX_REFUSED_PARAMS = [
  'language',
  'smart_format',
  'punctuate',
  'channels',
  'diarize',
  'interim_results',
  'multichannel',
  'endpointing',
  'utterance_end_ms',
  'vad_events',
  'detect_entities',
  'keywords',
];
const RAW_ENCODINGS = ['linear16', 'linear32', 'mulaw', 'alaw'];
/** Accepted, but their byte rate is not fixed: the server hears nothing in them (as v1). */
const OTHER_ENCODINGS = ['opus', 'ogg-opus'];
const BOOLEAN_PARAMS = ['numerals', 'profanity_filter', 'mip_opt_out'];
const REDACT_VALUES = ['numbers', 'aggressive_numbers'];

/** The turn settings a connection starts with; Configure may change them later. */
export interface FluxThresholds {
  /** 0.5-1.0, default 0.7; 1.0: the model never ends a turn. */
  eotThreshold: number;
  /** 0.3-0.9; null (default): no EagerEndOfTurn/TurnResumed. */
  eagerEotThreshold: number | null;
  /** 500-60000, default 5000. */
  eotTimeoutMs: number;
}

export const DEFAULT_FLUX_THRESHOLDS: FluxThresholds = { eotThreshold: 0.7, eagerEotThreshold: null, eotTimeoutMs: 5000 };

export interface FluxParams extends FluxThresholds {
  model: (typeof FLUX_MODELS)[number];
  /** flux-general-multi: TurnInfo carries `languages`. */
  multi: boolean;
  /** Absent: container mode (the WAV header is read). */
  encoding?: string;
  sampleRate?: number;
  keyterms: string[];
  languageHints: string[];
}

/** [min, max] of each threshold, and whether it must be an integer. */
export const THRESHOLD_RANGES = {
  eot_threshold: [0.5, 1.0, false],
  eager_eot_threshold: [0.3, 0.9, false],
  eot_timeout_ms: [500, 60_000, true],
} as const;

/** A threshold value as a number, or undefined when it is not one or out of its range. */
export function checkThreshold(name: keyof typeof THRESHOLD_RANGES, value: unknown): number | undefined {
  const [min, max, integer] = THRESHOLD_RANGES[name];
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number) || number < min || number > max) return undefined;
  return integer && !Number.isInteger(number) ? undefined : number;
}

const invalidValue = (param: string, value: string): ErrorBody => invalidQuery(`Invalid '${param}' value of '${value}'.`);

function findFluxQueryError(query: URLSearchParams): ErrorBody | undefined {
  const model = query.get('model');
  if (model === null || !(FLUX_MODELS as readonly string[]).includes(model)) return UNKNOWN_MODEL;
  // Our wording: the real service's text for these is not known.
  const refused = FLUX_REFUSED_PARAMS.find((param) => query.has(param));
  if (refused !== undefined) return invalidQuery(`'${refused}' is not supported by Flux models (/v2/listen).`);
  for (const param of BOOLEAN_PARAMS) {
    const bad = query.getAll(param).find((value) => value !== 'true' && value !== 'false');
    if (bad !== undefined) return invalidValue(param, bad);
  }
  const encoding = query.get('encoding');
  if (encoding !== null && !RAW_ENCODINGS.includes(encoding) && !OTHER_ENCODINGS.includes(encoding)) return invalidValue('encoding', encoding);
  const sampleRate = query.get('sample_rate');
  if (sampleRate !== null && (!/^\d+$/.test(sampleRate) || Number(sampleRate) === 0)) return invalidValue('sample_rate', sampleRate);
  if (encoding !== null && RAW_ENCODINGS.includes(encoding) && sampleRate === null) {
    return invalidQuery(`sample_rate is required when encoding is '${encoding}' (raw audio has no header to read it from).`);
  }
  for (const name of Object.keys(THRESHOLD_RANGES) as (keyof typeof THRESHOLD_RANGES)[]) {
    const value = query.get(name);
    if (value !== null && checkThreshold(name, value) === undefined) return invalidValue(name, value);
  }
  const hints = query.getAll('language_hint');
  if (hints.length > 0 && model !== 'flux-general-multi') return invalidQuery("'language_hint' is only supported by flux-general-multi.");
  const badHint = hints.find((hint) => !FLUX_LANGUAGES.includes(hint));
  if (badHint !== undefined) return invalidValue('language_hint', badHint);
  const badRedact = query.getAll('redact').find((value) => !REDACT_VALUES.includes(value));
  if (badRedact !== undefined) return invalidValue('redact', badRedact);
  return undefined;
}

export type FluxQueryCheck = { ok: true; params: FluxParams } | { ok: false; error: ErrorBody };

export function checkFluxQuery(query: URLSearchParams): FluxQueryCheck {
  const error = findFluxQueryError(query);
  if (error) return { ok: false, error };
  const number = (name: string): number | undefined => (query.has(name) ? Number(query.get(name)) : undefined);
  const model = query.get('model') as FluxParams['model'];
  return {
    ok: true,
    params: {
      model,
      multi: model === 'flux-general-multi',
      encoding: query.get('encoding') ?? undefined,
      sampleRate: number('sample_rate'),
      eotThreshold: number('eot_threshold') ?? DEFAULT_FLUX_THRESHOLDS.eotThreshold,
      eagerEotThreshold: number('eager_eot_threshold') ?? null,
      eotTimeoutMs: number('eot_timeout_ms') ?? DEFAULT_FLUX_THRESHOLDS.eotTimeoutMs,
      keyterms: query.getAll('keyterm'),
      languageHints: query.getAll('language_hint'),
    },
  };
}

export type FluxHandshakeCheck = { ok: true; params: FluxParams } | { ok: false; refusal: Refusal };

/** As checkHandshake (handshake.ts) for /v2/listen: credentials (401), then the query (400). */
export function checkFluxHandshake(request: IncomingMessage, apiKey: string | null, requestId: string): FluxHandshakeCheck {
  if (!isAuthorized(request, apiKey)) return { ok: false, refusal: refusal(401, undefined, requestId) };
  const query = checkFluxQuery(new URL(request.url ?? '/', 'http://localhost').searchParams);
  if (!query.ok) return { ok: false, refusal: { status: 400, body: { ...query.error, request_id: requestId }, errorText: query.error.err_msg } };
  return { ok: true, params: query.params };
}

export const isFluxRequest = (request: IncomingMessage): boolean => new URL(request.url ?? '/', 'http://localhost').pathname === FLUX_PATH;

const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

/** The configuration after a Configure message, or undefined when any value in it is refused (ConfigureFailure). */
export function applyConfigure(current: FluxConfiguration, message: Record<string, unknown>, multi: boolean): FluxConfiguration | undefined {
  const next: FluxConfiguration = { thresholds: { ...current.thresholds }, keyterms: [...current.keyterms], languageHints: [...current.languageHints] };
  const { thresholds, keyterms, language_hints: hints } = message;
  if (thresholds !== undefined) {
    if (typeof thresholds !== 'object' || thresholds === null) return undefined;
    const given = thresholds as Record<string, unknown>;
    const read = (name: 'eot_threshold' | 'eager_eot_threshold' | 'eot_timeout_ms'): number | undefined | null =>
      given[name] === undefined ? undefined : typeof given[name] === 'number' ? (checkThreshold(name, given[name]) ?? null) : null;
    const [eot, eager, timeout] = [read('eot_threshold'), read('eager_eot_threshold'), read('eot_timeout_ms')];
    if (eot === null || eager === null || timeout === null) return undefined;
    if (eot !== undefined) next.thresholds.eotThreshold = eot;
    if (eager !== undefined) next.thresholds.eagerEotThreshold = eager;
    if (timeout !== undefined) next.thresholds.eotTimeoutMs = timeout;
  }
  if (keyterms !== undefined) {
    if (!isStringArray(keyterms)) return undefined;
    next.keyterms = keyterms;
  }
  if (hints !== undefined) {
    if (!multi || !isStringArray(hints) || hints.some((hint) => !FLUX_LANGUAGES.includes(hint))) return undefined;
    next.languageHints = hints;
  }
  return next;
}
