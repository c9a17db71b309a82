import { PassThrough } from 'node:stream';
import type { Context, StopSignal } from '../../src/context.js';
import type { LiveProtocol } from '../../src/deepgram/protocol.js';
import type { TranscribeError } from '../../src/errors.js';
import type { TranscriptOutput } from '../../src/output/transcript-output.js';
import { DeepgramConnection, type ConnectionOptions } from '../../src/stream/connection.js';
import { runStream, type StreamSteering } from '../../src/stream/run-stream.js';
import type { Renderer } from '../../src/terminal/renderer.js';
import { FakeClock } from './fake-clock.js';
import { FakeDeepgram } from './fake-deepgram.js';

export const BYTES_PER_SECOND = 32000;
/** 50 ms of 16 kHz mono silence: one frame as runStream sends it. */
export const FRAME = Buffer.alloc(BYTES_PER_SECOND / 20);

/** A DeepgramConnection on a fake clock and a fake server, with everything it reports written to `log`. */
export async function openConnection(options: Partial<ConnectionOptions> = {}, server = new FakeDeepgram()) {
  const clock = new FakeClock();
  const log: string[] = [];
  const connection = await DeepgramConnection.open(
    {
      session: { url: 'ws://127.0.0.1:1/v1/listen' },
      factory: server.factory,
      format: { sampleRate: 16000, channels: 1 },
      bufferSeconds: 60,
      reconnectTimeoutMs: 120_000,
      live: false,
      random: () => 0.5,
      clock,
      ...options,
    },
    {
      heard: (heard) => (heard.kind === 'words' ? heard.final && log.push(`final ${heard.end}`) : heard.kind !== 'confirmed' && log.push(heard.kind)),
      reconnecting: (attempt, why) => log.push(`reconnecting ${attempt}${why ? `: ${why}` : ''}`),
      reconnected: ({ attempt, offsetSeconds, replayedSeconds }) =>
        log.push(`reconnected ${attempt}: offset ${offsetSeconds} s, replayed ${replayedSeconds} s`),
      gap: (seconds) => log.push(`gap ${seconds} s`),
    },
  );
  let failure: string | undefined;
  void connection.failed.then((error) => (failure = `${error.message} (exit ${error.exitCode})`));
  return { connection, clock, server, log, failure: () => failure };
}

/** Sends `seconds` of audio as a file would (waiting when told to), without pacing. */
export async function sendAudio(connection: DeepgramConnection, seconds: number): Promise<void> {
  for (let i = 0; i < Math.round(seconds * 20); i++) await connection.send(FRAME);
}

/**
 * A runStream on a fake clock and fake server: what it wrote, noticed and returned. `microphone`: one frame
 * every 50 ms of fake time (as a recorder gives them) until the seconds run out or the source is stopped;
 * `steering` is made with the run's output and that stop.
 */
export function startStream(
  options: {
    seconds: number;
    live?: boolean;
    speed?: number;
    reconnectTimeoutMs?: number;
    bufferSeconds?: number;
    microphone?: boolean;
    /** The frame's samples (default silence). */
    frame?: (index: number) => Buffer;
    steering?: (run: { output: TranscriptOutput; stopSource: () => void }) => StreamSteering;
    /** The engine's protocol (default v1). */
    protocol?: LiveProtocol;
  },
  server = new FakeDeepgram(),
) {
  const clock = new FakeClock();
  const notices: string[] = [];
  const events: string[] = [];
  let signal: ((name: StopSignal) => void) | undefined;
  const stderr = new PassThrough();
  stderr.on('data', (chunk: Buffer) => notices.push(...chunk.toString().trimEnd().split('\n')));
  const context: Context = {
    stdin: new PassThrough(),
    stdout: new PassThrough(),
    stderr,
    env: {},
    clock,
    connect: server.factory,
    onSignal(listener) {
      signal = listener;
      return () => (signal = undefined);
    },
    verbose: false,
    color: false,
  };
  const record =
    (type: string) =>
    (...args: unknown[]) =>
      events.push(`${type} ${JSON.stringify(args)}`);
  const output: TranscriptOutput = {
    open: () => events.push('open'),
    interim: () => {},
    final: (utterance) => events.push(`final ${utterance.text}`),
    utteranceEnd: () => {},
    speechStarted: () => {},
    metadata: (message) => events.push(`metadata ${message.duration}`),
    reconnect: record('reconnect'),
    gap: record('gap'),
    pause: record('pause'),
    resume: record('resume'),
    mark: record('mark'),
    turn: (turn) => events.push(`turn ${turn.phase} ${turn.index}${turn.trigger ? ` ${turn.trigger}` : ''}`),
    close: (info) => events.push(`close ${info.exitCode} ${info.reason}`),
    readerGone: new Promise(() => {}),
  };
  const renderer: Renderer = {
    startSpinner: async () => {},
    stopSpinner: () => {},
    spinnerText: () => {},
    interim: () => {},
    clearInterim: () => {},
    progress: () => {},
    notice: (text) => notices.push(text),
    status: (text) => notices.push(text),
    dispose: () => {},
  };
  let sourceStopped = false;
  const stopSource = () => void (sourceStopped = true);
  async function* pcm() {
    for (let i = 0; i < options.seconds * 20 && !sourceStopped; i++) {
      if (options.microphone) await clock.sleep(50);
      if (!sourceStopped) yield options.frame?.(i) ?? FRAME;
    }
  }
  const result: Promise<number | string> = runStream(context, {
    url: 'ws://127.0.0.1:1/v1/listen',
    source: {
      format: { sampleRate: 16000, channels: 1 },
      pcm: pcm(),
      warnings: [],
      stop: stopSource,
      live: options.live ?? false,
      pace: options.speed ?? Number.POSITIVE_INFINITY,
    },
    output,
    renderer,
    replayBufferSeconds: options.bufferSeconds ?? 60,
    reconnectTimeoutMs: options.reconnectTimeoutMs ?? 120_000,
    ...(options.steering ? { steering: options.steering({ output, stopSource }) } : {}),
    ...(options.protocol ? { protocol: options.protocol } : {}),
  }).catch((error: TranscribeError) => `${error.message} (exit ${error.exitCode})`);
  let outcome: number | string | undefined;
  void result.then((value) => (outcome = value));
  return { clock, server, notices, events, result, outcome: () => outcome, signal: (name: StopSignal) => signal?.(name) };
}
