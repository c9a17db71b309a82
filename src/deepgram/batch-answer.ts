// The pre-recorded answer, checked like a live message: our own shapes (finite times >= 0,
// sanitized strings) or a service error that says what was wrong.
import { NetworkError } from '../errors.js';
import type { PrerecordedParagraph, PrerecordedResponse, PrerecordedUtterance } from './batch.js';
import { array, confidence, Invalid, isObject, MAX_CHANNELS, object, string, time, whole, word } from './validate.js';

/** The 200 answer's body as a transcript; anything else is Deepgram's fault (exit 5), not ours. */
export function parsePrerecordedAnswer(body: string): PrerecordedResponse {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    throw malformed('it is not JSON');
  }
  try {
    return answer(data);
  } catch (error) {
    if (error instanceof Invalid) throw malformed(error.message);
    throw error;
  }
}

function malformed(what: string): NetworkError {
  return new NetworkError(`Deepgram's answer is not a transcript: ${what}`, 'try again; check --api-url if it persists');
}

function answer(value: unknown): PrerecordedResponse {
  if (!isObject(value)) throw new Invalid('it is not a JSON object');
  const data = value;
  const metadata = object(data.metadata, 'metadata');
  const results = object(data.results, 'results');
  const models = Array.isArray(metadata.models)
    ? metadata.models.filter((model): model is string => typeof model === 'string').map((model, i) => string(model, `metadata.models[${i}]`))
    : undefined;
  const utterances =
    results.utterances === undefined
      ? undefined
      : array(results.utterances, 'results.utterances').map((item, i) => utterance(item, `results.utterances[${i}]`));
  return {
    metadata: {
      request_id: string(metadata.request_id, 'metadata.request_id'),
      duration: time(metadata.duration, 'metadata.duration'),
      channels: whole(metadata.channels ?? 1, 'metadata.channels', MAX_CHANNELS),
      ...(models ? { models } : {}),
      ...(metadata.created === undefined ? {} : { created: string(metadata.created, 'metadata.created') }),
    },
    results: {
      channels: array(results.channels, 'results.channels').map((item, i) => channel(item, `results.channels[${i}]`)),
      ...(utterances ? { utterances } : {}),
    },
  };
}

function channel(value: unknown, name: string): PrerecordedResponse['results']['channels'][number] {
  const alternatives = array(object(value, name).alternatives, `${name}.alternatives`);
  if (alternatives.length === 0) return { alternatives: [] };
  const where = `${name}.alternatives[0]`;
  const data = object(alternatives[0], where);
  const paragraphs =
    data.paragraphs === undefined ? undefined : array(object(data.paragraphs, `${where}.paragraphs`).paragraphs, `${where}.paragraphs.paragraphs`);
  return {
    alternatives: [
      {
        transcript: string(data.transcript, `${where}.transcript`),
        confidence: confidence(data.confidence ?? 0, `${where}.confidence`),
        words: array(data.words ?? [], `${where}.words`).map((item, i) => word(item, `${where}.words[${i}]`)),
        ...(paragraphs ? { paragraphs: { paragraphs: paragraphs.map((item, i) => paragraph(item, `${where}.paragraphs.paragraphs[${i}]`)) } } : {}),
      },
    ],
  };
}

function paragraph(value: unknown, name: string): PrerecordedParagraph {
  const data = object(value, name);
  const sentences = array(data.sentences, `${name}.sentences`).map((item, i) => {
    const sentence = object(item, `${name}.sentences[${i}]`);
    return {
      text: string(sentence.text, `${name}.sentences[${i}].text`),
      start: time(sentence.start, `${name}.sentences[${i}].start`),
      end: time(sentence.end, `${name}.sentences[${i}].end`),
    };
  });
  return {
    sentences,
    start: time(data.start, `${name}.start`),
    end: time(data.end, `${name}.end`),
    ...(data.speaker === undefined ? {} : { speaker: whole(data.speaker, `${name}.speaker`) }),
  };
}

function utterance(value: unknown, name: string): PrerecordedUtterance {
  const data = object(value, name);
  return {
    start: time(data.start, `${name}.start`),
    end: time(data.end, `${name}.end`),
    confidence: confidence(data.confidence ?? 0, `${name}.confidence`),
    channel: whole(data.channel ?? 0, `${name}.channel`, MAX_CHANNELS),
    transcript: string(data.transcript, `${name}.transcript`),
    words: array(data.words ?? [], `${name}.words`).map((item, i) => word(item, `${name}.words[${i}]`)),
    ...(data.speaker === undefined ? {} : { speaker: whole(data.speaker, `${name}.speaker`) }),
  };
}
