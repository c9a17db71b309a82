// Server-to-client messages, with the field sets and order of fixtures/deepgram/live-*.json.
import type { ChannelIndex } from './channels.js';
import type { ModelInfo } from './models.js';
import type { Heard, HeardResults } from './recognizer.js';
import type { ScriptWord } from './types.js';

const DEFAULT_WORD_CONFIDENCE = 0.99;

/** Six decimals: enough for audio time, and no float noise like 0.30000000000000004. */
export const round6 = (value: number): number => Math.round(value * 1e6) / 1e6;

/** The `word` field: lowercase, without punctuation ("Hello," -> "hello", "we'll" stays). */
export function bareWord(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}'’-]/gu, '')
    .replace(/^['’-]+|['’-]+$/g, '');
}

export interface TranscriptStyle {
  /** punctuate or smart_format: transcript and punctuated_word use the punctuated text. */
  punctuated: boolean;
  diarize: boolean;
}

export interface MessageContext extends TranscriptStyle {
  requestId: string;
  modelInfo: ModelInfo;
}

export function wordMessage(word: ScriptWord, style: TranscriptStyle): object {
  const bare = bareWord(word.text);
  return {
    word: bare,
    start: round6(word.start),
    end: round6(word.end),
    confidence: word.confidence ?? DEFAULT_WORD_CONFIDENCE,
    ...(style.diarize ? { speaker: word.speaker ?? 0 } : {}),
    punctuated_word: style.punctuated ? word.text : bare,
  };
}

/** Words joined by single spaces, punctuated or bare as the query asked. */
export function transcriptOf(words: readonly ScriptWord[], punctuated: boolean): string {
  return words.map((word) => (punctuated ? word.text : bareWord(word.text))).join(' ');
}

function resultsMessage(heard: HeardResults, context: MessageContext, channelIndex: ChannelIndex): object {
  const confidences = heard.words.map((word) => word.confidence ?? DEFAULT_WORD_CONFIDENCE);
  const mean = confidences.length === 0 ? 0 : confidences.reduce((a, b) => a + b, 0) / confidences.length;
  return {
    type: 'Results',
    channel_index: channelIndex,
    duration: round6(heard.duration),
    start: round6(heard.start),
    is_final: heard.isFinal,
    speech_final: heard.speechFinal,
    channel: {
      alternatives: [
        {
          transcript: transcriptOf(heard.words, context.punctuated),
          confidence: round6(mean),
          words: heard.words.map((word) => wordMessage(word, context)),
        },
      ],
    },
    metadata: {
      request_id: context.requestId,
      model_info: { name: context.modelInfo.name, version: context.modelInfo.version, arch: context.modelInfo.arch },
      model_uuid: context.modelInfo.uuid,
    },
    from_finalize: heard.fromFinalize,
  };
}

/** `channelIndex`: [channel, total] as multichannel=true reports it; [0, 1] for one (downmixed) stream. */
export function heardMessage(heard: Heard, context: MessageContext, channelIndex: ChannelIndex = [0, 1]): object {
  switch (heard.type) {
    case 'Results':
      return resultsMessage(heard, context, channelIndex);
    case 'SpeechStarted':
      return { type: 'SpeechStarted', channel: channelIndex, timestamp: round6(heard.timestamp) };
    case 'UtteranceEnd':
      return { channel: channelIndex, last_word_end: round6(heard.lastWordEnd), type: 'UtteranceEnd' };
  }
}

export interface MetadataFacts {
  requestId: string;
  /** ISO time the connection was opened. */
  created: string;
  durationSec: number;
  channels: number;
  modelInfo: ModelInfo;
  /** models/model_info are present only when audio arrived (live-metadata-no-audio.json). */
  audioArrived: boolean;
}

export function metadataMessage(facts: MetadataFacts): object {
  const { uuid, ...info } = facts.modelInfo;
  return {
    type: 'Metadata',
    transaction_key: 'deprecated',
    request_id: facts.requestId,
    sha256: 'incomplete', // what the live API reports (fixtures/deepgram/live-metadata-*.json)
    created: facts.created,
    duration: round6(facts.durationSec),
    channels: facts.channels,
    ...(facts.audioArrived ? { models: [uuid], model_info: { [uuid]: info } } : {}),
  };
}
