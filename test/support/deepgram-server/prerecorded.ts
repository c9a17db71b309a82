// Deepgram's pre-recorded API: POST /v1/listen?<params> with the audio file as the body. The
// body is streamed (counted, hashed; only its head is kept, for the WAV header), then one JSON
// document is answered, shaped like fixtures/deepgram/prerecorded-nova3-smartformat-file.json.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AudioMeter, SNIFF_BYTES } from './audio.js';
import { isSplit } from './channels.js';
import type { ConnectionRecord } from './connection-log.js';
import { invalidQuery } from './errors.js';
import { checkHandshake, refusal, refusalFromFault, type Refusal } from './handshake.js';
import { round6, transcriptOf, wordMessage, type TranscriptStyle } from './messages.js';
import type { ModelInfo } from './models.js';
import { channelOf, EPS } from './recognizer.js';
import { ENDS_SENTENCE } from './script.js';
import type { ConnectionFault, ScriptWord } from './types.js';

/** Deepgram's default `utt_split`: a longer pause between words ends an utterance. */
export const DEFAULT_UTT_SPLIT_SEC = 0.8;
/** A longer pause between words starts a new paragraph. */
export const PARAGRAPH_PAUSE_SEC = 1.5;
const DEFAULT_WORD_CONFIDENCE = 0.99;

export interface FileLayout extends TranscriptStyle {
  /** Channels in the audio (query `channels`, or the WAV header). */
  channels: number;
  multichannel: boolean;
}

/**
 * The words of each result channel, in start order: one list per channel with multichannel=true
 * and more than one channel (words on channels >= N are never heard), else one list of every
 * word. Only words that end within the audio are heard.
 */
export function wordsByChannel(script: readonly ScriptWord[], durationSec: number, layout: Omit<FileLayout, keyof TranscriptStyle>): ScriptWord[][] {
  const heard = [...script].filter((word) => word.end <= durationSec + EPS).sort((a, b) => a.start - b.start || channelOf(a) - channelOf(b));
  if (!isSplit(layout)) return [heard];
  return Array.from({ length: layout.channels }, (_, c) => heard.filter((word) => channelOf(word) === c));
}

/** Splits words (of one channel, in order) where `breaksAfter(previous, next)` holds. */
function splitWhere(words: readonly ScriptWord[], breaksAfter: (previous: ScriptWord, next: ScriptWord) => boolean): ScriptWord[][] {
  const groups: ScriptWord[][] = [];
  let current: ScriptWord[] = [];
  for (const word of words) {
    const previous = current.at(-1);
    if (previous && breaksAfter(previous, word)) {
      groups.push(current);
      current = [];
    }
    current.push(word);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

const speakerOf = (word: ScriptWord): number => word.speaker ?? 0;
const speakerChange = (diarize: boolean, a: ScriptWord, b: ScriptWord): boolean => diarize && speakerOf(a) !== speakerOf(b);

/** Utterances of one channel: a pause longer than uttSplitSec ends one, and so does a speaker change with diarize. */
export function splitUtterances(words: readonly ScriptWord[], uttSplitSec: number, diarize: boolean): ScriptWord[][] {
  return splitWhere(words, (a, b) => b.start - a.end > uttSplitSec + EPS || speakerChange(diarize, a, b));
}

/** Paragraphs of one channel: a pause longer than 1.5 s, or a speaker change with diarize. */
export function splitParagraphs(words: readonly ScriptWord[], diarize: boolean): ScriptWord[][] {
  return splitWhere(words, (a, b) => b.start - a.end > PARAGRAPH_PAUSE_SEC + EPS || speakerChange(diarize, a, b));
}

/** Sentences end at a word ending with . ! or ? (in its punctuated form). */
const splitSentences = (words: readonly ScriptWord[]): ScriptWord[][] => splitWhere(words, (a) => ENDS_SENTENCE.test(a.text));

function meanConfidence(words: readonly ScriptWord[]): number {
  if (words.length === 0) return 0;
  return round6(words.reduce((sum, word) => sum + (word.confidence ?? DEFAULT_WORD_CONFIDENCE), 0) / words.length);
}

function paragraphsOf(words: readonly ScriptWord[], style: TranscriptStyle): object {
  const paragraphs = splitParagraphs(words, style.diarize).map((paragraph) => ({
    sentences: splitSentences(paragraph).map((sentence) => ({
      text: transcriptOf(sentence, style.punctuated),
      start: round6((sentence[0] as ScriptWord).start),
      end: round6((sentence.at(-1) as ScriptWord).end),
    })),
    ...(style.diarize ? { speaker: speakerOf(paragraph[0] as ScriptWord) } : {}),
    start: round6((paragraph[0] as ScriptWord).start),
    end: round6((paragraph.at(-1) as ScriptWord).end),
    num_words: paragraph.length,
  }));
  // "\n<paragraph>" joined by "\n" (a blank line between paragraphs), "Speaker N: " with diarize.
  const transcript = paragraphs.map((p) => `\n${'speaker' in p ? `Speaker ${p.speaker}: ` : ''}${p.sentences.map((s) => s.text).join(' ')}`).join('\n');
  return { transcript, paragraphs };
}

export interface PrerecordedOptions extends FileLayout {
  utterances: boolean;
  uttSplitSec: number;
  paragraphs: boolean;
}

export interface PrerecordedFacts {
  requestId: string;
  sha256: string;
  /** ISO time the request arrived. */
  created: string;
  durationSec: number;
  modelInfo: ModelInfo;
}

/** The 200 body, field order as in the fixture. */
export function prerecordedResponse(script: readonly ScriptWord[], facts: PrerecordedFacts, options: PrerecordedOptions): object {
  const { uuid, ...info } = facts.modelInfo;
  const channels = wordsByChannel(script, facts.durationSec, options);
  const results: Record<string, unknown> = {
    channels: channels.map((words) => ({
      alternatives: [
        {
          transcript: transcriptOf(words, options.punctuated),
          confidence: meanConfidence(words),
          words: words.map((word) => wordMessage(word, options)),
          ...(options.paragraphs ? { paragraphs: paragraphsOf(words, options) } : {}),
        },
      ],
    })),
  };
  if (options.utterances) {
    results.utterances = channels
      .flatMap((words, channel) => splitUtterances(words, options.uttSplitSec, options.diarize).map((group) => ({ channel, group })))
      .sort((a, b) => (a.group[0] as ScriptWord).start - (b.group[0] as ScriptWord).start || a.channel - b.channel)
      .map(({ channel, group }) => ({
        start: round6((group[0] as ScriptWord).start),
        end: round6((group.at(-1) as ScriptWord).end),
        confidence: meanConfidence(group),
        channel,
        transcript: transcriptOf(group, options.punctuated),
        words: group.map((word) => wordMessage(word, options)),
        ...(options.diarize ? { speaker: speakerOf(group[0] as ScriptWord) } : {}),
        id: randomUUID(),
      }));
  }
  return {
    metadata: {
      transaction_key: 'deprecated',
      request_id: facts.requestId,
      sha256: facts.sha256,
      created: facts.created,
      duration: round6(facts.durationSec),
      channels: options.channels,
      models: [uuid],
      model_info: { [uuid]: info },
    },
    results,
  };
}

export interface ExpectedPrerecordedOptions {
  /** `utt_split` of the query (seconds); default Deepgram's 0.8. */
  uttSplit?: number;
  diarize?: boolean;
  multichannel?: boolean;
  /** `channels` of the audio; default: the highest channel in the script + 1. */
  channels?: number;
  /** The query sets punctuate or smart_format; default true. */
  punctuated?: boolean;
  /** Seconds of audio sent; default: all of the script is heard. */
  durationSec?: number;
}

export interface ExpectedPrerecordedUtterance {
  channel: number;
  transcript: string;
  start: number;
  end: number;
  /** Only with diarize. */
  speaker?: number;
}

/** `results.utterances` (without words, confidence and id) that the server answers for utterances=true. */
export function expectedUtterancesPrerecorded(script: readonly ScriptWord[], options: ExpectedPrerecordedOptions = {}): ExpectedPrerecordedUtterance[] {
  const { diarize = false, multichannel = false, punctuated = true, durationSec = Infinity } = options;
  const channels = options.channels ?? Math.max(0, ...script.map(channelOf)) + 1;
  const body = prerecordedResponse(
    script,
    { requestId: '', sha256: '', created: '', durationSec, modelInfo: { name: '', version: '', arch: '', uuid: '' } },
    { utterances: true, uttSplitSec: options.uttSplit ?? DEFAULT_UTT_SPLIT_SEC, paragraphs: false, channels, multichannel, punctuated, diarize },
  ) as { results: { utterances: (ExpectedPrerecordedUtterance & { words: unknown; confidence: number; id: string })[] } };
  return body.results.utterances.map(({ channel, transcript, start, end, speaker }) => ({
    channel,
    transcript,
    start,
    end,
    ...(speaker === undefined ? {} : { speaker }),
  }));
}

export interface PrerecordedSetup {
  request: IncomingMessage;
  response: ServerResponse;
  record: ConnectionRecord;
  apiKey: string | null;
  script: readonly ScriptWord[];
  fault: ConnectionFault | undefined;
  delayMs: number;
}

/** `utt_split`: seconds, a non-negative number. */
function parseUttSplit(query: URLSearchParams): number | Refusal {
  const value = query.get('utt_split');
  if (value === null) return DEFAULT_UTT_SPLIT_SEC;
  const seconds = Number(value);
  if (value.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) return seconds;
  const body = invalidQuery(`Invalid 'utt_split' value of '${value}'.`);
  return { status: 400, body, errorText: body.err_msg };
}

/** Answers one POST /v1/listen: same checks and faults as a handshake, then reads the body as a stream. */
export function servePrerecorded(setup: PrerecordedSetup): void {
  const { request, response, record, fault } = setup;
  const send = (status: number, body: object, errorText?: string): void => {
    if (response.headersSent || response.destroyed) return;
    record.responseStatus = status;
    response.writeHead(status, {
      'content-type': 'application/json',
      'dg-request-id': record.requestId,
      ...(errorText === undefined ? {} : { 'dg-error': errorText.replace(/[\r\n]+/g, ' ') }),
    });
    response.end(JSON.stringify(body));
  };
  const refuse = (refused: Refusal): void => {
    request.resume(); // the body is not read, but drained so the client can finish sending
    send(refused.status, refused.body, refused.errorText);
    record.markRefused(refused.status);
  };

  const handshake = checkHandshake(request, setup.apiKey, record.requestId);
  if (!handshake.ok) return refuse(handshake.refusal);
  const uttSplitSec = parseUttSplit(record.query);
  if (typeof uttSplitSec !== 'number') return refuse({ ...uttSplitSec, body: { ...uttSplitSec.body, request_id: record.requestId } });
  if (fault?.reject) return refuse(refusalFromFault(fault.reject, record.requestId));

  const { params } = handshake;
  const meter = new AudioMeter(params.encoding, params.sampleRate, params.channels, false);
  record.meter = meter;
  const dropAt = fault?.dropAfterBytes?.bytes;
  const stall = fault?.stall !== undefined && fault.stall !== false;

  response.on('close', () => {
    record.closedBy ??= response.writableFinished ? 'server' : 'client';
    record.markClosed();
  });
  request.on('data', (chunk: Buffer) => {
    meter.add(chunk);
    record.bodyChunks++;
    record.audioBytes = meter.bytes;
    record.audioSeconds = meter.seconds;
    if (dropAt !== undefined && meter.bytes >= dropAt && record.closedBy === undefined) {
      record.closedBy = 'server';
      request.socket.destroy();
    }
  });
  request.on('end', () => {
    if (stall || record.closedBy !== undefined) return;
    const undecodable = params.encoding === undefined && (meter.undecodable || meter.bytes < SNIFF_BYTES);
    if (undecodable || meter.bytes === 0) {
      const refused = refusal(400, undefined, record.requestId);
      send(refused.status, refused.body, refused.errorText);
      record.rejectedWith = 400;
      return;
    }
    const body = prerecordedResponse(
      setup.script,
      {
        requestId: record.requestId,
        sha256: meter.sha256,
        created: new Date(record.openedAt).toISOString(),
        durationSec: meter.seconds,
        modelInfo: params.modelInfo,
      },
      {
        punctuated: params.punctuated,
        diarize: params.diarize,
        channels: meter.channels,
        multichannel: params.multichannel,
        utterances: record.query.get('utterances') === 'true',
        uttSplitSec,
        // smart_format turns paragraphs on, as the fixture (smart_format=true only) shows.
        paragraphs: record.query.get('paragraphs') === 'true' || record.query.get('smart_format') === 'true',
      },
    );
    if (fault?.answer === undefined) setTimeout(() => send(200, body), setup.delayMs);
    else {
      record.responseStatus = 200;
      response.writeHead(200, { 'content-type': 'application/json', 'dg-request-id': record.requestId });
      response.end(fault.answer);
    }
  });
}
