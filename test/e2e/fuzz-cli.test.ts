import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scriptFromText, startDeepgramServer } from '../support/deepgram-server/index.js';
import { runCli } from '../support/run-cli.js';
import { fuzzHead, fuzzWav, seeded } from '../support/wav-fuzz.js';

// A smaller sample of the in-process fuzz cases (test/unit/fuzz-input.test.ts) through the built
// CLI, decoders on PATH: each ends in a transcript or one documented error line, in bounded time.
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 32));
const CASES = 30;
const CASE_TIMEOUT_MS = 20_000;
const SCRIPT = scriptFromText('Hello.', { startAt: 0.01, wordSec: 0.01 });
const tmp = mkdtempSync(join(tmpdir(), 'transcribe-fuzz-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe(`the CLI on generated inputs (seed ${SEED}; FUZZ_SEED=${SEED} replays it)`, () => {
  it(
    `${CASES} cases, files and stdin: exit 0, or exit 2/4 with one "transcribe: <what> — <hint>" line`,
    async () => {
      const random = seeded(SEED);
      const server = await startDeepgramServer({ script: SCRIPT });
      const tally = { cases: 0, transcripts: 0, cleanErrors: 0, crashes: [] as string[], hangs: [] as number[] };
      try {
        for (let i = 0; i < CASES; i++) {
          const input = random() < 0.8 ? fuzzWav(random) : fuzzHead(random);
          const viaStdin = random() < 0.5;
          const path = join(tmp, `case-${i}`);
          if (!viaStdin) writeFileSync(path, input);
          const args = ['file', viaStdin ? '-' : path, '--speed', 'max'];
          const env = { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url };
          const started = performance.now();
          const result = await runCli(args, { env, timeoutMs: CASE_TIMEOUT_MS, ...(viaStdin ? { stdin: input } : {}) }).catch((error: Error) => error);
          tally.cases++;
          const what = `case ${i} (${viaStdin ? 'stdin' : 'file'}, ${input.subarray(0, 16).toString('hex')}…)`;
          if (result instanceof Error) {
            tally.hangs.push(i);
            continue;
          }
          const lines = result.stderr.split('\n').filter(Boolean);
          const warnings = lines.filter((line) => line.startsWith('transcribe: warning: '));
          if (result.code === 0 && lines.length === warnings.length) tally.transcripts++;
          else if (
            [2, 4].includes(result.code!) &&
            lines.length - warnings.length === 1 &&
            /^transcribe: [^\n]+ — [^\n]+\n$/.test(result.stderr.slice(-lines.at(-1)!.length - 1))
          )
            tally.cleanErrors++;
          else tally.crashes.push(`${what}: exit ${result.code} after ${(performance.now() - started).toFixed(0)} ms: ${result.stderr}`);
        }
      } finally {
        await server.close();
      }
      console.log(
        `CLI fuzz, seed ${SEED}: ${tally.cases} cases, ${tally.transcripts} transcripts, ${tally.cleanErrors} clean errors, ${tally.crashes.length} crashes, ${tally.hangs.length} hangs`,
      );
      expect({ crashes: tally.crashes, hangs: tally.hangs }, `FUZZ_SEED=${SEED}`).toEqual({ crashes: [], hangs: [] });
    },
    30 * 25_000,
  );
});
