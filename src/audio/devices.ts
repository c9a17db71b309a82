import { execFile } from 'node:child_process';
import { childEnv } from './child-env.js';
import { deviceListCommand, findLoopback, MAC_SETUP, parseMacAudioDevices, parseWindowsEndpoints, WINDOWS_SETUP } from './loopback.js';
import { installHint } from './recorder.js';
import { which } from './which.js';

export interface ListDevicesOptions {
  env: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
}

export interface DeviceEntry {
  name: string;
  description: string;
}

// ALSA plugins that `arecord -L` lists but that are no microphone (resamplers, mixers, the bit bucket).
const NOT_INPUTS = new Set(['null', 'lavrate', 'samplerate', 'speexrate', 'speex', 'upmix', 'vdownmix']);

/** `arecord -L`: a name at the start of a line, its description indented below it. */
export function parseArecordList(text: string): DeviceEntry[] {
  const entries: DeviceEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    if (!/^\s/.test(line)) entries.push({ name: line.trim(), description: '' });
    else {
      const last = entries[entries.length - 1];
      if (last) last.description = last.description ? `${last.description}, ${line.trim()}` : line.trim();
    }
  }
  return entries.filter((entry) => !NOT_INPUTS.has(entry.name));
}

/** `pactl list short sources`: index, name, driver, sample spec, state, separated by tabs. */
export function parsePactlSources(text: string): DeviceEntry[] {
  return text
    .split('\n')
    .map((line) => line.split('\t'))
    .filter((fields) => fields.length >= 2 && fields[1])
    .map(([, name = '', , spec = '']) => ({
      name,
      description: name.endsWith('.monitor') ? `${spec} [system audio] (what an output plays, not a microphone)`.trim() : spec,
    }));
}

function run(command: string, args: string[], env: Record<string, string | undefined>): Promise<{ stdout: string; error?: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { env: childEnv(env), timeout: 5000, encoding: 'utf8' }, (error, stdout, stderr) => {
      const reason = stderr.trim().split('\n').pop() || error?.message;
      resolve(error ? { stdout, error: reason ?? 'failed' } : { stdout });
    });
  });
}

function table(entries: DeviceEntry[]): string[] {
  const width = Math.max(...entries.map((entry) => entry.name.length));
  return entries.map((entry) => `  ${entry.name.padEnd(width)}  ${entry.description}`.trimEnd());
}

/** macOS/Windows: the audio devices the platform lists, loopback inputs (system audio) marked. */
async function loopbackLines(platform: 'darwin' | 'win32', env: Record<string, string | undefined>): Promise<string[]> {
  const { command, args } = deviceListCommand(platform);
  const path = which(command, env);
  const { stdout } = path ? await run(path, args, env) : { stdout: '' };
  const names = platform === 'darwin' ? parseMacAudioDevices(stdout) : parseWindowsEndpoints(stdout);
  const loopback = findLoopback(names, platform);
  const lines = names.length
    ? ['', `Audio inputs (${[command, ...args.slice(0, 1)].join(' ')}):`, ...names.map((name) => `  ${name}${name === loopback ? '  [system audio]' : ''}`)]
    : [];
  if (loopback) lines.push('', `--capture system|both records the system audio from "${loopback}" (or give --system-device <name>).`);
  else lines.push('', `--capture system|both needs a loopback input, and none was found: ${platform === 'darwin' ? MAC_SETUP : WINDOWS_SETUP}.`);
  return lines;
}

/** What the platform offers as microphones and system-audio sources, as text for the terminal (never throws). */
export async function listDevices(options: ListDevicesOptions): Promise<string> {
  const platform = options.platform ?? process.platform;
  if (platform === 'darwin' || platform === 'win32') return (await platformDevices(platform, options.env)).join('\n') + '\n';
  return linuxDevices(options);
}

async function platformDevices(platform: 'darwin' | 'win32', env: Record<string, string | undefined>): Promise<string[]> {
  const loopback = await loopbackLines(platform, env);
  if (platform === 'darwin') {
    return [
      [
        'On macOS, SoX (rec) records from the default input: choose it in System Settings > Sound > Input.',
        'To see the inputs: system_profiler SPAudioDataType. To record from another one, give its name as the device.',
        `Recording needs SoX: ${installHint(platform)}.`,
      ].join('\n'),
      ...loopback,
    ];
  }
  return [
    [
      'On Windows, SoX records from the default recording device: choose it in Settings > System > Sound > Input.',
      `Recording needs SoX: ${installHint(platform)}.`,
    ].join('\n'),
    ...loopback,
  ];
}

async function linuxDevices(options: ListDevicesOptions): Promise<string> {
  const platform = options.platform ?? process.platform;
  const lines: string[] = [];
  const arecord = which('arecord', options.env);
  const pactl = which('pactl', options.env);
  if (arecord) {
    const { stdout, error } = await run(arecord, ['-L'], options.env);
    const entries = parseArecordList(stdout);
    lines.push('ALSA devices (arecord -L); give a name as the device:');
    if (entries.length) lines.push(...table(entries));
    else lines.push(`  none found${error ? `: ${error}` : ''}`);
  } else {
    lines.push(`ALSA devices: arecord is not installed (${installHint(platform, 'arecord')}).`);
  }
  if (pactl) {
    const { stdout, error } = await run(pactl, ['list', 'short', 'sources'], options.env);
    const entries = parsePactlSources(stdout);
    if (entries.length) {
      lines.push('', 'PulseAudio/PipeWire sources (pactl list short sources); to record from one, set PULSE_SOURCE=<name> and give no device:');
      lines.push(...table(entries));
      lines.push(
        '',
        `--capture system|both records @DEFAULT_MONITOR@, the monitor of the default output; --system-device <name> picks another [system audio] source.`,
      );
    } else if (error) {
      lines.push('', `PulseAudio/PipeWire: no server answered (${error}).`);
    }
  }
  return lines.join('\n') + '\n';
}
