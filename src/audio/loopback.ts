import { execFile } from 'node:child_process';
import { AudioSourceError } from '../errors.js';
import { childEnv } from './child-env.js';

/**
 * macOS and Windows cannot record what the computer plays without a loopback device: a virtual
 * input that hears the output. `--capture system` looks for one in the platform's device list
 * and records from it; without one it fails (exit 4) with the steps to set one up.
 */

/** Loopback inputs we know, best first. */
const MAC_LOOPBACKS = [/^BlackHole\b/i, /^Loopback\b/i, /^Soundflower\b/i];
const WINDOWS_LOOPBACKS = [/^CABLE Output\b/i, /^Stereo Mix\b/i, /^What U Hear\b/i, /^Wave Out Mix\b/i];

export const MAC_SETUP =
  'install BlackHole (brew install blackhole-2ch), then in Audio MIDI Setup add a Multi-Output Device with your speakers and BlackHole 2ch ticked and choose it as the sound output; or give --system-device with the name of another loopback input (e.g. Loopback)';
export const WINDOWS_SETUP =
  'enable Stereo Mix (Control Panel > Sound > Recording: right-click, Show Disabled Devices, Stereo Mix, Enable), or install VB-CABLE (https://vb-audio.com/Cable/) and choose CABLE Input as the output; or give --system-device with the input’s name';

/** Input device names in `system_profiler SPAudioDataType` output: a device is an indented "Name:" line followed by its properties, inputs having "Input Channels". */
export function parseMacAudioDevices(text: string): string[] {
  const names: string[] = [];
  let current: string | undefined;
  for (const line of text.split('\n')) {
    const device = /^ {8}(\S.*):\s*$/.exec(line);
    if (device) current = device[1];
    else if (current && /^\s+Input Channels:\s*\d+/.test(line)) {
      names.push(current);
      current = undefined;
    }
  }
  return names;
}

/** Recording endpoints from `Get-PnpDevice -Class AudioEndpoint` (one FriendlyName a line). */
export function parseWindowsEndpoints(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

/** The first known loopback device among `names`, or undefined. */
export function findLoopback(names: string[], platform: 'darwin' | 'win32'): string | undefined {
  for (const pattern of platform === 'darwin' ? MAC_LOOPBACKS : WINDOWS_LOOPBACKS) {
    const found = names.find((name) => pattern.test(name));
    if (found) return found;
  }
  return undefined;
}

/** The command that lists audio devices on the platform. */
export function deviceListCommand(platform: 'darwin' | 'win32'): { command: string; args: string[] } {
  if (platform === 'darwin') return { command: 'system_profiler', args: ['SPAudioDataType'] };
  const script = 'Get-PnpDevice -Class AudioEndpoint -Status OK | ForEach-Object { $_.FriendlyName }';
  return { command: 'powershell', args: ['-NoProfile', '-NonInteractive', '-Command', script] };
}

export type CommandRunner = (command: string, args: string[]) => Promise<string>;

export function runCommand(env: Record<string, string | undefined>): CommandRunner {
  return (command, args) =>
    new Promise((resolve) => {
      // A missing or failing lister is "no device found": the error then says how to set one up.
      execFile(command, args, { env: childEnv(env), timeout: 10_000, encoding: 'utf8' }, (_error, stdout) => resolve(stdout ?? ''));
    });
}

/** The loopback input to record the system's audio from on macOS or Windows; AudioSourceError (exit 4) with the setup steps when there is none. */
export async function loopbackDevice(platform: 'darwin' | 'win32', run: CommandRunner): Promise<string> {
  const { command, args } = deviceListCommand(platform);
  const text = await run(command, args);
  const names = platform === 'darwin' ? parseMacAudioDevices(text) : parseWindowsEndpoints(text);
  const found = findLoopback(names, platform);
  if (found) return platform === 'win32' ? found.slice(0, 31) : found; // WinMM (SoX's waveaudio) knows names by their first 31 characters
  const system = platform === 'darwin' ? 'macOS' : 'Windows';
  throw new AudioSourceError(
    `cannot record the system's audio: ${system} needs a loopback input for that, and none was found`,
    platform === 'darwin' ? MAC_SETUP : WINDOWS_SETUP,
  );
}
