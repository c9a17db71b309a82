// Measure 11: `--serve` with CLIENTS Server-Sent-Events clients. Two questions:
//   - do the clients slow the transcription? final sent by the server -> line on stdout, p99,
//     with --serve and CLIENTS clients, against the same run without --serve (baseline, run
//     alternately with it so that both see the same machine);
//   - how soon does a client get it? final sent -> its `final` event at a client, p99 over every
//     client and every final, against one client in the same run (what the machine's scheduling
//     costs any client).
// Same script as measure 6 (bench/final-latency.ts): two-word sentences, one final each. Two
// paces: live speech (1x) and ten times its event rate (10x, a stress). The script starts after
// LEAD_WALL_SEC of silence so that every client is connected before the first final (a late client
// would get the history replayed: not what is measured). The clients run in a process of their own
// (bench/sse-clients.ts); every time is read from the system's monotonic clock (process.hrtime),
// which every process shares. The load average is printed with each run: on a 2-core machine
// shared with other work, it is what the p99 follows.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionRecord } from '../test/support/deepgram-server/connection-log.js';
import { scriptFromText, startDeepgramServer, type ScriptWord } from '../test/support/deepgram-server/index.js';
import { API_KEY, CLI, cliEnv, fixed, median, progress, writeLoopedWav, type Row } from './lib.js';

const CLIENTS = 200;
const LEAD_WALL_SEC = 3; // for the clients to connect
const GOAL_P99_MS = 20;
/** Live speech, and 10x its event rate (measure 6 uses 40x, which with 200 clients measures a saturated 2-core machine). */
const PACES = [
  { speed: 1, utterances: 30, runs: 3 },
  { speed: 10, utterances: 200, runs: 5 },
] as const;

interface Run {
  stdout: number[];
  clients: number[];
}

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
};
const load = () => loadavg()[0]!;

const CLIENTS_SCRIPT = fileURLToPath(new URL('./sse-clients.js', import.meta.url));
const clock = () => Number(process.hrtime.bigint()) / 1e6;

/** One run of `transcribe file`: without --serve when `clients` is 0. */
async function once(wav: string, script: ScriptWord[], speed: number, clients: number): Promise<Run> {
  const serve = clients > 0;
  const utterances = script.length / 2;
  const server = await startDeepgramServer({ script, apiKey: API_KEY, keepAudio: false });
  let arrivals: Promise<number[][]> | undefined;
  try {
    const lines: number[] = [];
    let stderr = '';
    const args = ['file', wav, '--speed', String(speed), ...(serve ? ['--serve', '127.0.0.1:0'] : [])];
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('node', [CLI, ...args], { env: cliEnv(server.url), stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        const at = clock();
        for (const char of chunk) if (char === '\n') lines.push(at);
      });
      child.stderr.setEncoding('utf8').on('data', (text: string) => {
        stderr += text;
        const port = /captions at http:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr)?.[1];
        if (port && !arrivals) arrivals = runClients(Number(port), clients);
      });
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (code !== 0) throw new Error(`transcribe ${args.join(' ')} exited ${code}:\n${stderr.slice(-2000)}`);
    const record = server.connections[0];
    if (!(record instanceof ConnectionRecord)) throw new Error('expected 1 live connection');
    const openedAt = clock() - record.elapsed();
    const sent = record.sent
      .filter((entry) => {
        const message = entry.message as { type?: string; is_final?: boolean; speech_final?: boolean; channel?: { alternatives?: { transcript?: string }[] } };
        return (
          message.type === 'Results' && message.is_final === true && message.speech_final === true && Boolean(message.channel?.alternatives?.[0]?.transcript)
        );
      })
      .map((entry) => openedAt + entry.at);
    if (sent.length !== utterances || lines.length !== utterances)
      throw new Error(`expected ${utterances} finals and lines, got ${sent.length} and ${lines.length}`);
    const received = serve ? await arrivals! : [];
    for (const [i, arrivals] of received.entries()) {
      if (arrivals.length !== utterances) throw new Error(`client ${i} got ${arrivals.length} finals of ${utterances}`);
    }
    return { stdout: lines.map((at, i) => at - sent[i]!), clients: received.flatMap((arrivals) => arrivals.map((at, i) => at - sent[i]!)) };
  } finally {
    await server.close();
  }
}

/** The clients' process: resolves with each client's final arrival times once all saw `close`. */
function runClients(port: number, count: number): Promise<number[][]> {
  return new Promise((resolve, reject) => {
    const child = spawn('node', [CLIENTS_SCRIPT, String(port), String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as number[][]) : reject(new Error(`sse-clients exited ${code}`))));
  });
}

async function pace(speed: number, utterances: number, runs: number): Promise<Row[]> {
  const script = scriptFromText('Go now. '.repeat(utterances), { startAt: LEAD_WALL_SEC * speed, wordSec: 0.15, pauseAfterSentenceSec: 0.5 });
  const dir = mkdtempSync(join(tmpdir(), 'bench-serve-'));
  const plain: Run[] = [];
  const single: Run[] = [];
  const served: Run[] = [];
  const loads: number[] = [];
  try {
    const wav = join(dir, 'utterances.wav');
    writeLoopedWav(wav, Math.ceil((script.at(-1) as ScriptWord).end + 2));
    for (let i = 0; i < runs; i++) {
      loads.push(load());
      plain.push(await once(wav, script, speed, 0));
      single.push(await once(wav, script, speed, 1));
      served.push(await once(wav, script, speed, CLIENTS));
      loads.push(load());
      const last = served.at(-1)!;
      progress(
        `serve ${speed}x: run ${i + 1}/${runs} (load average ${fixed(loads.at(-2)!, 2)} -> ${fixed(loads.at(-1)!, 2)}): stdout p99 ${fixed(percentile(plain.at(-1)!.stdout, 99), 2)} ms without --serve, ` +
          `${fixed(percentile(last.stdout, 99), 2)} ms with ${CLIENTS} clients; client event p50 ${fixed(percentile(last.clients, 50), 2)} / p99 ${fixed(percentile(last.clients, 99), 2)} ms (1 client: p99 ${fixed(percentile(single.at(-1)!.clients, 99), 2)} ms)`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const p99 = (runs: Run[], key: keyof Run) => median(runs.map((one) => percentile(one[key], 99)));
  const p50 = (runs: Run[], key: keyof Run) => median(runs.map((one) => percentile(one[key], 50)));
  const [base, withClients, client, one] = [p99(plain, 'stdout'), p99(served, 'stdout'), p99(served, 'clients'), p99(single, 'clients')];
  const where = `${utterances} finals at ${speed}x, median of ${runs} runs, load average ${fixed(Math.min(...loads), 1)}-${fixed(Math.max(...loads), 1)}`;
  return [
    {
      measure: `final sent -> line on stdout, p99, --serve with ${CLIENTS} SSE clients vs without (${where})`,
      baseline: `${fixed(base, 2)} ms`,
      ours: `${fixed(withClients, 2)} ms`,
      ratio: fixed(withClients / base, 2),
      goal: `<= baseline + ${GOAL_P99_MS} ms`,
      met: withClients <= base + GOAL_P99_MS,
    },
    {
      measure: `final sent -> final event at an SSE client, p99, ${CLIENTS} clients vs 1 client (${where})`,
      baseline: `${fixed(one, 2)} ms`,
      ours: `p50 ${fixed(p50(served, 'clients'), 2)} / p99 ${fixed(client, 2)} ms`,
      ratio: fixed(client / one, 2),
      goal: `p99 <= ${GOAL_P99_MS} ms`,
      met: client <= GOAL_P99_MS,
    },
  ];
}

export async function benchServe(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const { speed, utterances, runs } of PACES) rows.push(...(await pace(speed, utterances, runs)));
  return rows;
}
