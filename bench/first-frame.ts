// Measure 3: start -> first audio frame at the server. From spawn() of
// `node bin/transcribe.js file samples/hello.wav --speed max` to the arrival of the first binary
// frame at the local server, against bench/ws-client.js (a 25-line `ws` client sending one 50 ms
// frame to the same URL and query) measured the same way. --speed max only shortens the run:
// the pacer never delays the first frame, so time to the first frame is that of the default speed.
// Timestamps: the server runs in this process, so both ends are on one performance.now() clock.
// performance.now() is taken just before spawn(); the arrival is the server's own record,
// frames[0].at (ms since the handshake request), converted with the record's elapsed():
// opened = now() - elapsed(). Resolution: sub-millisecond (performance.now), plus the time
// this otherwise idle event loop takes to run the server's 'message' handler.
// ROUNDS interleaved rounds (alternating which goes first) after WARMUP runs of each.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ConnectionRecord } from '../test/support/deepgram-server/connection-log.js';
import { startDeepgramServer, type DeepgramServer } from '../test/support/deepgram-server/index.js';
import { API_KEY, CLI, cliEnv, fixed, HELLO_WAV, median, mustSucceed, progress, ROOT, run, type Row } from './lib.js';

const ROUNDS = 10;
const WARMUP = 2;
const GOAL = 1.3;
const WS_CLIENT = join(ROOT, 'dist-bench/bench/ws-client.js');

interface Client {
  name: string;
  args: (listenUrl: string) => string[];
}

const ours: Client = { name: 'transcribe', args: () => [CLI, 'file', HELLO_WAV, '--speed', 'max'] };
const baseline: Client = { name: 'ws-client', args: (listenUrl) => [WS_CLIENT, listenUrl, API_KEY] };

interface FirstFrame {
  /** spawn -> first binary frame at the server. */
  ms: number;
  /** spawn -> the WebSocket handshake request at the server (the rest is handshake -> first frame). */
  handshakeMs: number;
  record: ConnectionRecord;
}

/** One run, timed from spawn() to the server's arrival record of the first binary frame. */
async function firstFrame(server: DeepgramServer, client: Client, listenUrl: string): Promise<FirstFrame> {
  const index = server.connections.length;
  let spawnedAt = 0;
  const result = await run('node', client.args(listenUrl), cliEnv(server.url), (at) => (spawnedAt = at));
  mustSucceed(client.name, result);
  await server.waitForClose(index);
  const record = server.connections[index];
  if (!(record instanceof ConnectionRecord)) throw new Error(`${client.name}: connection ${index} has no record`);
  const first = record.frames[0];
  if (!first || first.bytes === 0) throw new Error(`${client.name}: no audio frame arrived`);
  const openedAt = performance.now() - record.elapsed();
  return { ms: openedAt + first.at - spawnedAt, handshakeMs: openedAt - spawnedAt, record };
}

export async function benchFirstFrame(): Promise<{ rows: Row[]; helloFrameBytes: number[] }> {
  const server = await startDeepgramServer({ apiKey: API_KEY });
  try {
    // The CLI's first connection gives the exact URL and query the baseline client reuses.
    const probe = await firstFrame(server, ours, '');
    const listenUrl = `ws://127.0.0.1:${server.port}${probe.record.url}`;
    for (let i = 0; i < WARMUP; i++) for (const client of [ours, baseline]) await firstFrame(server, client, listenUrl);
    const runs = { ours: [] as FirstFrame[], baseline: [] as FirstFrame[] };
    let helloFrameBytes: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (['baseline', 'ours'] as const) : (['ours', 'baseline'] as const);
      for (const which of order) {
        const one = await firstFrame(server, which === 'ours' ? ours : baseline, listenUrl);
        runs[which].push(one);
        if (which === 'ours') helloFrameBytes = one.record.frames.map((frame) => frame.bytes);
      }
      progress(
        `first frame: round ${round + 1}/${ROUNDS}: transcribe ${fixed(runs.ours.at(-1)?.ms ?? 0)} ms, ws-client ${fixed(runs.baseline.at(-1)?.ms ?? 0)} ms`,
      );
    }
    const split = (list: FirstFrame[]): string => {
      const handshake = median(list.map((one) => one.handshakeMs));
      return `${fixed(handshake)} ms to the handshake, then ${fixed(median(list.map((one) => one.ms - one.handshakeMs)))} ms`;
    };
    progress(`first frame: medians: transcribe ${split(runs.ours)}; ws-client ${split(runs.baseline)}`);
    const [base, our] = [median(runs.baseline.map((one) => one.ms)), median(runs.ours.map((one) => one.ms))];
    const row: Row = {
      measure: `start -> first audio frame at server (median of ${ROUNDS})`,
      baseline: `${fixed(base)} ms (ws client)`,
      ours: `${fixed(our)} ms`,
      ratio: `${fixed(our / base, 2)}x`,
      goal: `<= ${GOAL}x`,
      met: our / base <= GOAL,
    };
    return { rows: [row], helloFrameBytes };
  } finally {
    await server.close();
  }
}
