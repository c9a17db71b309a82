import { PassThrough } from 'node:stream';
import type { Context, StopSignal } from '../../src/context.js';
import type { TranscribeError } from '../../src/errors.js';
import type { TranscriptOutput } from '../../src/output/transcript-output.js';
import { DeepgramConnection, type ConnectionOptions } from '../../src/stream/connection.js';
import { runStream } from '../../src/stream/run-stream.js';
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
      message: (message) => log.push(message.kind === 'results' ? `final ${message.message.start + message.message.duration}` : message.kind),
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

/** A runStream on a fake clock and fake server: what it wrote, noticed and returned. */
export function startStream(
  options: { seconds: number; live?: boolean; speed?: number; reconnectTimeoutMs?: number; bufferSeconds?: number },
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
  async function* pcm() {
    for (let i = 0; i < options.seconds * 20; i++) yield FRAME;
  }
  const result: Promise<number | string> = runStream(context, {
    url: 'ws://127.0.0.1:1/v1/listen',
    source: { format: { sampleRate: 16000, channels: 1 }, pcm: pcm(), warnings: [], stop: () => {} },
    speed: options.speed ?? Number.POSITIVE_INFINITY,
    output,
    renderer,
    live: options.live ?? false,
    replayBufferSeconds: options.bufferSeconds ?? 60,
    reconnectTimeoutMs: options.reconnectTimeoutMs ?? 120_000,
  }).catch((error: TranscribeError) => `${error.message} (exit ${error.exitCode})`);
  let outcome: number | string | undefined;
  void result.then((value) => (outcome = value));
  return { clock, server, notices, events, result, outcome: () => outcome, signal: (name: StopSignal) => signal?.(name) };
}
