// Many files (`transcribe file <dir> --batch --output-dir`), against the local server:
//   1. 10,000 short files, an account limit of 50 requests in flight (429 beyond it), each
//      answered after SERVICE_MS, RUNS times: throughput against the limit's (50 / SERVICE_MS)
//      and against bench/many-client.ts (a bare client keeping exactly 50 in flight: what the
//      server allows on this machine now, the server and the CLI sharing its cores), peak RSS
//      against 1,000 files (medians, and the ratio within each run), CPU per file of the CLI and
//      of the server, and every file done exactly once.
//   2. 200 files, no limit: throughput of --jobs 4, 16, 64 against --jobs 1.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDeepgramServer } from '../test/support/deepgram-server/index.js';
import { API_KEY, CLI, cliEnv, fixed, median, mustSucceed, progress, ROOT, run, writeLoopedWav, type Row } from './lib.js';

const SERVICE_MS = 250;
const LIMIT = 50;
const RSS_LIMIT_MB = 150;
const RUNS = 3;
const CLIENT = join(ROOT, 'dist-bench/bench/many-client.js');

/** `count` copies of a 1-second WAV in `dir/in`, 100 per subdirectory; the WAV itself is `dir/one.wav`. */
export function makeFiles(dir: string, count: number): string {
  mkdirSync(dir, { recursive: true });
  const one = join(dir, 'one.wav');
  writeLoopedWav(one, 1);
  const input = join(dir, 'in');
  for (let i = 0; i < count; i++) {
    const sub = join(input, `d${Math.floor(i / 100)}`);
    if (i % 100 === 0) mkdirSync(sub, { recursive: true });
    copyFileSync(one, join(sub, `f${i}.wav`));
  }
  return input;
}

interface ManyRun {
  seconds: number;
  rssMb: number;
  /** User + system CPU seconds of the CLI. */
  cliCpu: number;
  /** CPU seconds of this process while the CLI ran: the server, mostly. */
  serverCpu: number;
  answered: number;
  refused: number;
  outputs: number;
}

const serverOptions = (limit?: number) => ({
  apiKey: API_KEY,
  prerecordedDelayMs: SERVICE_MS,
  retryAfterSec: null,
  ...(limit ? { concurrencyLimit: limit } : {}),
});

async function transcribeAll(dir: string, count: number, jobs: number, limit?: number): Promise<ManyRun> {
  const server = await startDeepgramServer(serverOptions(limit));
  const out = join(dir, `out-${jobs}-${Date.now()}`);
  const timeFile = join(dir, 'time.txt');
  try {
    const args = ['-v', '-o', timeFile, 'node', CLI, 'file', join(dir, 'in'), '--batch', '--output-dir', out, '--jobs', String(jobs)];
    const cpu = process.cpuUsage();
    const result = mustSucceed(`transcribe ${count} files --jobs ${jobs}`, await run('/usr/bin/time', args, cliEnv(server.url)));
    const serverCpu = process.cpuUsage(cpu);
    const time = readFileSync(timeFile, 'utf8');
    const field = (name: string) => Number(new RegExp(`${name}: ([\\d.]+)`).exec(time)?.[1]);
    const outputs = readdirSync(out, { recursive: true }).filter((name) => String(name).endsWith('.wav.txt')).length;
    const answered = server.connections.filter((c) => c.responseStatus === 200).length;
    return {
      seconds: result.wallMs / 1000,
      rssMb: (field('Maximum resident set size \\(kbytes\\)') * 1024) / 1e6,
      cliCpu: field('User time \\(seconds\\)') + field('System time \\(seconds\\)'),
      serverCpu: (serverCpu.user + serverCpu.system) / 1e6,
      answered,
      refused: server.load.refused,
      outputs,
    };
  } finally {
    await server.close();
    rmSync(out, { recursive: true, force: true });
  }
}

/** Files per second of the bare client (bench/many-client.ts), `LIMIT` in flight, against the same server. */
async function bareClient(wav: string, count: number): Promise<number> {
  const server = await startDeepgramServer(serverOptions(LIMIT));
  try {
    const result = mustSucceed('many-client', await run('node', [CLIENT, server.url, API_KEY, wav, String(count), String(LIMIT)]));
    const { seconds, failed } = JSON.parse(result.stdout) as { seconds: number; failed: number };
    if (failed > 0) throw new Error(`many-client: ${failed} requests failed`);
    return count / seconds;
  } finally {
    await server.close();
  }
}

export async function benchMany(): Promise<Row[]> {
  const rows: Row[] = [];
  const root = mkdtempSync(join(tmpdir(), 'bench-many-'));
  try {
    // 1. The account limit: each round runs the bare client, then 1,000 and 10,000 files.
    const [small, large] = [1000, 10_000];
    const dirs = { [small]: join(root, `n${small}`), [large]: join(root, `n${large}`) };
    for (const count of [small, large]) {
      progress(`many: writing ${count} files`);
      makeFiles(dirs[count]!, count);
    }
    const runs = { [small]: [] as ManyRun[], [large]: [] as ManyRun[] };
    const bare: number[] = [];
    for (let round = 1; round <= RUNS; round++) {
      bare.push(await bareClient(join(dirs[large]!, 'one.wav'), large));
      progress(`many: round ${round}/${RUNS}: bare client ${fixed(bare.at(-1)!)} files/s`);
      for (const count of [small, large]) {
        const one = await transcribeAll(dirs[count]!, count, 64, LIMIT);
        runs[count]!.push(one);
        const perFile = (seconds: number) => `${fixed((seconds * 1000) / count, 2)} ms`;
        progress(
          `many: round ${round}/${RUNS}: ${count} files: ${fixed(one.seconds)} s (${fixed(count / one.seconds)} files/s), peak RSS ${fixed(one.rssMb)} MB, ` +
            `${one.refused} x 429, CPU per file ${perFile(one.cliCpu)} (CLI) + ${perFile(one.serverCpu)} (server)`,
        );
      }
    }
    const [smalls, larges] = [runs[small]!, runs[large]!];
    const ceiling = (LIMIT * 1000) / SERVICE_MS;
    const rates = larges.map((one) => large / one.seconds);
    const rate = median(rates);
    const bareRate = median(bare);
    const rss = { small: median(smalls.map((one) => one.rssMb)), large: median(larges.map((one) => one.rssMb)) };
    const rssRatios = larges.map((one, i) => one.rssMb / smalls[i]!.rssMb);
    const msPerFile = (runsOf: ManyRun[], of: (one: ManyRun) => number) => median(runsOf.map((one) => (of(one) * 1000) / large));
    rows.push(
      {
        measure: `10,000 files, limit ${LIMIT} in flight, ${SERVICE_MS} ms each, --jobs 64: files/s vs the limit's (median of ${RUNS})`,
        baseline: `${fixed(ceiling)} files/s (the bare client: ${fixed(bareRate)})`,
        ours: `${fixed(rate)} files/s (${median(larges.map((one) => one.refused))} x 429)`,
        ratio: `${fixed(rate / ceiling, 2)}x (${fixed(rate / bareRate, 2)}x the bare client)`,
        goal: '>= 0.9x',
        met: rate / ceiling >= 0.9,
      },
      {
        measure: `peak RSS, 10,000 files vs 1,000 (same limit, median of ${RUNS})`,
        baseline: `${fixed(rss.small)} MB`,
        ours: `${fixed(rss.large)} MB`,
        ratio: `${fixed(rss.large / rss.small, 2)}x (per run: ${rssRatios.map((ratio) => fixed(ratio, 2)).join(', ')})`,
        goal: `flat (<= 1.1x), < ${RSS_LIMIT_MB} MB`,
        met: median(rssRatios) <= 1.1 && rss.large < RSS_LIMIT_MB,
      },
      {
        measure: '10,000 files: CPU per file, the CLI vs the local server (both on this machine)',
        baseline: `${fixed(
          msPerFile(larges, (one) => one.serverCpu),
          2,
        )} ms (server)`,
        ours: `${fixed(
          msPerFile(larges, (one) => one.cliCpu),
          2,
        )} ms (CLI)`,
        ratio: '-',
        goal: '-',
        met: true,
      },
      {
        measure: '10,000 files: answered once each, one output each (every run)',
        baseline: '10000',
        ours: `${Math.min(...larges.map((one) => one.answered))}-${Math.max(...larges.map((one) => one.answered))} answered, ${Math.min(...larges.map((one) => one.outputs))} outputs`,
        ratio: '-',
        goal: 'none lost or done twice',
        met: larges.every((one) => one.answered === large && one.outputs === large),
      },
    );
    for (const count of [small, large]) rmSync(dirs[count]!, { recursive: true, force: true });
    // 2. --jobs.
    const dir = join(root, 'jobs');
    makeFiles(dir, 200);
    const seconds: Record<number, number> = {};
    for (const jobs of [1, 4, 16, 64]) {
      seconds[jobs] = (await transcribeAll(dir, 200, jobs)).seconds;
      progress(`many: 200 files --jobs ${jobs}: ${fixed(seconds[jobs])} s`);
    }
    for (const jobs of [4, 16, 64]) {
      rows.push({
        measure: `200 files, ${SERVICE_MS} ms each: --jobs ${jobs} vs --jobs 1 (wall)`,
        baseline: `${fixed(seconds[1]!)} s`,
        ours: `${fixed(seconds[jobs]!)} s`,
        ratio: `${fixed(seconds[1]! / seconds[jobs]!, 1)}x faster`,
        goal: `up to ${jobs}x`,
        met: true,
      });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return rows;
}
