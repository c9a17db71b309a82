import { DeepgramConnection, type ConnectionOptions } from '../../src/stream/connection.js';
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
      reconnected: ({ attempt, offsetSeconds, replayedSeconds }) => log.push(`reconnected ${attempt}: offset ${offsetSeconds} s, replayed ${replayedSeconds} s`),
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
