// Measure 2: peak RSS and wall time of `transcribe file <wav> --speed max` for a 60-minute WAV
// against a 1-minute one, as issue #7 asks (flat: the 60-minute peak within 10% of the 1-minute
// peak). A 30-minute row is kept as a cross-check, and the wall/throughput rows compare 60 with
// 30 minutes: a 1-minute run is mostly start-up, so its audio seconds per wall second say little.
// The CLI runs under `/usr/bin/time -v` ("Maximum resident set size" of the CLI process only);
// the local server runs in this bench process, a fresh one per run so that the audio it keeps
// is freed between runs. Its CPU use (this process's cpuUsage) is reported to show whether it
// was the bottleneck. Runs are interleaved 1, 30, 60, 1, 30, 60, ... after one unmeasured warmup.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scriptFromText, startDeepgramServer, type ScriptWord } from '../test/support/deepgram-server/index.js';
import { API_KEY, CLI, cliEnv, fixed, median, mustSucceed, progress, run, writeLoopedWav, type Row } from './lib.js';

const RUNS = 3;
const SHORT_MIN = 1;
const MID_MIN = 30;
const LONG_MIN = 60;
const FLAT_GOAL = 1.1;
const RSS_LIMIT_MB = 100;

/** The words of samples/hello.wav, repeated to cover an hour: the CLI prints ~1500 lines for 60 min. */
const SENTENCES = 'Hello from transcribe. This sample was made with espeak. The quick brown fox jumps. ';

export interface LongRun {
  minutes: number;
  rssMb: number;
  wallMs: number;
  cpuMs: number;
  serverCpuMs: number;
  lines: number;
  /** Bytes of every frame the server received, in order. */
  frameBytes: number[];
}

function timeField(report: string, label: string): number {
  const match = new RegExp(`${label}: ([\\d.]+)`).exec(report);
  if (!match) throw new Error(`/usr/bin/time -v printed no "${label}"`);
  return Number(match[1]);
}

async function streamOnce(wav: string, minutes: number, script: ScriptWord[], timeFile: string): Promise<LongRun> {
  const server = await startDeepgramServer({ script, apiKey: API_KEY });
  try {
    const cpuBefore = process.cpuUsage();
    const args = ['-v', '-o', timeFile, 'node', CLI, 'file', wav, '--speed', 'max'];
    const result = mustSucceed(`transcribe file (${minutes} min)`, await run('/usr/bin/time', args, cliEnv(server.url)));
    const cpu = process.cpuUsage(cpuBefore);
    const connection = server.connections[0];
    if (server.connections.length !== 1 || !connection) throw new Error(`expected 1 connection, got ${server.connections.length}`);
    if (Math.abs(connection.audioSeconds - minutes * 60) > 0.001) throw new Error(`server heard ${connection.audioSeconds} s, not ${minutes * 60}`);
    const report = readFileSync(timeFile, 'utf8');
    return {
      minutes,
      rssMb: (timeField(report, 'Maximum resident set size \\(kbytes\\)') * 1024) / 1e6,
      wallMs: result.wallMs,
      cpuMs: (timeField(report, 'User time \\(seconds\\)') + timeField(report, 'System time \\(seconds\\)')) * 1000,
      serverCpuMs: (cpu.user + cpu.system) / 1000,
      lines: result.stdout.split('\n').filter(Boolean).length,
      frameBytes: connection.frames.map((frame) => frame.bytes),
    };
  } finally {
    await server.close();
  }
}

export async function benchMemory(): Promise<{ rows: Row[]; longRuns: LongRun[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-memory-'));
  const script = scriptFromText(SENTENCES.repeat(510), { startAt: 0.5, wordSec: 0.3 });
  const runs: LongRun[] = [];
  try {
    const wavs: Record<number, string> = {};
    progress(`memory: writing ${SHORT_MIN}-, ${MID_MIN}- and ${LONG_MIN}-minute WAVs in ${dir}`);
    for (const minutes of [SHORT_MIN, MID_MIN, LONG_MIN]) writeLoopedWav((wavs[minutes] = join(dir, `${minutes}.wav`)), minutes * 60);
    await streamOnce(wavs[MID_MIN] as string, MID_MIN, script, join(dir, 'time.txt')); // warmup: page cache, code cache
    for (let i = 0; i < RUNS; i++) {
      for (const minutes of [SHORT_MIN, MID_MIN, LONG_MIN]) {
        const one = await streamOnce(wavs[minutes] as string, minutes, script, join(dir, 'time.txt'));
        progress(
          `memory: ${minutes} min: ${fixed(one.rssMb)} MB, ${fixed(one.wallMs / 1000, 2)} s wall, ` +
            `CLI CPU ${fixed((one.cpuMs / one.wallMs) * 100, 0)}%, server CPU ${fixed((one.serverCpuMs / one.wallMs) * 100, 0)}%, ${one.lines} lines`,
        );
        runs.push(one);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const of = (minutes: number, pick: (one: LongRun) => number): number => median(runs.filter((one) => one.minutes === minutes).map(pick));
  const rss = { short: of(SHORT_MIN, (one) => one.rssMb), mid: of(MID_MIN, (one) => one.rssMb), long: of(LONG_MIN, (one) => one.rssMb) };
  const wall = { mid: of(MID_MIN, (one) => one.wallMs), long: of(LONG_MIN, (one) => one.wallMs) };
  const speed = { mid: (MID_MIN * 60_000) / wall.mid, long: (LONG_MIN * 60_000) / wall.long };
  const serverBusy = of(LONG_MIN, (one) => one.serverCpuMs / one.wallMs) * 100;
  const label = (what: string, base = SHORT_MIN): string => `${what}: ${LONG_MIN} min vs ${base} min (median of ${RUNS})`;
  const rows: Row[] = [
    {
      measure: label('peak RSS'),
      baseline: `${fixed(rss.short)} MB`,
      ours: `${fixed(rss.long)} MB`,
      ratio: `${fixed(rss.long / rss.short, 2)}x`,
      goal: `<= ${FLAT_GOAL}x and < ${RSS_LIMIT_MB} MB`,
      met: rss.long / rss.short <= FLAT_GOAL && rss.long < RSS_LIMIT_MB,
    },
    {
      measure: label('peak RSS', MID_MIN),
      baseline: `${fixed(rss.mid)} MB`,
      ours: `${fixed(rss.long)} MB`,
      ratio: `${fixed(rss.long / rss.mid, 2)}x`,
      goal: `<= ${FLAT_GOAL}x and < ${RSS_LIMIT_MB} MB`,
      met: rss.long / rss.mid <= FLAT_GOAL && rss.long < RSS_LIMIT_MB,
    },
    {
      measure: label('wall, --speed max', MID_MIN),
      baseline: `${fixed(wall.mid / 1000, 2)} s`,
      ours: `${fixed(wall.long / 1000, 2)} s`,
      ratio: `${fixed(wall.long / wall.mid, 2)}x`,
      goal: `<= ${LONG_MIN / MID_MIN}x (linear)`,
      met: wall.long / wall.mid <= LONG_MIN / MID_MIN,
    },
    {
      measure: label(`audio s per wall s (server CPU ${fixed(serverBusy, 0)}%)`, MID_MIN),
      baseline: `${fixed(speed.mid, 0)}x`,
      ours: `${fixed(speed.long, 0)}x`,
      ratio: `${fixed(speed.long / speed.mid, 2)}x`,
      goal: '>= 0.95x (no slowdown)',
      met: speed.long / speed.mid >= 0.95,
    },
  ];
  return { rows, longRuns: runs };
}
