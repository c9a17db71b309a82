// Batch upload memory: peak RSS of `transcribe file <raw> --batch` uploading a 500 MB file
// against a 50 MB one (raw PCM, so the server answers at once), under `/usr/bin/time -v`, CLI
// process only. The body is streamed, so the figure must not depend on the size. Median of 3.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDeepgramServer } from '../test/support/deepgram-server/index.js';
import { API_KEY, CLI, cliEnv, fixed, median, mustSucceed, progress, run, type Row } from './lib.js';

const RUNS = 3;
const SMALL_MB = 50;
const LARGE_MB = 500;
const RSS_LIMIT_MB = 100;

function writeNoise(path: string, megabytes: number): void {
  const block = Buffer.alloc(1 << 20);
  for (let i = 0; i < block.length; i += 2) block.writeInt16LE(((i * 7919) % 2000) - 1000, i);
  const fd = openSync(path, 'w');
  for (let i = 0; i < megabytes; i++) writeSync(fd, block);
  closeSync(fd);
}

async function uploadOnce(path: string, megabytes: number, timeFile: string): Promise<number> {
  const server = await startDeepgramServer({ apiKey: API_KEY });
  try {
    const args = ['-v', '-o', timeFile, 'node', CLI, 'file', path, '--batch', '--encoding', 'linear16', '--sample-rate', '16000'];
    mustSucceed(`transcribe file --batch (${megabytes} MB)`, await run('/usr/bin/time', args, cliEnv(server.url)));
    const uploaded = server.connections[0]?.audioBytes ?? 0;
    if (uploaded !== megabytes * (1 << 20)) throw new Error(`server received ${uploaded} bytes, not ${megabytes} MiB`);
    const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(timeFile, 'utf8'))?.[1]);
    return (kb * 1024) / 1e6;
  } finally {
    await server.close();
  }
}

export async function benchBatchMemory(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-batch-'));
  try {
    const small = join(dir, 'small.raw');
    const large = join(dir, 'large.raw');
    progress(`batch: writing ${SMALL_MB} and ${LARGE_MB} MiB files in ${dir}`);
    writeNoise(small, SMALL_MB);
    writeNoise(large, LARGE_MB);
    const rss: Record<number, number[]> = { [SMALL_MB]: [], [LARGE_MB]: [] };
    for (let i = 0; i < RUNS; i++) {
      for (const [path, megabytes] of [
        [small, SMALL_MB],
        [large, LARGE_MB],
      ] as const) {
        const mb = await uploadOnce(path, megabytes, join(dir, 'time.txt'));
        rss[megabytes]!.push(mb);
        progress(`batch: ${megabytes} MiB upload: peak RSS ${fixed(mb)} MB`);
      }
    }
    const [baseline, ours] = [median(rss[SMALL_MB]!), median(rss[LARGE_MB]!)];
    return [
      {
        measure: `peak RSS, --batch upload: ${LARGE_MB} MiB vs ${SMALL_MB} MiB file (median of ${RUNS})`,
        baseline: `${fixed(baseline)} MB`,
        ours: `${fixed(ours)} MB`,
        ratio: `${fixed(ours / baseline, 2)}x`,
        goal: `flat (<= 1.1x), < ${RSS_LIMIT_MB} MB`,
        met: ours / baseline <= 1.1 && ours < RSS_LIMIT_MB,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
