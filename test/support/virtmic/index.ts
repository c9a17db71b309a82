import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// A private, headless PulseAudio whose default source is the monitor of a null sink: whatever is
// played into it (paplay) is "heard" by any recorder, in real time; silence otherwise. Also a
// source "virtmic" fed by a FIFO: with no writer it delivers nothing at all (a stalled microphone).
// The default sink is a second null sink, "speakers": what the computer plays (its monitor is the
// system audio of `--capture system|both`), separate from the microphone.
// Needs pulseaudio, pulseaudio-utils, libasound2-plugins, alsa-utils, sox, espeak-ng. Works as root.

const HERE = fileURLToPath(new URL('.', import.meta.url));

/** Variables that would steer recorders away from the private daemon or change their behaviour. */
const INHERITED_NOISE = ['PULSE_SOURCE', 'PULSE_SINK', 'PULSE_LATENCY_MSEC', 'AUDIODEV', 'AUDIODRIVER', 'ALSA_CONFIG_PATH'];

export interface Virtmic {
  /** process.env pointed at the private daemon (XDG_RUNTIME_DIR, PULSE_SERVER, PULSE_COOKIE). */
  env: Record<string, string | undefined>;
  dir: string;
  /** Source "virtmic" reads this FIFO. */
  fifo: string;
  /** "Speaks" 16 kHz mono s16le raw audio into the microphone (the default source); resolves when played. */
  play(rawFile: string): Promise<void>;
  /** Plays 16 kHz mono s16le raw audio out of the "speakers" (the default sink, whose monitor is the system audio). */
  playSystem(rawFile: string): Promise<void>;
  /** Kills the daemon and removes its directory (idempotent): recorders see the server go away. */
  stop(): void;
}

export function startVirtmic(): Virtmic {
  const dir = mkdtempSync(join(tmpdir(), 'virtmic-'));
  let out: string;
  try {
    out = execFileSync('sh', [join(HERE, 'start-virtmic.sh'), dir], { encoding: 'utf8', timeout: 15_000 });
  } catch (error) {
    // The daemon's log goes into the error: the directory it was in does not outlive the run.
    const log = readFileSync(join(dir, 'pulse.log'), { encoding: 'utf8', flag: 'a+' });
    execFileSync('sh', [join(HERE, 'stop-virtmic.sh'), dir], { stdio: 'ignore', timeout: 15_000 });
    throw new Error(`${(error as Error).message}\npulse.log:\n${log.slice(-2000)}`);
  }
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of INHERITED_NOISE) delete env[name];
  for (const [, name, value] of out.matchAll(/(\w+)='([^']*)'/g)) if (name) env[name] = value;
  const fifo = env.VIRTMIC_FIFO;
  if (!fifo || !env.PULSE_SERVER) throw new Error(`start-virtmic.sh gave no environment: ${out}`);
  let stopped = false;
  return {
    env,
    dir,
    fifo,
    play: (rawFile) => playInto('virtspk', rawFile, env),
    playSystem: (rawFile) => playInto('speakers', rawFile, env),
    stop: () => {
      if (stopped) return;
      stopped = true;
      execFileSync('sh', [join(HERE, 'stop-virtmic.sh'), dir], { stdio: 'ignore', timeout: 15_000 });
    },
  };
}

function playInto(sink: string, rawFile: string, env: Record<string, string | undefined>): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = ['--raw', '--format=s16le', '--rate=16000', '--channels=1', `--device=${sink}`, rawFile];
    execFile('paplay', args, { env, timeout: 60_000 }, (error) => (error ? reject(error) : resolve()));
  });
}

/** espeak-ng speech as 16 kHz mono s16le raw: `speech` exactly, and `padded` with 1 s of silence each side. */
export function makeSpeech(dir: string, text?: string): { speech: string; padded: string } {
  execFileSync('sh', [join(HERE, 'make-test-audio.sh'), dir, ...(text ? [text] : [])], { stdio: 'ignore', timeout: 60_000 });
  return { speech: join(dir, 'speech16k.raw'), padded: join(dir, 'speech16k_pad.raw') };
}
