import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { which } from '../audio/which.js';
import { fileInfo, readHead, refuseTerminalStdin } from '../audio/input-file.js';
import { sniff, SNIFF_BYTES } from '../audio/sniff.js';
import { openAudioSource } from '../audio/source.js';
import type { Context } from '../context.js';
import { transcribeBatch, type PrerecordedParagraph, type PrerecordedResponse, type PrerecordedWord } from '../deepgram/batch.js';
import type { KeyDescription } from '../deepgram/handshake-errors.js';
import { batchUrl, type BatchUnits } from '../deepgram/query.js';
import { AudioSourceError, ExitCode, exitCodeOf, UsageError, type ExitCodeValue } from '../errors.js';
import { createOutput } from '../output/create-output.js';
import type { Slot } from '../many/queue.js';
import type { Settings } from '../settings/options.js';
import { createRenderer } from '../terminal/renderer.js';
import type { Utterance, Word } from '../transcript/model.js';

export type BatchOptions = BatchUnits;

const ANSWER_TIMEOUT_MS = 10 * 60_000;

/** Files up to this size are read in one buffer (the upload's, and the sniff's). */
const WHOLE_BYTES = 256 * 1024;

/**
 * Bytes per read of the upload: 256 KiB, or the whole file when it is smaller. Each read allocates
 * that much first, so a 32 KB file read in 256 KiB would leave 224 KiB of garbage outside the
 * JavaScript heap, which the collector sees late: with 64 files in flight, tens of MB of RSS.
 */
export const readSize = (size: number | undefined): number => Math.min(WHOLE_BYTES, size ?? Infinity);

/** `transcribe file <path> --batch`: Deepgram's pre-recorded API, same options and output formats. */
export async function runBatch(
  context: Context,
  path: string,
  settings: Settings,
  auth: { apiKey?: string; key?: KeyDescription },
  options: BatchOptions,
  /** Sees Deepgram's answer (a queue of files counts its audio). */
  onAnswer?: (response: PrerecordedResponse) => void,
  /** A file of many: its request waits for a slot, which is given back once the answer is in. */
  slot?: Slot,
): Promise<ExitCodeValue> {
  if (settings.saveAudio) throw new UsageError('--save-audio keeps the audio sent while streaming; it does not apply to --batch', 'drop one of them');
  const fromStdin = path === '-';
  if (fromStdin) refuseTerminalStdin(context.stdin);
  const info = fromStdin ? undefined : await fileInfo(path);
  const size = info?.regular ? info.size : undefined; // a FIFO or <(cmd) is uploaded as a stream, like stdin
  if (size === 0) throw new AudioSourceError(`${path} is empty: there is no audio to transcribe`, 'check the file');
  if (settings.encoding && !settings.sampleRate) throw new UsageError('raw PCM needs its sample rate', 'add --sample-rate <hz> [--channels <n>]');
  // A small file is read whole, once: the upload then needs no file access after its slot is free.
  const whole = size !== undefined && size <= WHOLE_BYTES ? await readHead(path, size) : undefined;
  if (size !== undefined) {
    const head = whole ?? (await readHead(path, SNIFF_BYTES)); // an unreadable file fails here, as a sentence, not mid-upload
    if (!settings.encoding) await refuseNotAudio(context, path, head.subarray(0, SNIFF_BYTES));
  }
  const raw = settings.encoding ? { sampleRate: settings.sampleRate!, channels: settings.channels ?? 1 } : undefined;
  await slot?.ready(); // prepared: the request waits only for its slot
  const body: Readable = fromStdin
    ? (context.stdin as Readable)
    : whole
      ? Readable.from([whole], { objectMode: false })
      : createReadStream(path, { highWaterMark: readSize(size) });
  const transcript = createOutput(context, settings, { command: 'file', mode: 'batch', source: path });
  const renderer = await createRenderer(context.stderr, context.color, context.env.TERM);
  const megabytes = (bytes: number) => (bytes / 1e6).toFixed(1);
  let lastShown = 0;
  try {
    await renderer.startSpinner('Uploading…');
    const response = await transcribeBatch({
      url: batchUrl(settings, raw, options),
      ...auth,
      body,
      contentType: raw ? 'application/octet-stream' : 'audio/*',
      ...(size === undefined ? {} : { size }),
      timeoutMs: ANSWER_TIMEOUT_MS,
      onProgress(sent) {
        if (performance.now() - lastShown < 100 && sent !== size) return;
        lastShown = performance.now();
        const total = size === undefined ? '' : ` / ${megabytes(size)} MB (${Math.floor((sent / size) * 100)}%)`;
        renderer.spinnerText(sent === size ? 'Deepgram is transcribing…' : `Uploading ${megabytes(sent)}${total}`);
      },
    }).finally(() => slot?.answered());
    renderer.stopSpinner();
    onAnswer?.(response);
    const { output } = transcript;
    output.open({ requestId: response.metadata.request_id, startedAt: new Date() });
    for (const unit of options.paragraphs ? paragraphsOf(response) : utterancesOf(response)) output.final(unit);
    const { request_id: requestId, duration, channels, models } = response.metadata;
    output.metadata({ requestId, duration, channels, ...(models ? { models } : {}) });
    output.close({ exitCode: ExitCode.ok, reason: 'end', audioSeconds: response.metadata.duration });
    return ExitCode.ok;
  } catch (error) {
    transcript.output.close({ exitCode: exitCodeOf(error), reason: error instanceof Error ? error.message : String(error), audioSeconds: 0 });
    throw error;
  } finally {
    renderer.dispose();
    transcript.dispose();
  }
}

/**
 * A file no signature says is audio (a README, random bytes) is refused here, with the same words
 * streaming uses, instead of after an upload: the local decoder tries it. Recognised audio is not
 * decoded, and without a decoder Deepgram decides.
 */
async function refuseNotAudio(context: Context, path: string, head: Buffer): Promise<void> {
  if (sniff(head).kind !== 'unknown' || !(which('ffmpeg', context.env) || which('sox', context.env))) return;
  const source = await openAudioSource(path, {}, context);
  await source.stop();
}

function wordsOf(words: PrerecordedWord[]): Word[] {
  return words.map((word) => ({
    text: word.punctuated_word ?? word.word,
    start: word.start,
    end: word.end,
    confidence: word.confidence,
    ...(word.speaker === undefined ? {} : { speaker: word.speaker }),
  }));
}

/** Deepgram's utterances, in time order: the same units streaming produces. */
export function utterancesOf(response: PrerecordedResponse): Utterance[] {
  return (response.results.utterances ?? [])
    .map((utterance) => ({
      text: utterance.transcript,
      start: utterance.start,
      end: utterance.end,
      channel: utterance.channel,
      confidence: utterance.confidence,
      words: wordsOf(utterance.words),
    }))
    .sort((a, b) => a.start - b.start || a.channel - b.channel);
}

/** `--paragraphs`: one unit per paragraph of each channel, its words taken from that channel. */
export function paragraphsOf(response: PrerecordedResponse): Utterance[] {
  const units = response.results.channels.flatMap((channel, index) => {
    const alternative = channel.alternatives[0];
    const words = wordsOf(alternative?.words ?? []);
    return (alternative?.paragraphs?.paragraphs ?? []).map((paragraph: PrerecordedParagraph) => {
      const inside = words.filter((word) => word.start >= paragraph.start - 0.001 && word.end <= paragraph.end + 0.001);
      const confidence = inside.length ? inside.reduce((sum, word) => sum + word.confidence, 0) / inside.length : 0;
      const text = paragraph.sentences.map((sentence) => sentence.text).join(' ');
      return { text, start: paragraph.start, end: paragraph.end, channel: index, confidence, words: inside };
    });
  });
  return units.sort((a, b) => a.start - b.start || a.channel - b.channel);
}
