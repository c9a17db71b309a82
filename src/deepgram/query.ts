import type { PcmFormat } from '../audio/format.js';
import { UsageError } from '../errors.js';
import type { Settings } from '../settings/options.js';

export type QuerySettings = Pick<
  Settings,
  | 'apiUrl'
  | 'model'
  | 'language'
  | 'smartFormat'
  | 'punctuate'
  | 'diarize'
  | 'keyterm'
  | 'endpointing'
  | 'utteranceEnd'
  | 'param'
  | 'multichannel'
  | 'eotThreshold'
  | 'eagerEotThreshold'
  | 'eotTimeout'
  | 'languageHint'
  | 'manualTurns'
>;

/** Deepgram's Flux models (`flux-general-en`, `flux-general-multi`) speak another protocol, on /v2/listen. */
export function isFluxModel(model: string): boolean {
  return model.startsWith('flux-');
}

/** Query keys /v2/listen refuses (400) or does not know: given through `--param`, they are a usage error. */
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
] as const;

/** Flux redacts numbers only. */
const FLUX_REDACT = new Set(['numbers', 'aggressive_numbers']);

/** `--param` keys a Flux model would refuse (a `redact` other than numbers as `redact=<value>`), in the order given; none for another model. */
export function fluxRefusedParams(settings: Pick<QuerySettings, 'model' | 'param'>): string[] {
  if (!isFluxModel(settings.model)) return [];
  const refused = new Set<string>(FLUX_REFUSED_PARAMS);
  const named = settings.param.flatMap(([key, value]) => (refused.has(key) ? [key] : key === 'redact' && !FLUX_REDACT.has(value) ? [`redact=${value}`] : []));
  return [...new Set(named)];
}

export function fluxParamError(keys: string[]): UsageError {
  const list = keys.map((key) => `--param ${key}`).join(', ');
  return new UsageError(`Flux models (/v2/listen) refuse ${list}`, 'drop it, or choose a non-Flux --model such as nova-3');
}

/**
 * The live endpoint: https -> wss, http -> ws; `/v1/listen` (`/v2/listen` for Flux) appended, or
 * put in place of the one the URL already names (a self-hosted URL written for the other model).
 * A user:password in the URL is dropped: sent, it would become Basic auth; the API key authenticates.
 */
export function listenEndpoint(apiUrl: string, kind: 'live' | 'batch' = 'live', version: 'v1' | 'v2' = 'v1'): URL {
  const url = new URL(apiUrl);
  url.username = '';
  url.password = '';
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  url.protocol = kind === 'live' ? (secure ? 'wss:' : 'ws:') : secure ? 'https:' : 'http:';
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = `${path.replace(/\/v[12]\/listen$/, '')}/${version}/listen`;
  url.search = '';
  url.hash = '';
  return url;
}

/** Deepgram query parameters, in a stable order. `--param` entries replace a built parameter of the same key. */
export function listenParams(settings: QuerySettings, format: PcmFormat): URLSearchParams {
  if (isFluxModel(settings.model)) return withParams(fluxParams(settings, format), settings.param);
  const params = new URLSearchParams();
  params.set('model', settings.model);
  params.set('language', settings.language);
  params.set('encoding', 'linear16');
  params.set('sample_rate', String(format.sampleRate));
  params.set('channels', String(format.channels));
  params.set('interim_results', 'true');
  params.set('smart_format', String(settings.smartFormat));
  if (settings.punctuate) params.set('punctuate', 'true');
  // Naming speakers or channels turned these on already (src/settings/resolve.ts).
  if (settings.diarize) params.set('diarize', 'true');
  if (settings.multichannel && format.channels > 1) params.set('multichannel', 'true');
  for (const term of settings.keyterm) params.append('keyterm', term);
  params.set('endpointing', String(settings.endpointing));
  params.set('utterance_end_ms', String(settings.utteranceEnd));
  return withParams(params, settings.param);
}

/**
 * /v2/listen: mono linear16, the turn settings that were given (Deepgram's defaults otherwise), key
 * terms and language hints each repeated. `--manual-turns` is eot_threshold=1.0, Deepgram's way of
 * saying the model never ends a turn: a turn then ends by ForceEndTurn or the timeout.
 */
function fluxParams(settings: QuerySettings, format: PcmFormat): URLSearchParams {
  const refused = fluxRefusedParams(settings);
  if (refused.length > 0) throw fluxParamError(refused);
  // Flux takes mono only: several channels sent as one would be transcribed as noise. The settings
  // refuse --channels and --capture both before anything opens; a stereo file shows only here.
  if (format.channels > 1)
    throw new UsageError(
      `${settings.model} takes one channel, and this audio has ${format.channels}`,
      'mix it down first (ffmpeg -i in.wav -ac 1 mono.wav), or choose another model such as nova-3',
    );
  const params = new URLSearchParams();
  params.set('model', settings.model);
  params.set('encoding', 'linear16');
  params.set('sample_rate', String(format.sampleRate));
  if (settings.manualTurns) params.set('eot_threshold', '1.0');
  else if (settings.eotThreshold !== undefined) params.set('eot_threshold', String(settings.eotThreshold));
  if (settings.eagerEotThreshold !== undefined) params.set('eager_eot_threshold', String(settings.eagerEotThreshold));
  if (settings.eotTimeout !== undefined) params.set('eot_timeout_ms', String(settings.eotTimeout));
  for (const term of settings.keyterm) params.append('keyterm', term);
  for (const language of settings.languageHint) params.append('language_hint', language);
  return params;
}

/** `--param` entries: added, or in place of a built parameter of the same key (all of its values). */
function withParams(params: URLSearchParams, extra: QuerySettings['param']): URLSearchParams {
  const overridden = new Set<string>();
  for (const [key, value] of extra) {
    if (!overridden.has(key)) params.delete(key);
    overridden.add(key);
    params.append(key, value);
  }
  return params;
}

export function listenUrl(settings: QuerySettings, format: PcmFormat): string {
  const url = listenEndpoint(settings.apiUrl, 'live', isFluxModel(settings.model) ? 'v2' : 'v1');
  url.search = listenParams(settings, format).toString();
  return url.toString();
}

/**
 * The pre-recorded request: the same Deepgram options, utterances always (our outputs are built
 * from them), no live-only parameters; encoding and rate only for raw PCM (containers are read).
 */
export interface BatchUnits {
  /** One unit per paragraph (paragraphs=true) instead of per utterance. */
  paragraphs: boolean;
  /** utt_split: the pause in seconds that ends an utterance (Deepgram's default 0.8). */
  utteranceSplit?: number;
}

export function batchUrl(settings: QuerySettings, raw: PcmFormat | undefined, units: BatchUnits): string {
  const live = listenParams(settings, raw ?? { sampleRate: 0, channels: 1 });
  const params = new URLSearchParams();
  for (const [key, value] of live) {
    if (LIVE_ONLY.has(key) || (!raw && RAW_ONLY.has(key))) continue;
    params.append(key, value);
  }
  if (!raw && settings.multichannel) params.set('multichannel', 'true');
  params.set('utterances', 'true');
  if (units.utteranceSplit !== undefined) params.set('utt_split', String(units.utteranceSplit));
  if (units.paragraphs) params.set('paragraphs', 'true');
  const url = listenEndpoint(settings.apiUrl, 'batch');
  url.search = params.toString();
  return url.toString();
}

const LIVE_ONLY = new Set(['interim_results', 'endpointing', 'utterance_end_ms', 'vad_events']);
const RAW_ONLY = new Set(['encoding', 'sample_rate', 'channels']);
