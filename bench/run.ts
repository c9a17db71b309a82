// `npm run bench`: runs every measure and prints one table (stdout), progress on stderr.
//   1. wall time of --version vs `node -e 0`             (bench/startup.ts, hyperfine)
//   2. peak RSS, 60 vs 1 and 30 minutes; wall, throughput  (bench/memory.ts, /usr/bin/time -v)
//   3. spawn -> first audio frame at the server vs `ws`    (bench/first-frame.ts, bench/ws-client.ts)
//   4. audio ms per frame, from the server's frame log of the file streams of 2 and 3
//   5. wall time of `config get model` vs `node -e 0`      (bench/config-get.ts, hyperfine)
//   6. final sent by the server -> line on stdout, p50/p99 (bench/final-latency.ts, 1000 finals)
//   7. CPU per audio second of `transcribe live`            (bench/live-cpu.ts, virtual microphone)
//   8. pacing accuracy at --speed 1 and 1.25                (bench/pacing.ts, server frame log)
//   9. peak RSS of a 500 MiB --batch upload vs 50 MiB       (bench/batch-memory.ts, /usr/bin/time -v)
//  10. many files: 10,000 under an account limit; --jobs 1/4/16/64 (bench/many.ts)
//  11. --serve with 200 SSE clients, 1x and 10x: stdout p99 vs without, final -> client event p99 (bench/serve-latency.ts)
//  12. the history archive at 1,000 hours: search, cost per final, size vs NDJSON (bench/archive.ts)
// Every figure is a median over several runs, next to a baseline measured in this same run.
// `npm run bench -- live memory` runs only the measures named (startup, config, first-frame,
// memory, latency, live, live-both, pacing, batch, many, serve, steering, archive; drift, an
// hour long, only when named).
import { availableParallelism } from 'node:os';
import { benchArchive } from './archive.js';
import { benchBatchMemory } from './batch-memory.js';
import { benchConfigGet } from './config-get.js';
import { benchFinalLatency } from './final-latency.js';
import { benchFirstFrame } from './first-frame.js';
import { BYTES_PER_SEC, fixed, formatTable, median, progress, type Row } from './lib.js';
import { benchLiveCpu } from './live-cpu.js';
import { benchCaptureDrift } from './capture-drift.js';
import { benchMany } from './many.js';
import { benchMemory } from './memory.js';
import { benchPacing } from './pacing.js';
import { benchServe } from './serve-latency.js';
import { benchStartup } from './startup.js';
import { benchSteeringCpu } from './steering-cpu.js';

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

/** Measures by name: `npm run bench -- live memory` runs just those (all when none is named). */
const MEASURES = [
  'startup',
  'config',
  'first-frame',
  'memory',
  'latency',
  'live',
  'live-both',
  'pacing',
  'batch',
  'many',
  'serve',
  'steering',
  'archive',
  'drift',
] as const;
const named = process.argv.slice(2);
const unknown = named.filter((name) => !(MEASURES as readonly string[]).includes(name));
if (unknown.length) {
  console.error(`bench: unknown measure ${unknown.join(', ')}; choose from ${MEASURES.join(', ')}`);
  process.exit(2);
}
/** drift lasts an hour: only when named. */
const wants = (name: (typeof MEASURES)[number]) => (named.length === 0 && name !== 'drift') || named.includes(name);

const started = Date.now();
progress(`node ${process.version}, ${availableParallelism()} CPUs`);
const rows: Row[] = [];
if (wants('startup')) rows.push(...(await benchStartup()));
if (wants('memory')) {
  const memory = await benchMemory();
  const longRun = memory.longRuns.findLast((one) => one.minutes === 60);
  rows.push(...memory.rows, ...(longRun ? [frameRow('60-min WAV', longRun.frameBytes)] : []));
}
if (wants('first-frame')) {
  const firstFrame = await benchFirstFrame();
  rows.push(...firstFrame.rows, frameRow('samples/hello.wav', firstFrame.helloFrameBytes));
}
if (wants('config')) rows.push(...(await benchConfigGet()));
if (wants('latency')) rows.push(...(await benchFinalLatency()));
if (wants('live')) rows.push(...(await benchLiveCpu()));
if (wants('steering')) rows.push(...benchSteeringCpu());
if (wants('live-both')) rows.push(...(await benchLiveCpu(true)));
if (wants('pacing')) rows.push(...(await benchPacing()));
if (wants('batch')) rows.push(...(await benchBatchMemory()));
if (wants('many')) rows.push(...(await benchMany()));
if (wants('serve')) rows.push(...(await benchServe()));
if (wants('archive')) rows.push(...(await benchArchive()));
if (wants('drift')) rows.push(...(await benchCaptureDrift()));
console.log(formatTable(rows));
progress(`done in ${fixed((Date.now() - started) / 1000, 0)} s; goals missed: ${rows.filter((row) => !row.met).length}`);
