// Measure 8: pacing accuracy of `transcribe file <wav> --speed S` over SECONDS s of audio.
// From the local server's frame log (arrival time of every binary frame, on one clock): the
// audio sent before the last frame (all frames but the last: the pacer holds frame k until the
// audio of frames 0..k-1 fits in speed x the time since the first frame) divided by the wall
// time from the first to the last frame's arrival, against the requested speed. One run per
// speed: at 1x a run takes a minute, and the bench as a whole should stay under ~6 minutes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDeepgramServer } from '../test/support/deepgram-server/index.js';
import { API_KEY, BYTES_PER_SEC, CLI, cliEnv, fixed, mustSucceed, progress, run, writeLoopedWav, type Row } from './lib.js';

const SECONDS = 60;
const SPEEDS = [1, 1.25];
/** |achieved / requested - 1| must not exceed this. */
const GOAL = 0.02;

async function paceOnce(wav: string, speed: number): Promise<{ achieved: number; frames: number; wallSec: number }> {
  const server = await startDeepgramServer({ apiKey: API_KEY, keepAudio: false });
  try {
    mustSucceed(`transcribe file --speed ${speed}`, await run('node', [CLI, 'file', wav, '--speed', String(speed)], cliEnv(server.url)));
    const connection = server.connections[0];
    if (server.connections.length !== 1 || !connection) throw new Error(`expected 1 connection, got ${server.connections.length}`);
    const frames = connection.frames.filter((frame) => frame.bytes > 0);
    const [first, last] = [frames[0], frames.at(-1)];
    if (!first || !last || frames.length < 2) throw new Error('fewer than 2 audio frames arrived');
    if (Math.abs(connection.audioSeconds - SECONDS) > 0.001) throw new Error(`server heard ${connection.audioSeconds} s, not ${SECONDS}`);
    const audioSec = frames.slice(0, -1).reduce((sum, frame) => sum + frame.bytes, 0) / BYTES_PER_SEC;
    const wallSec = (last.at - first.at) / 1000;
    return { achieved: audioSec / wallSec, frames: frames.length, wallSec };
  } finally {
    await server.close();
  }
}

export async function benchPacing(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-pacing-'));
  const rows: Row[] = [];
  try {
    const wav = join(dir, `${SECONDS}s.wav`);
    writeLoopedWav(wav, SECONDS);
    for (const speed of SPEEDS) {
      progress(`pacing: ${SECONDS} s of audio at --speed ${speed} (~${fixed(SECONDS / speed, 0)} s)`);
      const one = await paceOnce(wav, speed);
      const error = one.achieved / speed - 1;
      progress(`pacing: --speed ${speed}: ${fixed(one.achieved, 4)}x over ${fixed(one.wallSec, 2)} s, ${one.frames} frames`);
      rows.push({
        measure: `pacing, --speed ${speed}: audio s / wall s, first -> last frame, ${SECONDS} s WAV (1 run)`,
        baseline: `${speed}x requested`,
        ours: `${fixed(one.achieved, 4)}x (${error >= 0 ? '+' : ''}${fixed(error * 100, 2)}%)`,
        ratio: `${fixed(one.achieved / speed, 4)}x`,
        goal: `within ${fixed(GOAL * 100, 0)}%`,
        met: Math.abs(error) <= GOAL,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
