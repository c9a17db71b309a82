import type { AudioSource } from '../audio/audio-source.js';
import { log, type Context } from '../context.js';
import type { KeyDescription } from '../deepgram/handshake-errors.js';
import type { LiveProtocol } from '../deepgram/protocol.js';
import { ExitCode, exitCodeOf, NetworkError, type ExitCodeValue } from '../errors.js';
import type { TranscriptOutput } from '../output/transcript-output.js';
import { dispatch } from './dispatch.js';
import { pumpAudio } from './pump.js';
import { Stops } from './stops.js';
import type { Renderer } from '../terminal/renderer.js';
import { TranscriptModel, type Utterance } from '../transcript/model.js';
import { closeError } from './close-error.js';
import { withheld } from './closing.js';
import { DeepgramConnection, STILL_RECONNECTING } from './connection.js';
import { displayUrl } from '../display-url.js';

export interface StreamJob {
  url: string;
  /** The engine's wire protocol (default: Deepgram live v1). */
  protocol?: LiveProtocol;
  apiKey?: string;
  key?: KeyDescription;
  source: AudioSource;
  output: TranscriptOutput;
  renderer: Renderer;
  /** Sees every chunk of captured audio (the live silence guard). */
  onAudio?: (chunk: Buffer) => void;
  /** Sees every frame as it is sent (`--save-audio`). */
  onFrame?: (frame: Buffer) => void;
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
  const stops = new Stops(context, output);
  const { show, events, unknownMessages } = dispatch(context, job, model);
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
        live: source.live,
        // A file's replay at its own --speed (max: unpaced); a live source's at Deepgram's limit, or --speed if faster.
        paceSpeed: source.live ? Math.max(LIVE_REPLAY_SPEED, Number.isFinite(source.pace) ? source.pace : 0) : source.pace,
        clock: context.clock,
      },
      events,
    );
    connection = await Promise.race([opening, stops.requested.then(() => undefined)]);
    if (!connection) {
      void opening.then(
        (late) => late.abort(),
        () => {},
      );
      return stops.code; // Ctrl+C while connecting: nothing was heard yet
    }
    renderer.stopSpinner();
    const live = connection;
    stops.onInterrupt(() => live.interrupt(INTERRUPT_CLOSE_TIMEOUT_MS));
    steering?.connected({ finalize: () => live.finalize() });
    output.open({ ...(connection.requestId ? { requestId: connection.requestId } : {}), startedAt: new Date() });
    let audioError: Error | undefined;
    // A failing source (a decoder dying mid-file) still closes the session cleanly so its last words arrive.
    const pump = pumpAudio(job, connection, context, sent).then(
      () => 'ended' as const,
      (error: unknown) => ((audioError = error instanceof Error ? error : new Error(String(error))), 'ended' as const),
    );
    const failed = connection.failed.then((error) => ({ failed: error }));
    const outcome = await Promise.race([pump, stops.requested, failed]);
    const sourceStopped = source.stop(); // a recorder stops while Deepgram finishes
    if (outcome === 'reader-gone') return ExitCode.ok;
    if (typeof outcome === 'object') {
      await sourceStopped;
      show(model.flush());
      throw outcome.failed;
    }
    const timeout = outcome === 'interrupt' ? INTERRUPT_CLOSE_TIMEOUT_MS : CLOSE_TIMEOUT_MS;
    if (outcome === 'interrupt') connection.finalize(); // flush what Deepgram has heard, then close
    const closed = await Promise.race([connection.closeStream(timeout, outcome !== 'interrupt'), stops.forced, failed]);
    if (closed && 'failed' in closed) throw closed.failed;
    if (connection.failure) throw connection.failure; // gave up while closing (reconnect budget spent)
    // A stop during the close cut the wait to the grace: say so, and the stop decides the exit code.
    const waited = stops.interrupts > 0 ? INTERRUPT_CLOSE_TIMEOUT_MS : timeout;
    const reconnecting = closed?.timedOut && closed.reason === STILL_RECONNECTING;
    const unfinished = closed?.timedOut && !reconnecting ? `Deepgram did not finish within ${waited / 1000} s; the last words may be missing` : undefined;
    if (reconnecting) renderer.notice('transcribe: stopped while reconnecting; the audio after the last line was not transcribed');
    else if (unfinished && stops.interrupts > 0) renderer.notice(`transcribe: ${unfinished}`);
    await sourceStopped;
    show(model.flush());
    if (audioError) throw audioError;
    if (unfinished && stops.interrupts === 0) throw new NetworkError(unfinished, 'try again; if it persists, check status.deepgram.com');
    // Closed for a reason of its own before it finished (bad audio, a server fault): not a clean end.
    if (closed && !closed.timedOut && closed.code !== 1000 && !connection.finished) throw closeError(closed.code, closed.reason, closed.local);
    if (unknownMessages()) log(context, `${unknownMessages()} unrecognised message(s) ignored`);
    return outcome === 'interrupt' || stops.interrupts > 0 ? stops.code : ExitCode.ok;
  } finally {
    stops.unsubscribe();
    show(model.flush());
    renderer.dispose();
    connection?.abort();
    await source.stop(); // no recorder or decoder outlives us
  }
}
