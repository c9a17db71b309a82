// `npm run bench`: runs every measure and prints one table (stdout), progress on stderr.
//   1. wall time of --version vs `node -e 0`             (bench/startup.ts, hyperfine)
//   2. peak RSS, wall and throughput, 60 vs 10 minutes    (bench/memory.ts, /usr/bin/time -v)
//   3. spawn -> first audio frame at the server vs `ws`    (bench/first-frame.ts, bench/ws-client.ts)
//   4. audio ms per frame, from the server's frame log of the file streams of 2 and 3
// Every figure is a median over several runs, next to a baseline measured in this same run.
import { availableParallelism } from 'node:os';
import { benchFirstFrame } from './first-frame.js';
import { BYTES_PER_SEC, fixed, formatTable, median, progress, type Row } from './lib.js';
import { benchMemory } from './memory.js';
import { benchStartup } from './startup.js';

const FRAME_GOAL_MS = { min: 20, max: 100 };

/** Frame-size row: min/median/max audio milliseconds per binary frame (bytes / 32000 x 1000). */
function frameRow(what: string, frameBytes: readonly number[]): Row {
  const ms = frameBytes.filter((bytes) => bytes > 0).map((bytes) => (bytes / BYTES_PER_SEC) * 1000);
  const [min, max] = [Math.min(...ms), Math.max(...ms)];
  return {
    measure: `audio ms per frame, ${what} (${ms.length} frames)`,
    baseline: '-',
    ours: `min ${fixed(min)} / median ${fixed(median(ms))} / max ${fixed(max)}`,
    ratio: '-',
    goal: `${FRAME_GOAL_MS.min}-${FRAME_GOAL_MS.max} ms`,
    met: min >= FRAME_GOAL_MS.min && max <= FRAME_GOAL_MS.max,
  };
}

const started = Date.now();
progress(`node ${process.version}, ${availableParallelism()} CPUs`);
const startup = await benchStartup();
const firstFrame = await benchFirstFrame();
const memory = await benchMemory();
const longRun = memory.longRuns.findLast((one) => one.minutes === 60);
const rows: Row[] = [
  ...startup,
  ...memory.rows,
  ...firstFrame.rows,
  frameRow('samples/hello.wav', firstFrame.helloFrameBytes),
  ...(longRun ? [frameRow('60-min WAV', longRun.frameBytes)] : []),
];
console.log(formatTable(rows));
progress(`done in ${fixed((Date.now() - started) / 1000, 0)} s; goals missed: ${rows.filter((row) => !row.met).length}`);
