// Handshake query: validated the way the live API refuses bad ones (HTTP 400), and turned
// into the few settings the server acts on.
import { invalidQuery, UNKNOWN_MODEL, type ErrorBody } from './errors.js';
import { DEFAULT_MODEL, isNova3, KNOWN_MODELS, type ModelInfo } from './models.js';

export interface ListenParams {
  model: string;
  modelInfo: ModelInfo;
  /** Absent: container mode (the server reads the file header). */
  encoding?: string;
  sampleRate?: number;
  channels: number;
  /** multichannel=true: each channel is transcribed on its own (when there is more than one). */
  multichannel: boolean;
  interimResults: boolean;
  /** punctuate=true or smart_format=true: transcripts use the punctuated forms. */
  punctuated: boolean;
  diarize: boolean;
  vadEvents: boolean;
  /** Silence that ends an utterance; null when endpointing=false. */
  endpointingSec: number | null;
  /** null unless utterance_end_ms is set. */
  utteranceEndSec: number | null;
}

export type QueryCheck = { ok: true; params: ListenParams } | { ok: false; error: ErrorBody };

/** Deepgram's endpointing default: 10 ms of silence. */
export const DEFAULT_ENDPOINTING_MS = 10;

/** Encodings of headerless audio: both encoding and sample_rate are required. */
export const RAW_ENCODINGS = ['linear16', 'linear32', 'alaw', 'mulaw', 'amr-nb', 'amr-wb', 'speex', 'g729'];
/** May also be sent as a container, so sample_rate is not enforced. */
const OTHER_ENCODINGS = ['flac', 'opus', 'ogg-opus'];

const BOOLEAN_PARAMS = [
  'interim_results',
  'punctuate',
  'smart_format',
  'numerals',
  'profanity_filter',
  'dictation',
  'diarize',
  'vad_events',
  'multichannel',
  'filler_words',
  'mip_opt_out',
  'no_delay',
  'measurements',
  'utterances',
  'paragraphs',
];
const INTEGER_PARAMS = ['sample_rate', 'channels'];

const isInteger = (value: string): boolean => /^\d+$/.test(value);
const deserializeError = (param: string, problem: string): ErrorBody => invalidQuery(`Failed to deserialize query parameters: ${param}: ${problem}`);
const invalidValue = (param: string, value: string): ErrorBody => invalidQuery(`Invalid '${param}' value of '${value}'.`);

/** The first reason the query is refused, or undefined when it is acceptable. */
function findQueryError(query: URLSearchParams): ErrorBody | undefined {
  for (const param of BOOLEAN_PARAMS) {
    const bad = query.getAll(param).find((value) => value !== 'true' && value !== 'false');
    if (bad !== undefined) return deserializeError(param, 'provided string was not `true` or `false`');
  }
  for (const param of INTEGER_PARAMS) {
    const bad = query.getAll(param).find((value) => !isInteger(value) || Number(value) === 0);
    if (bad !== undefined) return deserializeError(param, 'invalid digit found in string');
  }
  const endpointing = query.get('endpointing');
  if (endpointing !== null && endpointing !== 'true' && endpointing !== 'false' && !isInteger(endpointing)) {
    return deserializeError('endpointing', 'expected an integer or `false`');
  }

  const encoding = query.get('encoding');
  if (encoding !== null && !RAW_ENCODINGS.includes(encoding) && !OTHER_ENCODINGS.includes(encoding)) {
    return invalidValue('encoding', encoding);
  }
  if (encoding !== null && RAW_ENCODINGS.includes(encoding) && !query.has('sample_rate')) {
    return invalidQuery(`sample_rate is required when encoding is '${encoding}' (raw audio has no header to read it from).`);
  }

  const model = query.get('model') ?? DEFAULT_MODEL;
  if (!(model in KNOWN_MODELS)) return UNKNOWN_MODEL;
  if (isNova3(model) && query.has('keywords')) {
    // Text of fixtures/deepgram/http-error-400-nova3-keywords-sdk.json.
    return invalidQuery('Keywords are not supported for Nova-3. Please use `keyterm` instead.');
  }
  if (!isNova3(model) && query.has('keyterm')) {
    return invalidQuery('Keyterm prompting is only supported for Nova-3 models. Please use `keywords` instead.');
  }

  const utteranceEnd = query.get('utterance_end_ms');
  if (utteranceEnd !== null) {
    const ms = Number(utteranceEnd);
    // Real service: dg-error "Invalid 'utterance_end_ms' value of '999'."
    if (!isInteger(utteranceEnd) || ms < 1000 || ms > 5000) return invalidValue('utterance_end_ms', utteranceEnd);
    if (query.get('interim_results') !== 'true') {
      return invalidQuery('utterance_end_ms requires interim_results=true.');
    }
  }
  return undefined;
}

function endpointingSeconds(value: string | null): number | null {
  if (value === 'false') return null;
  if (value === null || value === 'true') return DEFAULT_ENDPOINTING_MS / 1000;
  return Number(value) / 1000;
}

export function checkListenQuery(query: URLSearchParams): QueryCheck {
  const error = findQueryError(query);
  if (error) return { ok: false, error };

  const model = query.get('model') ?? DEFAULT_MODEL;
  const flag = (name: string): boolean => query.get(name) === 'true';
  const number = (name: string): number | undefined => (query.has(name) ? Number(query.get(name)) : undefined);
  const utteranceEndMs = number('utterance_end_ms');
  return {
    ok: true,
    params: {
      model,
      modelInfo: KNOWN_MODELS[model] as ModelInfo,
      encoding: query.get('encoding') ?? undefined,
      sampleRate: number('sample_rate'),
      channels: number('channels') ?? 1,
      multichannel: flag('multichannel'),
      interimResults: flag('interim_results'),
      punctuated: flag('punctuate') || flag('smart_format'),
      diarize: flag('diarize'),
      vadEvents: flag('vad_events'),
      endpointingSec: endpointingSeconds(query.get('endpointing')),
      utteranceEndSec: utteranceEndMs === undefined ? null : utteranceEndMs / 1000,
    },
  };
}
