// Measure 5: wall time of `node bin/transcribe.js config get model` against bare `node -e 0`.
// The config dir (TRANSCRIBE_CONFIG_DIR) is a fresh temporary one where `config set model` wrote
// a config.json, so the command reads and parses a real file. Same method as bench/startup.ts:
// hyperfine -N in ROUNDS rounds alternating which command goes first, each with its own warmup;
// the figures are medians over all runs of all rounds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, fixed, interleavedHyperfine, median, mustSucceed, run, type Row } from './lib.js';

const ROUNDS = 5;
const RUNS_PER_ROUND = 10;
const GOAL = 1.5;
const MODEL = 'nova-2-meeting';

export async function benchConfigGet(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-config-'));
  const configDir = join(dir, 'config');
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const name of Object.keys(env)) if (name.startsWith('TRANSCRIBE_') || name.startsWith('DEEPGRAM_')) delete env[name];
  env.TRANSCRIBE_CONFIG_DIR = configDir;
  const commands = { baseline: 'node -e 0', ours: `node ${CLI} config get model` };
  let times: { baseline: number[]; ours: number[] };
  try {
    mustSucceed('transcribe config set model', await run('node', [CLI, 'config', 'set', 'model', MODEL], env));
    const check = mustSucceed('transcribe config get model', await run('node', [CLI, 'config', 'get', 'model'], env));
    if (check.stdout.trim() !== MODEL) throw new Error(`config get model printed ${JSON.stringify(check.stdout)}, not ${MODEL}`);
    times = await interleavedHyperfine('config get', commands, { rounds: ROUNDS, runsPerRound: RUNS_PER_ROUND, dir, env });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const baseline = median(times.baseline);
  const ours = median(times.ours);
  return [
    {
      measure: `wall: config get model vs node -e 0 (median of ${ROUNDS * RUNS_PER_ROUND})`,
      baseline: `${fixed(baseline)} ms`,
      ours: `${fixed(ours)} ms`,
      ratio: `${fixed(ours / baseline, 2)}x`,
      goal: `<= ${GOAL}x`,
      met: ours / baseline <= GOAL,
    },
  ];
}
