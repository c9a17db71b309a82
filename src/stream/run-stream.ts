import type { AudioSource } from '../audio/source.js';
import { audioSeconds, frameBytes, BYTES_PER_SAMPLE } from '../audio/format.js';
import { Framer } from '../audio/framer.js';
import { Pacer } from '../audio/pacer.js';
import { log, type Context } from '../context.js';
import type { KeyDescription } from '../deepgram/handshake-errors.js';
import { LiveSession } from '../deepgram/session.js';
import { ExitCode, exitCodeOf, type ExitCodeValue } from '../errors.js';
import type { TranscriptOutput } from '../output/transcript-output.js';
import type { Renderer } from '../terminal/renderer.js';
import { TranscriptModel, type TranscriptEvent } from '../transcript/model.js';
import { closeError } from './close-error.js';

export interface StreamJob {
  url: string;
  apiKey?: string;
  key?: KeyDescription;
  source: AudioSource;
  /** Infinity: no pacing. */
  speed: number;
  output: TranscriptOutput;
  renderer: Renderer;
  /** Sees every chunk of captured audio (the live silence guard). */
  onAudio?: (chunk: Buffer) => void;
  /** Sees every frame as it is sent (`--save-audio`). */
  onFrame?: (frame: Buffer) => void;
}

const FRAME_MS = 50;
const CLOSE_TIMEOUT_MS = 10_000;
const INTERRUPT_CLOSE_TIMEOUT_MS = 1_500;

/**
 * The pipeline: PCM source -> frames -> pacer -> Deepgram session -> transcript model -> sink and
 * terminal. Every finished utterance is written as soon as it completes, so an error or Ctrl+C never loses one.
 */
export async function runStream(context: Context, job: StreamJob): Promise<ExitCodeValue> {
  const sent = { seconds: 0 };
  let closed = false;
  const close = (exitCode: number, reason: string) => {
    if (!closed) job.output.close({ exitCode, reason, audioSeconds: sent.seconds });
    closed = true;
  };
  try {
    const code = await stream(context, job, sent);
    close(code, code === ExitCode.interrupted ? 'interrupted' : 'end');
    return code;
  } catch (error) {
    close(exitCodeOf(error), error instanceof Error ? error.message : String(error));
    throw error;
  }
}

async function stream(context: Context, job: StreamJob, sent: { seconds: number }): Promise<ExitCodeValue> {
  const { source, output, renderer } = job;
  const model = new TranscriptModel();
  let unknownMessages = 0;
  let stopRequested: ((reason: 'interrupt' | 'reader-gone' | 'dropped') => void) | undefined;
  const stopped = new Promise<'interrupt' | 'reader-gone' | 'dropped'>((resolve) => (stopRequested = resolve));
  void output.readerGone.then(() => stopRequested?.('reader-gone'));
  let interrupts = 0;
  let forceStop: (() => void) | undefined;
  const forced = new Promise<undefined>((resolve) => (forceStop = () => resolve(undefined)));
  let dropped: { code: number; reason: string } | undefined;
  let closing = false;
  let metadataSeen = false;

  const show = (events: TranscriptEvent[]) => {
    for (const event of events) {
      if (event.type === 'interim') {
        renderer.interim(event.text);
        output.interim(event.channel, event.text);
      } else {
        renderer.clearInterim();
        output.final(event.utterance);
      }
    }
  };
  const unsubscribe = context.onSignal(() => {
    interrupts += 1;
    stopRequested?.('interrupt');
    if (interrupts > 1) forceStop?.(); // second Ctrl+C: stop waiting for Deepgram
  });
  let session: LiveSession | undefined;
  try {
    await renderer.startSpinner('Connecting to Deepgram…');
    log(context, `connecting to ${job.url}`);
    const opening = LiveSession.open(
      { url: job.url, ...(job.apiKey ? { apiKey: job.apiKey } : {}), ...(job.key ? { key: job.key } : {}) },
      {
        onMessage(message) {
          if (message.kind === 'unknown') {
            unknownMessages += 1;
            log(context, `ignored a message Deepgram sent: ${message.text.slice(0, 200)}`);
          } else if (message.kind === 'metadata') {
            metadataSeen = true;
            log(context, `request ${message.message.request_id}: ${message.message.duration} s of audio`);
            output.metadata(message.message);
          }
          show(model.apply(message));
          // After the model, so that the utterance it ends is written first.
          if (message.kind === 'utterance-end') output.utteranceEnd(message.message.channel[0] ?? 0, message.message.last_word_end);
          if (message.kind === 'speech-started') output.speechStarted(message.message.channel[0] ?? 0, message.message.timestamp);
        },
        onClose(code, reason) {
          if (closing) return;
          dropped = { code, reason };
          stopRequested?.('dropped');
        },
      },
      context.connect,
    );
    session = await Promise.race([opening, stopped.then(() => undefined)]);
    if (!session) {
      void opening.then((late) => late.abort(), () => {});
      return ExitCode.interrupted; // Ctrl+C while connecting: nothing was heard yet
    }
    renderer.stopSpinner();
    output.open({ ...(session.requestId ? { requestId: session.requestId } : {}), startedAt: new Date() });
    let audioError: unknown;
    // A failing source (a decoder dying mid-file) still closes the session cleanly so its last words arrive.
    const pump = pumpAudio(job, session, context, sent).then(
      () => 'ended' as const,
      (error: unknown) => ((audioError = error), 'ended' as const),
    );
    const outcome = await Promise.race([pump, stopped]);
    const sourceStopped = source.stop(); // a recorder stops while Deepgram finishes
    if (outcome === 'reader-gone') return ExitCode.ok;
    if (outcome !== 'dropped') {
      closing = true;
      const timeout = outcome === 'interrupt' ? INTERRUPT_CLOSE_TIMEOUT_MS : CLOSE_TIMEOUT_MS;
      if (outcome === 'interrupt') session.finalize(); // flush what Deepgram has heard, then close
      const closed = await Promise.race([session.closeStream(timeout), forced]);
      if (closed?.timedOut) renderer.notice(`transcribe: Deepgram did not finish within ${timeout / 1000} s; the last words may be missing`);
      // Closed for a reason of its own before it finished (bad audio, a server fault): not a clean end.
      else if (closed && closed.code !== 1000 && !metadataSeen) dropped = closed;
    }
    await sourceStopped;
    show(model.flush());
    if (audioError) throw audioError;
    if (dropped) throw closeError(dropped.code, dropped.reason);
    if (unknownMessages) log(context, `${unknownMessages} unrecognised message(s) ignored`);
    return outcome === 'interrupt' ? ExitCode.interrupted : ExitCode.ok;
  } finally {
    unsubscribe();
    show(model.flush());
    renderer.dispose();
    session?.abort();
    await source.stop(); // no recorder or decoder outlives us
  }
}

/** Reads, frames, paces and sends; resolves when the source ends. Frames are 50 ms: inside Deepgram's 20-100 ms. */
async function pumpAudio({ source, speed, onAudio, onFrame }: StreamJob, session: LiveSession, context: Context, sent: { seconds: number }): Promise<void> {
  const { format } = source;
  const framer = new Framer(frameBytes(format, FRAME_MS), format.channels * BYTES_PER_SAMPLE);
  const pacer = new Pacer(speed, context.clock);
  const send = async (frame: Buffer) => {
    const seconds = audioSeconds(frame.length, format);
    await pacer.beforeFrame(seconds);
    if (!session.accepting) return;
    onFrame?.(frame);
    sent.seconds += seconds;
    await session.send(frame);
  };
  for await (const chunk of source.pcm) {
    onAudio?.(chunk);
    for (const frame of framer.push(chunk)) await send(frame);
    if (!session.isOpen) return;
  }
  const last = framer.flush();
  if (last) await send(last);
}
