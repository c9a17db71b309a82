import type { AudioSource } from '../audio/source.js';
import { audioSeconds, frameBytes, BYTES_PER_SAMPLE } from '../audio/format.js';
import { forEachChunk } from '../audio/chunk-queue.js';
import { Framer } from '../audio/framer.js';
import { Pacer } from '../audio/pacer.js';
import { log, type Context } from '../context.js';
import type { KeyDescription } from '../deepgram/handshake-errors.js';
import type { LiveProtocol } from '../deepgram/protocol.js';
import { ExitCode, exitCodeOf, NetworkError, type ExitCodeValue } from '../errors.js';
import type { TranscriptOutput } from '../output/transcript-output.js';
import type { Renderer } from '../terminal/renderer.js';
import { TranscriptModel, type TranscriptEvent, type Utterance } from '../transcript/model.js';
import { closeError } from './close-error.js';
import { withheld } from './closing.js';
import { DeepgramConnection, STILL_RECONNECTING, type ConnectionEvents } from './connection.js';
import { displayUrl } from '../display-url.js';

export interface StreamJob {
  url: string;
  /** The engine's wire protocol (default: Deepgram live v1). */
  protocol?: LiveProtocol;
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
  /** A live source (microphone, or not a file) keeps producing while reconnecting. */
  live: boolean;
  replayBufferSeconds: number;
  /** 0: no reconnection. */
  reconnectTimeoutMs: number;
  /** false: a busy service (429, 5xx) at the first connection is thrown at once, not retried. */
  retryOpen?: boolean;
  /** Pause, marks, stop conditions, the status line of a live session (src/stream/steering.ts). */
  steering?: StreamSteering;
}

/** What runStream tells a steered session, and asks it. */
export interface StreamSteering {
  /** Every frame before it is sent, with the seconds sent so far: held back (paused, or stopping), or sent as silence (paused on Flux). */
  admit(frame: Buffer, seconds: number, sentSeconds: number): 'send' | 'silence' | 'hold';
  /** Seconds of audio sent -> seconds on the session timeline (a pause's time passes on it). */
  timeline(sentSeconds: number): number;
  connected(control: { finalize(): void }): void;
  final(utterance: Utterance): void;
  reconnecting(down: boolean): void;
}

const FRAME_MS = 50;
const CLOSE_TIMEOUT_MS = 10_000;
const INTERRUPT_CLOSE_TIMEOUT_MS = 1_500;
/** Deepgram's limit on speed (about 1.25x real time), which a live source's replay keeps to. */
const LIVE_REPLAY_SPEED = 1.25;

/**
 * The pipeline: PCM source -> frames -> pacer -> Deepgram session -> transcript model -> sink and
 * terminal. Every finished utterance is written as soon as it completes, so an error or Ctrl+C never loses one.
 */
export async function runStream(context: Context, job: StreamJob): Promise<ExitCodeValue> {
  const sent = { seconds: 0 };
  let closed = false;
  const close = (exitCode: number, reason: string) => {
    if (closed) return;
    closed = true;
    job.output.close({ exitCode, reason, audioSeconds: sent.seconds });
  };
  let code: ExitCodeValue;
  try {
    code = await stream(context, job, sent);
  } catch (error) {
    // The run's own error stands: one from closing the output is only reported.
    withheld(context, () => close(exitCodeOf(error), error instanceof Error ? error.message : String(error)));
    throw error;
  }
  const finish = () => close(code, code === ExitCode.interrupted || code === ExitCode.hangup ? 'interrupted' : 'end');
  if (code === ExitCode.ok) finish();
  else withheld(context, finish);
  return code;
}

async function stream(context: Context, job: StreamJob, sent: { seconds: number }): Promise<ExitCodeValue> {
  const { source, output, renderer } = job;
  const steering = job.steering;
  const model = new TranscriptModel(0, steering ? (seconds) => steering.timeline(seconds) : undefined);
  let unknownMessages = 0;
  let stopRequested: ((reason: 'interrupt' | 'reader-gone') => void) | undefined;
  const stopped = new Promise<'interrupt' | 'reader-gone'>((resolve) => (stopRequested = resolve));
  output.readerGone.then(
    () => stopRequested?.('reader-gone'),
    () => {}, // never rejects: a reader that goes away is the only news it carries
  );
  let interrupts = 0;
  let stopCode: ExitCodeValue = ExitCode.interrupted;
  let forceStop: (() => void) | undefined;
  const forced = new Promise<undefined>((resolve) => (forceStop = () => resolve(undefined)));

  const show = (events: TranscriptEvent[]) => {
    for (const event of events) {
      if (event.type === 'interim') {
        renderer.interim(event.text, event.tentative === true);
        output.interim(event.channel, event.text);
      } else if (event.type === 'turn') {
        output.turn?.(event.turn);
      } else {
        renderer.clearInterim();
        output.final(event.utterance);
        steering?.final(event.utterance);
      }
    }
  };
  const events: ConnectionEvents = {
    heard(heard) {
      if (heard.kind === 'unknown') {
        unknownMessages += 1;
        log(context, `ignored a message Deepgram sent (${heard.reason}): ${heard.text}`);
      } else if (heard.kind === 'failure') {
        log(context, `Deepgram reported an error: ${heard.code}${heard.description ? `: ${heard.description}` : ''}`);
      } else if (heard.kind === 'metadata') {
        // Metadata is a connection's last word: what it finalized is complete, and is written before the metadata.
        show(model.flush());
        log(context, `request ${heard.requestId}: ${heard.duration} s of audio`);
        // Deepgram counts the last connection's audio: on the session timeline it is the whole run's.
        const { kind: _kind, ...metadata } = heard;
        output.metadata({ ...metadata, duration: model.onTimeline(heard.duration) });
      }
      show(model.apply(heard));
      // After the model, so that the utterance it ends is written first; times on the session timeline.
      if (heard.kind === 'utterance-end') output.utteranceEnd(heard.channel, heard.lastWordEnd === undefined ? -1 : model.onTimeline(heard.lastWordEnd));
      if (heard.kind === 'speech-started') output.speechStarted(heard.channel, model.onTimeline(heard.at));
    },
    reconnecting(attempt, why) {
      steering?.reconnecting(true);
      renderer.status(`transcribe: ${why ? `${why}; ` : ''}reconnecting (attempt ${attempt})...`);
    },
    reconnected({ attempt, offsetSeconds, replayedSeconds, downSeconds }) {
      model.setOffset(offsetSeconds);
      steering?.reconnecting(false);
      renderer.status(`transcribe: reconnected after ${downSeconds.toFixed(1)} s; replayed ${replayedSeconds.toFixed(1)} s of audio`);
      output.reconnect(attempt, offsetSeconds, replayedSeconds);
    },
    gap(seconds) {
      renderer.notice(`transcribe: warning: ${seconds.toFixed(1)} s of audio did not fit in the replay buffer while disconnected and will not be transcribed`);
      output.gap(seconds);
    },
  };
  const unsubscribe = context.onSignal((signal) => {
    interrupts += 1;
    if (interrupts === 1 && signal === 'SIGHUP') stopCode = ExitCode.hangup; // the terminal is gone: end like SIGTERM
    stopRequested?.('interrupt');
    connection?.interrupt(INTERRUPT_CLOSE_TIMEOUT_MS); // also when the source had already ended
    if (interrupts > 1) forceStop?.(); // second Ctrl+C: stop waiting for Deepgram
  });
  let connection: DeepgramConnection | undefined;
  try {
    await renderer.startSpinner('Connecting to Deepgram…');
    log(context, `connecting to ${displayUrl(job.url)}`);
    const opening = DeepgramConnection.open(
      {
        session: {
          url: job.url,
          ...(job.apiKey ? { apiKey: job.apiKey } : {}),
          ...(job.key ? { key: job.key } : {}),
          ...(job.protocol ? { protocol: job.protocol } : {}),
        },
        factory: context.connect,
        format: source.format,
        bufferSeconds: job.replayBufferSeconds,
        reconnectTimeoutMs: job.reconnectTimeoutMs,
        ...(job.retryOpen === undefined ? {} : { retryOpen: job.retryOpen }),
        live: job.live,
        // A file's replay at its own --speed (max: unpaced); a live source's at Deepgram's limit, or --speed if faster.
        paceSpeed: job.live ? Math.max(LIVE_REPLAY_SPEED, Number.isFinite(job.speed) ? job.speed : 0) : job.speed,
        clock: context.clock,
      },
      events,
    );
    connection = await Promise.race([opening, stopped.then(() => undefined)]);
    if (!connection) {
      void opening.then(
        (late) => late.abort(),
        () => {},
      );
      return stopCode; // Ctrl+C while connecting: nothing was heard yet
    }
    renderer.stopSpinner();
    const live = connection;
    steering?.connected({ finalize: () => live.finalize() });
    output.open({ ...(connection.requestId ? { requestId: connection.requestId } : {}), startedAt: new Date() });
    let audioError: Error | undefined;
    // A failing source (a decoder dying mid-file) still closes the session cleanly so its last words arrive.
    const pump = pumpAudio(job, connection, context, sent).then(
      () => 'ended' as const,
      (error: unknown) => ((audioError = error instanceof Error ? error : new Error(String(error))), 'ended' as const),
    );
    const failed = connection.failed.then((error) => ({ failed: error }));
    const outcome = await Promise.race([pump, stopped, failed]);
    const sourceStopped = source.stop(); // a recorder stops while Deepgram finishes
    if (outcome === 'reader-gone') return ExitCode.ok;
    if (typeof outcome === 'object') {
      await sourceStopped;
      show(model.flush());
      throw outcome.failed;
    }
    const timeout = outcome === 'interrupt' ? INTERRUPT_CLOSE_TIMEOUT_MS : CLOSE_TIMEOUT_MS;
    if (outcome === 'interrupt') connection.finalize(); // flush what Deepgram has heard, then close
    const closed = await Promise.race([connection.closeStream(timeout, outcome !== 'interrupt'), forced, failed]);
    if (closed && 'failed' in closed) throw closed.failed;
    if (connection.failure) throw connection.failure; // gave up while closing (reconnect budget spent)
    // A stop during the close cut the wait to the grace: say so, and the stop decides the exit code.
    const waited = interrupts > 0 ? INTERRUPT_CLOSE_TIMEOUT_MS : timeout;
    const reconnecting = closed?.timedOut && closed.reason === STILL_RECONNECTING;
    const unfinished = closed?.timedOut && !reconnecting ? `Deepgram did not finish within ${waited / 1000} s; the last words may be missing` : undefined;
    if (reconnecting) renderer.notice('transcribe: stopped while reconnecting; the audio after the last line was not transcribed');
    else if (unfinished && interrupts > 0) renderer.notice(`transcribe: ${unfinished}`);
    await sourceStopped;
    show(model.flush());
    if (audioError) throw audioError;
    if (unfinished && interrupts === 0) throw new NetworkError(unfinished, 'try again; if it persists, check status.deepgram.com');
    // Closed for a reason of its own before it finished (bad audio, a server fault): not a clean end.
    if (closed && !closed.timedOut && closed.code !== 1000 && !connection.finished) throw closeError(closed.code, closed.reason, closed.local);
    if (unknownMessages) log(context, `${unknownMessages} unrecognised message(s) ignored`);
    return outcome === 'interrupt' || interrupts > 0 ? stopCode : ExitCode.ok;
  } finally {
    unsubscribe();
    show(model.flush());
    renderer.dispose();
    connection?.abort();
    await source.stop(); // no recorder or decoder outlives us
  }
}

/** Reads, frames, paces and sends; resolves when the source ends. Frames are 50 ms: inside Deepgram's 20-100 ms. */
async function pumpAudio(job: StreamJob, connection: DeepgramConnection, context: Context, sent: { seconds: number }): Promise<void> {
  const { source, speed, onAudio, onFrame } = job;
  const { format } = source;
  const progress = longJobProgress(job, context);
  const framer = new Framer(frameBytes(format, FRAME_MS), format.channels * BYTES_PER_SAMPLE);
  const pacer = new Pacer(speed, context.clock);
  const deliver = (frame: Buffer, seconds: number): Promise<void> | undefined => {
    // A frame that comes out of the pacer after a stop is not sent, so not saved either (--save-audio is what was sent).
    if (!connection.takingAudio) return undefined;
    const admission = job.steering ? job.steering.admit(frame, seconds, sent.seconds) : 'send';
    if (admission === 'hold') return undefined;
    const out = admission === 'silence' ? Buffer.alloc(frame.length) : frame;
    onFrame?.(out);
    sent.seconds += seconds;
    progress?.(sent.seconds);
    return connection.send(out);
  };
  // A promise only when there is something to wait for (pacing, a full buffer): live audio at
  // 20 frames a second makes none, and goes out inside the recorder's 'data' event.
  const send = (frame: Buffer): Promise<void> | undefined => {
    const seconds = audioSeconds(frame.length, format);
    const delay = pacer.reserve(seconds);
    return delay > 0 ? context.clock.sleep(delay).then(() => deliver(frame, seconds)) : deliver(frame, seconds);
  };
  /** Sends frames[from..] in order; a promise only once one of them has to wait. */
  const sendFrames = (frames: Buffer[], from = 0): Promise<void> | undefined => {
    for (let i = from; i < frames.length; i++) {
      const waiting = send(frames[i]!);
      if (waiting) return waiting.then(() => sendFrames(frames, i + 1));
    }
    return undefined;
  };
  await forEachChunk(source.pcm, (chunk) => {
    onAudio?.(chunk);
    return sendFrames(framer.push(chunk));
  });
  const last = framer.flush();
  if (last) await send(last);
}

const LONG_JOB_SECONDS = 120;

/** On a terminal, a long file shows how far it is, about once a second. */
function longJobProgress({ source, speed, renderer }: StreamJob, context: Context): ((seconds: number) => void) | undefined {
  const total = source.totalSeconds;
  if (total === undefined || total <= LONG_JOB_SECONDS || !Number.isFinite(speed)) return undefined;
  const started = context.clock.now();
  let shownAt = -Infinity;
  return (seconds) => {
    const now = context.clock.now();
    if (now - shownAt < 1000) return;
    shownAt = now;
    renderer.progress(`${clock(seconds)}/${clock(total)} elapsed ${clock((now - started) / 1000)}`);
  };
}

function clock(seconds: number): string {
  const whole = Math.floor(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
