// The CPU that steering a live session adds per audio second, in process (the whole-process
// figure of bench/live-cpu.ts moves by more than this between runs on a loaded machine):
// every 50 ms frame through Steering.admit with the input level measured (as on a terminal),
// the status line laid out and drawn by the TtyRenderer 4 times a second, a final every 3 s.
// Baseline: the same frames through a Steering that measures no level (a pipe: no status line).
import { Steering } from '../src/stream/steering.js';
import type { TranscriptOutput } from '../src/output/transcript-output.js';
import { statusLine } from '../src/terminal/status-line.js';
import { TtyRenderer } from '../src/terminal/tty-renderer.js';
import { fixed, median, progress, type Row } from './lib.js';

const AUDIO_SECONDS = 600;
const RUNS = 5;
const GOAL_MS_PER_SEC = 10;

function frameOfNoise(): Buffer {
  const frame = Buffer.alloc(1600);
  for (let i = 0; i < 800; i++) frame.writeInt16LE(Math.round((Math.random() - 0.5) * 8000), i * 2);
  return frame;
}

/** CPU ms per audio second of `AUDIO_SECONDS` of frames through a Steering (and its status line when `terminal`). */
function once(terminal: boolean): number {
  const output = { pause() {}, resume() {}, mark() {} } as unknown as TranscriptOutput;
  const stream = { isTTY: true, columns: 80, write: () => true };
  const renderer = new TtyRenderer(stream, false);
  const steering = new Steering({ output, end() {}, notice() {}, measureLevel: terminal });
  steering.connected({ finalize() {} });
  const frame = frameOfNoise();
  const frames = AUDIO_SECONDS * 20;
  const started = process.cpuUsage();
  for (let i = 0; i < frames; i++) {
    steering.admit(frame, 0.05, i * 0.05);
    if (i % 60 === 59) steering.final({ text: 'A line of the transcript.', start: i * 0.05 - 2, end: i * 0.05 - 0.5, channel: 0, confidence: 0.9, words: [] });
    if (terminal && i % 5 === 4) renderer.footer(statusLine(steering.snapshot(), 80));
  }
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000 / AUDIO_SECONDS;
}

export function benchSteeringCpu(): Row[] {
  once(true); // warm up
  const pipe: number[] = [];
  const tty: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    pipe.push(once(false));
    tty.push(once(true));
  }
  const base = median(pipe);
  const ours = median(tty);
  progress(`steering CPU: pipe ${pipe.map((ms) => fixed(ms, 3)).join(', ')}; terminal ${tty.map((ms) => fixed(ms, 3)).join(', ')} ms/s`);
  return [
    {
      measure: `CPU that steering adds per audio s, in process (level per frame, status line 4x/s), median of ${RUNS} x ${AUDIO_SECONDS} s`,
      baseline: `${fixed(base, 3)} ms/s on a pipe`,
      ours: `${fixed(ours, 3)} ms/s on a terminal`,
      ratio: `${fixed((ours / GOAL_MS_PER_SEC) * 100, 1)}% of the goal`,
      goal: `<< ${GOAL_MS_PER_SEC} ms/s (the whole live goal)`,
      met: ours < GOAL_MS_PER_SEC / 10,
    },
  ];
}
