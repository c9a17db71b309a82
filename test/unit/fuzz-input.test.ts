import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { sniff } from '../../src/audio/sniff.js';
import { openAudioSource } from '../../src/audio/source.js';
import { parseWavHeader, WavFormatError } from '../../src/audio/wav.js';
import { TranscribeError } from '../../src/errors.js';
import { fuzzHead, fuzzWav, seeded, type Random } from '../support/wav-fuzz.js';

// Seeded fuzzing of the WAV reader and the stdin sniffer, in-process. A new seed every run;
// FUZZ_SEED=<n> replays one. Every case must end in audio or a documented, one-line error.
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 32));
const CASES = 2000;
const CASE_TIMEOUT_MS = 2000;
const tmp = mkdtempSync(join(tmpdir(), 'transcribe-fuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Outcome = { kind: 'audio'; bytes: number } | { kind: 'error'; error: unknown } | { kind: 'hang' };

/** Splits `data` into chunks of random sizes, as a pipe delivers it. */
function pieces(random: Random, data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < data.length;) {
    const size = 1 + Math.floor(random() * (random() < 0.5 ? 64 : 4096));
    out.push(data.subarray(at, at + size));
    at += size;
  }
  return out;
}

async function read(random: Random, wav: Buffer, index: number): Promise<Outcome> {
  const viaFile = random() < 0.1;
  const path = viaFile ? join(tmp, `case-${index}.wav`) : '-';
  if (viaFile) writeFileSync(path, wav);
  const io = { stdin: Readable.from(pieces(random, wav)), env: { PATH: '' } }; // no decoder: nothing is spawned
  const work = (async (): Promise<Outcome> => {
    try {
      const source = await openAudioSource(path, {}, io);
      let bytes = 0;
      for await (const chunk of source.pcm) bytes += chunk.length;
      await source.stop();
      return { kind: 'audio', bytes };
    } catch (error) {
      return { kind: 'error', error };
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<Outcome>((resolve) => (timer = setTimeout(() => resolve({ kind: 'hang' }), CASE_TIMEOUT_MS)));
  try {
    return await Promise.race([work, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** A documented error: ours, exit 2 or 4, one line, with a hint. */
function isClean(error: unknown): boolean {
  return error instanceof TranscribeError && [2, 4].includes(error.exitCode) && !error.message.includes('\n') && Boolean(error.hint);
}

describe(`fuzzing (seed ${SEED}; FUZZ_SEED=${SEED} replays it)`, () => {
  it(`${CASES} generated WAVs through openAudioSource: audio or a documented one-line error, each within ${CASE_TIMEOUT_MS} ms`, async () => {
    const random = seeded(SEED);
    const tally = { cases: 0, audio: 0, cleanErrors: 0, crashes: [] as string[], hangs: [] as number[], oddAudio: [] as number[] };
    for (let i = 0; i < CASES; i++) {
      const wav = fuzzWav(random);
      try {
        parseWavHeader(wav);
      } catch (error) {
        if (!(error instanceof WavFormatError)) tally.crashes.push(`case ${i}: parseWavHeader threw ${String(error)}`);
      }
      const outcome = await read(random, wav, i);
      tally.cases++;
      if (outcome.kind === 'hang') tally.hangs.push(i);
      else if (outcome.kind === 'audio') {
        tally.audio++;
        if (outcome.bytes % 2 !== 0) tally.oddAudio.push(i); // 16-bit samples, always whole
      } else if (isClean(outcome.error)) tally.cleanErrors++;
      else tally.crashes.push(`case ${i}: ${(outcome.error as Error)?.stack ?? String(outcome.error)}`);
    }
    console.log(
      `WAV fuzz, seed ${SEED}: ${tally.cases} cases, ${tally.audio} audio, ${tally.cleanErrors} clean errors, ${tally.crashes.length} crashes, ${tally.hangs.length} hangs`,
    );
    expect({ crashes: tally.crashes, hangs: tally.hangs, oddAudio: tally.oddAudio }, `FUZZ_SEED=${SEED}`).toEqual({ crashes: [], hangs: [], oddAudio: [] });
    expect(tally.audio, 'some cases are readable audio').toBeGreaterThan(CASES / 20);
    expect(tally.cleanErrors, 'some cases are refused').toBeGreaterThan(CASES / 20);
  }, 120_000);

  it(`${CASES} generated stream heads through the sniffer: a verdict, never an exception, in bounded time`, () => {
    const random = seeded(SEED ^ 0x5eed);
    const kinds = new Map<string, number>();
    let sniffing = 0; // ms inside sniff() alone, not in the generator
    for (let i = 0; i < CASES; i++) {
      const head = fuzzHead(random);
      let verdict: string;
      try {
        const started = performance.now();
        const result = sniff(head);
        sniffing += performance.now() - started;
        verdict = result.kind === 'container' ? result.name : result.kind;
      } catch (error) {
        throw new Error(`FUZZ_SEED=${SEED}: sniff threw on case ${i} (${head.subarray(0, 16).toString('hex')}): ${String(error)}`);
      }
      if (/[^\x20-\x7e]/.test(verdict))
        throw new Error(`FUZZ_SEED=${SEED}: case ${i}: the verdict ${JSON.stringify(verdict)}, printed in messages, holds control bytes`);
      const kind = verdict.startsWith('RIFF/') ? 'RIFF/*' : verdict;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    console.log(`sniffer fuzz, seed ${SEED}: ${CASES} heads sniffed in ${sniffing.toFixed(0)} ms: ${JSON.stringify(Object.fromEntries(kinds))}`);
    expect(sniffing).toBeLessThan(1000);
  });
});
