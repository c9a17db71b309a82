// Measure 1: wall time of `node bin/transcribe.js --version` against bare `node -e 0`.
// hyperfine (-N: no shell) times both commands in ROUNDS rounds, alternating which goes first,
// each round with its own warmup; the figures are medians over all runs of all rounds, so slow
// drift of the machine hits the CLI and its baseline alike.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, fixed, median, mustSucceed, progress, run, type Row } from './lib.js';

const ROUNDS = 5;
const RUNS_PER_ROUND = 10;
const GOAL = 1.3;

interface HyperfineJson {
  results: { command: string; times: number[] }[];
}

export async function benchStartup(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-startup-'));
  const commands = { baseline: 'node -e 0', ours: `node ${CLI} --version` };
  const times = { baseline: [] as number[], ours: [] as number[] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (['baseline', 'ours'] as const) : (['ours', 'baseline'] as const);
      const json = join(dir, `round-${round}.json`);
      const args = ['-N', '--warmup', '3', '--runs', String(RUNS_PER_ROUND), '--style', 'none', '--export-json', json];
      for (const which of order) args.push('-n', which, commands[which]);
      progress(`startup: hyperfine round ${round + 1}/${ROUNDS}`);
      mustSucceed('hyperfine', await run('hyperfine', args));
      const { results } = JSON.parse(readFileSync(json, 'utf8')) as HyperfineJson;
      results.forEach((result, i) => times[order[i] as keyof typeof times].push(...result.times.map((s) => s * 1000)));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const baseline = median(times.baseline);
  const ours = median(times.ours);
  const n = ROUNDS * RUNS_PER_ROUND;
  return [
    {
      measure: `wall: --version vs node -e 0 (median of ${n})`,
      baseline: `${fixed(baseline)} ms`,
      ours: `${fixed(ours)} ms`,
      ratio: `${fixed(ours / baseline, 2)}x`,
      goal: `<= ${GOAL}x`,
      met: ours / baseline <= GOAL,
    },
  ];
}
