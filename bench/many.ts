// Many files (`transcribe file <dir> --batch --output-dir`), against the local server:
//   1. 10,000 short files, an account limit of 50 requests in flight (429 beyond it), each
//      answered after SERVICE_MS: throughput against the limit's (50 / SERVICE_MS), peak RSS
//      against 1,000 files, and every file done exactly once.
//   2. 200 files, no limit: throughput of --jobs 4, 16, 64 against --jobs 1.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDeepgramServer } from '../test/support/deepgram-server/index.js';
import { API_KEY, CLI, cliEnv, fixed, mustSucceed, progress, run, writeLoopedWav, type Row } from './lib.js';

const SERVICE_MS = 250;
const LIMIT = 50;
const RSS_LIMIT_MB = 150;

/** `count` copies of a 1-second WAV in `dir/in`, 100 per subdirectory. */
function makeFiles(dir: string, count: number): string {
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
  answered: number;
  refused: number;
  outputs: number;
}

async function transcribeAll(dir: string, count: number, jobs: number, limit?: number): Promise<ManyRun> {
  const server = await startDeepgramServer({
    apiKey: API_KEY,
    prerecordedDelayMs: SERVICE_MS,
    retryAfterSec: null,
    ...(limit ? { concurrencyLimit: limit } : {}),
  });
  const out = join(dir, `out-${jobs}-${Date.now()}`);
  const timeFile = join(dir, 'time.txt');
  try {
    const args = ['-v', '-o', timeFile, 'node', CLI, 'file', join(dir, 'in'), '--batch', '--output-dir', out, '--jobs', String(jobs)];
    const result = mustSucceed(`transcribe ${count} files --jobs ${jobs}`, await run('/usr/bin/time', args, cliEnv(server.url)));
    const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(timeFile, 'utf8'))?.[1]);
    const outputs = readdirSync(out, { recursive: true }).filter((name) => String(name).endsWith('.wav.txt')).length;
    const answered = server.connections.filter((c) => c.responseStatus === 200).length;
    return { seconds: result.wallMs / 1000, rssMb: (kb * 1024) / 1e6, answered, refused: server.load.refused, outputs };
  } finally {
    await server.close();
    rmSync(out, { recursive: true, force: true });
  }
}

export async function benchMany(): Promise<Row[]> {
  const rows: Row[] = [];
  const root = mkdtempSync(join(tmpdir(), 'bench-many-'));
  try {
    // 1. The account limit.
    const sizes = [1000, 10_000];
    const limited: Record<number, ManyRun> = {};
    for (const count of sizes) {
      const dir = join(root, `n${count}`);
      progress(`many: writing ${count} files`);
      makeFiles(dir, count);
      limited[count] = await transcribeAll(dir, count, 64, LIMIT);
      const one = limited[count];
      progress(`many: ${count} files: ${fixed(one.seconds)} s, peak RSS ${fixed(one.rssMb)} MB, ${one.refused} refused (429)`);
      rmSync(dir, { recursive: true, force: true });
    }
    const [small, large] = [limited[1000]!, limited[10_000]!];
    const ceiling = (LIMIT * 1000) / SERVICE_MS;
    const rate = 10_000 / large.seconds;
    rows.push(
      {
        measure: `10,000 files, limit ${LIMIT} in flight, ${SERVICE_MS} ms each, --jobs 64: files/s vs the limit's`,
        baseline: `${fixed(ceiling)} files/s`,
        ours: `${fixed(rate)} files/s (${large.refused} x 429)`,
        ratio: `${fixed(rate / ceiling, 2)}x`,
        goal: '>= 0.9x',
        met: rate / ceiling >= 0.9,
      },
      {
        measure: 'peak RSS, 10,000 files vs 1,000 (same limit)',
        baseline: `${fixed(small.rssMb)} MB`,
        ours: `${fixed(large.rssMb)} MB`,
        ratio: `${fixed(large.rssMb / small.rssMb, 2)}x`,
        goal: `flat (<= 1.1x), < ${RSS_LIMIT_MB} MB`,
        met: large.rssMb / small.rssMb <= 1.1 && large.rssMb < RSS_LIMIT_MB,
      },
      {
        measure: '10,000 files: answered once each, one output each',
        baseline: '10000',
        ours: `${large.answered} answered, ${large.outputs} outputs`,
        ratio: '-',
        goal: 'none lost or done twice',
        met: large.answered === 10_000 && large.outputs === 10_000,
      },
    );
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
