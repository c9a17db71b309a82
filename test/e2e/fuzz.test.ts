// Seeded fuzzing through the built CLI: the test server sends mutated copies of the real
// fixtures between its valid messages. No crash, no hang, and the transcript of the valid
// messages is exact. FUZZ_SEED=n replays a run.
import { afterEach, describe, expect, it } from 'vitest';
import { parseLiveV1 } from '../../src/deepgram/live-v1.js';
import { SAMPLE_WAV } from '../support/audio.js';
import { expectedLines, scriptFromText, startDeepgramServer, type DeepgramServer } from '../support/deepgram-server/index.js';
import { fixtureTexts, mutants } from '../support/fuzz.js';
import { runCli } from '../support/run-cli.js';

const SEED = Number(process.env.FUZZ_SEED ?? 4242);
const SCRIPT = scriptFromText('Hello from transcribe. This sample was made with espeak. The quick brown fox jumps.', { startAt: 0.5, wordSec: 0.3 });
const LINES = expectedLines(SCRIPT, { endpointingMs: 300, utteranceEndMs: 1000 });

let server: DeepgramServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * Mutants the parser ignores (those it accepts are valid messages that may rightly change the
 * transcript: the unit fuzz test checks them) and under 1 MB (bigger ones are the 4 MB limit's test).
 */
function ignoredMutants(seed: number, count: number): string[] {
  return mutants(fixtureTexts('live-'), count, seed)
    .map((mutant) => mutant.text)
    .filter((text) => text.length < 1024 * 1024 && parseLiveV1(text)[0]?.kind === 'unknown');
}

describe(`fuzz through the CLI (FUZZ_SEED=${SEED})`, () => {
  it.each([
    ['text', SEED, []],
    ['json', SEED + 1, ['--format', 'json']],
  ])(
    '%s: a few hundred mutated messages between the valid ones: no crash, no hang, the transcript intact',
    async (format, seed, args) => {
      const injected = ignoredMutants(seed, 400);
      server = await startDeepgramServer({
        script: SCRIPT,
        seed: seed,
        adversarial: { brokenMessages: { messages: injected, rate: 1, perMessage: 30 } },
      });
      const result = await runCli(['file', SAMPLE_WAV, '--speed', 'max', ...args], {
        env: { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url },
        timeoutMs: 30_000,
      });
      // Every valid message goes out after 30 mutants.
      const { sent } = server.connections[0]!;
      const valid = sent.length / 31;
      const figures = {
        format,
        seed,
        generated: 400,
        injectable: injected.length,
        valid,
        mutantsSent: sent.length - valid,
        code: result.code,
        signal: result.signal,
      };
      console.info(`fuzz e2e: ${JSON.stringify(figures)}`);
      expect(result.code, `FUZZ_SEED=${seed}`).toBe(0);
      expect(result.stderr).toBe('');
      if (format === 'text') expect(result.stdout).toBe(LINES.map((line) => `${line}\n`).join(''));
      else {
        const finals = result.stdout
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line) as { type: string; text?: string })
          .filter((event) => event.type === 'final');
        expect(finals.map((event) => event.text)).toEqual(LINES);
      }
      expect(injected.length).toBeGreaterThan(200);
      expect(Number.isInteger(valid) && valid > 5).toBe(true);
    },
    40_000,
  );
});
