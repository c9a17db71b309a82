import { readFileSync } from 'node:fs';
import * as mediaCaptions from 'media-captions';
import { parseLiveV1, type DeepgramResults } from '../../src/deepgram/live-v1.js';
import { TranscriptModel, type TranscriptEvent, type Utterance } from '../../src/transcript/model.js';

export const fixture = (name: string): string => readFileSync(new URL(`../fixtures/deepgram/${name}.json`, import.meta.url), 'utf8');

/** One raw v1 message through the v1 adapter and the model, as the stream does. */
export function hear(model: TranscriptModel, text: string): TranscriptEvent[] {
  return parseLiveV1(text).flatMap((heard) => model.apply(heard));
}

/** Runs raw server messages through the transcript model: the utterances the formatters receive in production. */
export function utterancesOf(messages: string[], offset = 0): Utterance[] {
  const model = new TranscriptModel(offset);
  const events = [...messages.flatMap((text) => hear(model, text)), ...model.flush()];
  return events.flatMap((event) => (event.type === 'final' ? [event.utterance] : []));
}

/**
 * One finished utterance, built as a final Results message in the shape of the real fixtures
 * (diarized words carry `speaker`) and passed through the model. `[1]` in the text switches the
 * speaker for the words after it; words are `step` seconds apart and last `length` seconds.
 */
export function said(
  text: string,
  o: { start?: number; channel?: number; channels?: number; step?: number; length?: number; confidence?: number } = {},
): Utterance {
  const start = o.start ?? 0;
  const step = o.step ?? 0.5;
  let speaker: number | undefined;
  const words: DeepgramResults['channel']['alternatives'][number]['words'] = [];
  for (const token of text.split(' ').filter(Boolean)) {
    const marker = /^\[(\d+)\]$/.exec(token);
    if (marker) {
      speaker = Number(marker[1]);
      continue;
    }
    const at = start + words.length * step;
    words.push({
      word: token.toLowerCase().replace(/[^\p{L}\p{N}']/gu, ''),
      start: at,
      end: at + (o.length ?? 0.4),
      confidence: o.confidence ?? 0.9,
      punctuated_word: token,
      ...(speaker === undefined ? {} : { speaker }),
    });
  }
  const message: DeepgramResults = {
    type: 'Results',
    channel_index: [o.channel ?? 0, o.channels ?? 1],
    start,
    duration: words.length * step,
    is_final: true,
    speech_final: true,
    channel: { alternatives: [{ transcript: words.map((word) => word.punctuated_word).join(' '), confidence: o.confidence ?? 0.9, words }] },
    metadata: { request_id: 'r', model_info: { name: 'general-nova-3', version: '1', arch: 'nova-3' }, model_uuid: 'u' },
  };
  const [utterance, ...rest] = utterancesOf([JSON.stringify(message)]);
  if (!utterance || rest.length > 0) throw new Error(`expected one utterance from "${text}"`);
  return utterance;
}

/** The long real utterance: every word of the pre-recorded fixture (the US constitution's preamble), one channel. */
export function preamble(): Utterance {
  const response = JSON.parse(fixture('prerecorded-nova3-smartformat-file')) as {
    results: {
      channels: {
        alternatives: {
          transcript: string;
          confidence: number;
          words: { word: string; punctuated_word?: string; start: number; end: number; confidence: number }[];
        }[];
      }[];
    };
  };
  const alternative = response.results.channels[0]!.alternatives[0]!;
  const words = alternative.words.map((word) => ({ text: word.punctuated_word ?? word.word, start: word.start, end: word.end, confidence: word.confidence }));
  return { text: alternative.transcript, start: words[0]!.start, end: words[words.length - 1]!.end, channel: 0, confidence: alternative.confidence, words };
}

export interface ParsedCue {
  start: number;
  end: number;
  /** The cue text as the parser read it (WebVTT: tags and entities decoded). */
  text: string;
  /** WebVTT voice (`<v Ana>`), decoded. */
  voice?: string;
}

// media-captions' type declarations use extension-less relative imports, which TypeScript's
// NodeNext resolution cannot follow in an ESM package, so tsc sees no named exports; the
// JavaScript works on Node 20. These are the parts the tests use, typed here.
interface MediaCaptionsCue {
  startTime: number;
  endTime: number;
  text: string;
}
type VttNode = { type: 'text'; data: string } | { type: string; voice?: string; children: VttNode[] };
const captions = mediaCaptions as unknown as {
  parseText(text: string, options: { type: 'srt' | 'vtt'; strict: boolean }): Promise<{ cues: MediaCaptionsCue[]; errors: unknown[] }>;
  tokenizeVTTCue(cue: MediaCaptionsCue): VttNode[];
};

/** Parses our SRT or WebVTT with an independent parser in strict mode (it throws on a malformed file). */
export async function parseCaptions(text: string, type: 'srt' | 'vtt'): Promise<ParsedCue[]> {
  const result = await captions.parseText(text, { type, strict: true });
  if (result.errors.length > 0) throw new Error(`${type} parse errors: ${result.errors.map(String).join('; ')}`);
  return result.cues.map((cue) => {
    if (type === 'srt') return { start: cue.startTime, end: cue.endTime, text: cue.text };
    const nodes = captions.tokenizeVTTCue(cue);
    const voice = nodes.flatMap((node) => ('voice' in node && node.voice !== undefined ? [node.voice] : []))[0];
    return { start: cue.startTime, end: cue.endTime, text: textOf(nodes), ...(voice === undefined ? {} : { voice }) };
  });
}

function textOf(nodes: VttNode[]): string {
  return nodes.map((node) => ('data' in node ? node.data : 'children' in node ? textOf(node.children) : '')).join('');
}
