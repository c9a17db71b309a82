import type { PcmFormat } from '../audio/format.js';
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
  | 'speakers'
  | 'channelNames'
>;

/**
 * The live endpoint: https -> wss, http -> ws; `/v1/listen` appended unless the URL already names it.
 * A user:password in the URL is dropped: sent, it would become Basic auth; the API key authenticates.
 */
export function listenEndpoint(apiUrl: string, kind: 'live' | 'batch' = 'live'): URL {
  const url = new URL(apiUrl);
  url.username = '';
  url.password = '';
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  url.protocol = kind === 'live' ? (secure ? 'wss:' : 'ws:') : secure ? 'https:' : 'http:';
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith('/v1/listen') ? path : `${path}/v1/listen`;
  url.search = '';
  url.hash = '';
  return url;
}

/** Deepgram query parameters, in a stable order. `--param` entries replace a built parameter of the same key. */
export function listenParams(settings: QuerySettings, format: PcmFormat): URLSearchParams {
  const params = new URLSearchParams();
  params.set('model', settings.model);
  params.set('language', settings.language);
  params.set('encoding', 'linear16');
  params.set('sample_rate', String(format.sampleRate));
  params.set('channels', String(format.channels));
  params.set('interim_results', 'true');
  params.set('smart_format', String(settings.smartFormat));
  if (settings.punctuate) params.set('punctuate', 'true');
  // Naming speakers or channels asks for them.
  if (settings.diarize || settings.speakers) params.set('diarize', 'true');
  if ((settings.multichannel || settings.channelNames) && format.channels > 1) params.set('multichannel', 'true');
  for (const term of settings.keyterm) params.append('keyterm', term);
  params.set('endpointing', String(settings.endpointing));
  params.set('utterance_end_ms', String(settings.utteranceEnd));
  const overridden = new Set<string>();
  for (const [key, value] of settings.param) {
    if (!overridden.has(key)) params.delete(key);
    overridden.add(key);
    params.append(key, value);
  }
  return params;
}

export function listenUrl(settings: QuerySettings, format: PcmFormat): string {
  const url = listenEndpoint(settings.apiUrl);
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
  if (!raw && (settings.multichannel || settings.channelNames)) params.set('multichannel', 'true');
  params.set('utterances', 'true');
  if (units.utteranceSplit !== undefined) params.set('utt_split', String(units.utteranceSplit));
  if (units.paragraphs) params.set('paragraphs', 'true');
  const url = listenEndpoint(settings.apiUrl, 'batch');
  url.search = params.toString();
  return url.toString();
}

const LIVE_ONLY = new Set(['interim_results', 'endpointing', 'utterance_end_ms', 'vad_events']);
const RAW_ONLY = new Set(['encoding', 'sample_rate', 'channels']);
