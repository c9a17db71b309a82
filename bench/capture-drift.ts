// The drift of `live --capture both` over a long real capture (issue #13: the channels within 50 ms
// over 60 minutes). The microphone and the system audio are two sinks' monitors of the private
// PulseAudio (test/support/virtmic); a combine sink plays a beep into both at once every
// BEEP_EVERY_S seconds. The local server keeps the stereo audio it receives; afterwards each
// beep's onset is found on each channel, and the difference is how far apart the channels are at
// that moment. `npm run bench -- drift` (only when named: it lasts BENCH_DRIFT_MINUTES, default 60).
// Both sinks run on one daemon's clock, so this measures what the aligner does with two real
// recorders (their start, their scheduling, their deliveries), not two crystals' drift: that is
// simulated in test/unit/align.test.ts (300 ppm over 60 minutes).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDeepgramServer } from '../test/support/deepgram-server/index.js';
import { writeBeep } from '../test/support/audio.js';
import { startVirtmic } from '../test/support/virtmic/index.js';
import { API_KEY, benchDataDir, CLI, fixed, progress, type Row } from './lib.js';
import { provideVirtmicScripts } from './live-cpu.js';

const MINUTES = Number(process.env.BENCH_DRIFT_MINUTES) || 60;
const BEEP_EVERY_S = 20;
const GOAL_MS = 50;
const RATE = 16000;

/** Per channel, the sample frame where each beep starts (over a quarter of full scale after 0.5 s without). */
export function beepOnsets(stereo: Buffer): [number[], number[]] {
  const onsets: [number[], number[]] = [[], []];
  const lastLoud = [-Infinity, -Infinity];
  const samples = new Int16Array(stereo.buffer, stereo.byteOffset, Math.floor(stereo.length / 2));
  for (let frame = 0; 2 * frame + 1 < samples.length; frame++) {
    for (const channel of [0, 1] as const) {
      if (Math.abs(samples[2 * frame + channel]!) < 8000) continue;
      if (frame - lastLoud[channel]! > RATE / 2) onsets[channel].push(frame);
      lastLoud[channel] = frame;
    }
  }
  return onsets;
}

export async function benchCaptureDrift(): Promise<Row[]> {
  const measure = `live --capture both, ${MINUTES} min of real capture on the virtual devices: channels apart at each beep (every ${BEEP_EVERY_S} s)`;
  const dir = mkdtempSync(join(tmpdir(), 'bench-drift-'));
  provideVirtmicScripts();
  const mic = startVirtmic();
  const server = await startDeepgramServer({ apiKey: API_KEY, keepAudio: true });
  const pactl = (...args: string[]) => execFileSync('pactl', args, { env: mic.env, encoding: 'utf8' }).trim();
  const module = pactl('load-module', 'module-combine-sink', 'sink_name=everywhere', 'slaves=virtspk,speakers', `rate=${RATE}`, 'channels=1');
  const beep = join(dir, 'beep.raw');
  writeBeep(beep, 0.5);
  const env: NodeJS.ProcessEnv = { ...mic.env, DEEPGRAM_API_KEY: API_KEY, DEEPGRAM_API_URL: server.url, NO_COLOR: '1', TRANSCRIBE_DATA_DIR: benchDataDir() };
  for (const name of Object.keys(env)) if (name.startsWith('TRANSCRIBE_') && name !== 'TRANSCRIBE_DATA_DIR') delete env[name];
  const child = spawn(process.execPath, [CLI, 'live', '--capture', 'both', '--verbose'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  let beeps = 0;
  try {
    const deadline = Date.now() + MINUTES * 60_000;
    while (Date.now() < deadline && child.exitCode === null) {
      execFileSync('paplay', ['--raw', '--format=s16le', `--rate=${RATE}`, '--channels=1', '--device=everywhere', beep], { env: mic.env });
      beeps += 1;
      if (beeps % 30 === 0) progress(`drift: ${beeps} beeps, ${fixed((server.connections[0]?.audioSeconds ?? 0) / 60, 1)} min of audio`);
      await sleep(BEEP_EVERY_S * 1000 - 1200);
    }
    await sleep(1500);
    child.kill('SIGINT');
    const code = await exited;
    if (code !== 130) throw new Error(`transcribe live exited ${String(code)}:\n${stderr}`);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    pactl('unload-module', module);
    mic.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const audio = Buffer.concat(server.connections.map((connection) => connection.audio));
  await server.close();
  const [mine, system] = beepOnsets(audio);
  const skews = mine.map((at, i) => (system[i] === undefined ? NaN : ((at - system[i]) * 1000) / RATE));
  const worst = Math.max(...skews.map(Math.abs));
  const report = /capture both: [^\n]*/.exec(stderr)?.[0] ?? 'no alignment report';
  progress(
    `drift: ${beeps} beeps played, onsets ${mine.length}/${system.length}; skews (ms) first ${skews
      .slice(0, 5)
      .map((ms) => fixed(ms, 1))
      .join(' ')}, last ${skews
      .slice(-5)
      .map((ms) => fixed(ms, 1))
      .join(' ')}; ${report}`,
  );
  const complete = mine.length === beeps && system.length === beeps;
  return [
    {
      measure,
      baseline: `${beeps} beeps, ${fixed(audio.length / 4 / RATE / 60, 1)} min of stereo audio`,
      ours: complete ? `max ${fixed(worst, 1)} ms apart (${report})` : `beeps found ${mine.length}/${system.length} of ${beeps}`,
      ratio: '-',
      goal: `<= ${GOAL_MS} ms`,
      met: complete && worst <= GOAL_MS,
    },
  ];
}
