// Measure 6: latency from a final Results message sent by the server to its line on the CLI's
// stdout, p50/p99/max over UTTERANCES finals per run.
// The script is UTTERANCES two-word sentences ("Go now."), each followed by a pause longer
// than the CLI's endpointing (300 ms) and shorter than its utterance_end_ms (1000 ms), so each
// sentence ends in exactly one final with speech_final: true, which the CLI prints as one line.
// `transcribe file <wav> --speed SPEED` streams a WAV long enough to cover the script.
// Timestamps, both on this process's performance.now() clock (the server runs in this process):
//   sent:    the server's log entry (connections[0].sent[i].at, ms since the handshake request,
//            taken right after ws.send()), converted with opened = now() - record.elapsed();
//   printed: performance.now() in the 'data' handler of the CLI's stdout pipe; every complete
//            line in a chunk gets the chunk's time.
// Lines are matched to finals in order, and each line must end with its final's transcript.
// (The empty final the server sends after CloseStream prints nothing and is left out.)
// The server and the stdout reader share this process's event loop, so the figures include any
// time the loop spends handling audio frames before it reads the pipe: at --speed max the
// server is busy ~50% of the time (see the memory rows) and that would dominate; SPEED keeps
// the frame rate low enough (~SPEED x 20 frames/s) that the loop is idle when a line arrives.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ConnectionRecord } from '../test/support/deepgram-server/connection-log.js';
import { scriptFromText, startDeepgramServer, type ScriptWord } from '../test/support/deepgram-server/index.js';
import { API_KEY, CLI, cliEnv, fixed, median, progress, writeLoopedWav, type Row } from './lib.js';

export const UTTERANCES = 1000;
const RUNS = 3;
/** Audio x real time. 1000 utterances of 0.8 s = 800 s of audio: ~20 s per run at 40x. */
export const SPEED = 40;
const GOAL_P99_MS = 5;
const TIMING = { startAt: 0.5, wordSec: 0.15, pauseAfterSentenceSec: 0.5 };

interface ResultsMessage {
  type?: string;
  is_final?: boolean;
  speech_final?: boolean;
  channel?: { alternatives?: { transcript?: string }[] };
}

export interface LatencyRun {
  /** printed - sent, ms, one per final in order. */
  latencies: number[];
  wallMs: number;
}

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
};

async function latencyOnce(wav: string, script: ScriptWord[], speed: string): Promise<LatencyRun> {
  const server = await startDeepgramServer({ script, apiKey: API_KEY, keepAudio: false });
  try {
    const lines: { at: number; text: string }[] = [];
    let stderr = '';
    const started = performance.now();
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('node', [CLI, 'file', wav, '--speed', speed], { env: cliEnv(server.url), stdio: ['ignore', 'pipe', 'pipe'] });
      let partial = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        const at = performance.now();
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        for (const text of parts) lines.push({ at, text });
      });
      child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
      child.on('error', reject);
      child.on('close', resolve);
    });
    const wallMs = performance.now() - started;
    if (code !== 0) throw new Error(`transcribe file exited ${code}:\n${stderr.slice(-2000)}`);
    const record = server.connections[0];
    if (server.connections.length !== 1 || !(record instanceof ConnectionRecord)) throw new Error(`expected 1 connection, got ${server.connections.length}`);
    const openedAt = performance.now() - record.elapsed();
    const finals = record.sent.filter((entry) => {
      const message = entry.message as ResultsMessage;
      const transcript = message.channel?.alternatives?.[0]?.transcript;
      return message.type === 'Results' && message.is_final === true && message.speech_final === true && Boolean(transcript);
    });
    if (finals.length !== UTTERANCES || lines.length !== UTTERANCES)
      throw new Error(`expected ${UTTERANCES} finals and lines, got ${finals.length} speech_final finals and ${lines.length} lines`);
    const latencies = finals.map((entry, i) => {
      const line = lines[i] as { at: number; text: string };
      const transcript = (entry.message as ResultsMessage).channel?.alternatives?.[0]?.transcript ?? '';
      if (!transcript || !line.text.endsWith(transcript)) throw new Error(`line ${i} ${JSON.stringify(line.text)} is not final ${JSON.stringify(transcript)}`);
      return line.at - (openedAt + entry.at);
    });
    return { latencies, wallMs };
  } finally {
    await server.close();
  }
}

export async function benchFinalLatency(): Promise<Row[]> {
  const script = scriptFromText('Go now. '.repeat(UTTERANCES), TIMING);
  const seconds = Math.ceil((script.at(-1) as ScriptWord).end + 2);
  const dir = mkdtempSync(join(tmpdir(), 'bench-latency-'));
  const runs: LatencyRun[] = [];
  try {
    const wav = join(dir, 'utterances.wav');
    writeLoopedWav(wav, seconds);
    for (let i = 0; i < RUNS; i++) {
      const one = await latencyOnce(wav, script, String(SPEED));
      runs.push(one);
      progress(
        `final latency: run ${i + 1}/${RUNS} (${seconds} s of audio at ${SPEED}x, ${fixed(one.wallMs / 1000, 1)} s): ` +
          `min ${fixed(Math.min(...one.latencies), 3)} ms, p50 ${fixed(percentile(one.latencies, 50), 2)} ms, p99 ${fixed(percentile(one.latencies, 99), 2)} ms, max ${fixed(Math.max(...one.latencies), 2)} ms`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const p50 = median(runs.map((one) => percentile(one.latencies, 50)));
  const p99 = median(runs.map((one) => percentile(one.latencies, 99)));
  const max = median(runs.map((one) => Math.max(...one.latencies)));
  return [
    {
      measure: `final sent -> line on stdout, ${UTTERANCES} finals at --speed ${SPEED} (median of ${RUNS} runs)`,
      baseline: '-',
      ours: `p50 ${fixed(p50, 2)} / p99 ${fixed(p99, 2)} / max ${fixed(max, 2)} ms`,
      ratio: '-',
      goal: `p99 <= ${GOAL_P99_MS} ms`,
      met: p99 <= GOAL_P99_MS,
    },
  ];
}
