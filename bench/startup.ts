// Measure 1: wall time of `node bin/transcribe.js --version` against bare `node -e 0`.
// hyperfine (-N: no shell) times both commands in ROUNDS rounds, alternating which goes first,
// each round with its own warmup; the figures are medians over all runs of all rounds, so slow
// drift of the machine hits the CLI and its baseline alike.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, fixed, interleavedHyperfine, median, type Row } from './lib.js';

const ROUNDS = 5;
const RUNS_PER_ROUND = 10;
const GOAL = 1.3;

export async function benchStartup(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-startup-'));
  const commands = { baseline: 'node -e 0', ours: `node ${CLI} --version` };
  let times: { baseline: number[]; ours: number[] };
  try {
    times = await interleavedHyperfine('startup', commands, { rounds: ROUNDS, runsPerRound: RUNS_PER_ROUND, dir });
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
