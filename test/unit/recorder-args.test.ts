import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listDevices, parseArecordList, parsePactlSources } from '../../src/audio/devices.js';
import { ChunkAligner, chooseRecorder, formatOf, recorderCommand, stderrReason, type RecorderName } from '../../src/audio/recorder.js';
import { AudioSourceError, UsageError } from '../../src/errors.js';

// Fake PATH directories: an executable file is all `which` looks for.
const root = mkdtempSync(join(tmpdir(), 'transcribe-recorder-args-'));
function bin(name: string, tools: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [tool, script] of Object.entries(tools)) {
    writeFileSync(join(dir, tool), `#!/bin/sh\n${script}\n`);
    chmodSync(join(dir, tool), 0o755);
  }
  return dir;
}
const ALL = bin('all', { arecord: '', rec: '', sox: '', stdbuf: '' });
const NO_ARECORD = bin('no-arecord', { rec: '', sox: '', stdbuf: '' });
const SOX_ONLY = bin('sox-only', { sox: '' });
const NO_STDBUF = bin('no-stdbuf', { arecord: '', rec: '', sox: '' });
const EMPTY = bin('empty', {});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('chooseRecorder', () => {
  it.each<[string, string, NodeJS.Platform, RecorderName | undefined, RecorderName]>([
    ['Linux prefers arecord', ALL, 'linux', undefined, 'arecord'],
    ['Linux without arecord takes rec', NO_ARECORD, 'linux', undefined, 'rec'],
    ['sox when it is all there is', SOX_ONLY, 'linux', undefined, 'sox'],
    ['macOS never picks arecord', ALL, 'darwin', undefined, 'rec'],
    ['Windows: sox.exe alone', SOX_ONLY, 'win32', undefined, 'sox'],
    ['a forced recorder wins', ALL, 'linux', 'sox', 'sox'],
    ['forced rec', ALL, 'linux', 'rec', 'rec'],
  ])('%s', (_name, path, platform, recorder, chosen) => {
    expect(chooseRecorder({ env: { PATH: path }, platform, recorder })).toEqual({ name: chosen, path: join(path, chosen) });
  });

  it.each<[string, string, NodeJS.Platform, RecorderName | undefined, string, string]>([
    [
      'none on Linux',
      EMPTY,
      'linux',
      undefined,
      'cannot record from the microphone: neither arecord nor SoX (rec, sox) is on PATH',
      'install one (Debian/Ubuntu): sudo apt-get install alsa-utils (arecord), or sudo apt-get install sox (rec)',
    ],
    ['none on macOS', EMPTY, 'darwin', undefined, 'cannot record from the microphone: SoX (rec, sox) is not on PATH', 'install SoX: brew install sox'],
    [
      'none on Windows',
      EMPTY,
      'win32',
      undefined,
      'cannot record from the microphone: SoX (rec, sox) is not on PATH',
      'install SoX for Windows (https://sourceforge.net/projects/sox/) and add its folder to PATH',
    ],
    [
      'forced arecord missing',
      NO_ARECORD,
      'linux',
      'arecord',
      'cannot record with arecord: it is not on PATH',
      'install alsa-utils (Debian/Ubuntu: sudo apt-get install alsa-utils)',
    ],
    ['forced rec missing', SOX_ONLY, 'linux', 'rec', 'cannot record with rec: it is not on PATH', 'install SoX (Debian/Ubuntu: sudo apt-get install sox)'],
    ['forced arecord on macOS', EMPTY, 'darwin', 'arecord', 'cannot record with arecord: it is not on PATH', 'install SoX: brew install sox'],
  ])('%s: AudioSourceError (exit 4) naming the package', (_name, path, platform, recorder, message, hint) => {
    const attempt = () => chooseRecorder({ env: { PATH: path }, platform, recorder });
    expect(attempt).toThrow(AudioSourceError);
    expect(attempt).toThrow(expect.objectContaining({ message, hint, exitCode: 4 }));
  });

  it('an unknown recorder name is a usage error', () => {
    expect(() => chooseRecorder({ env: { PATH: ALL }, recorder: 'ffmpeg' as RecorderName })).toThrow(UsageError);
  });
});

describe('recorderCommand: the library command line, the device where each recorder reads it, chunks of 100 ms (one frame)', () => {
  const base = { PATH: ALL, HOME: '/home/u' };
  it.each<
    [
      string,
      RecorderName,
      { sampleRate?: number; channels?: number; device?: string; env?: Record<string, string>; chunkMs?: number },
      string,
      string[],
      Record<string, string>,
    ]
  >([
    [
      'arecord: -D device, ALSA period 100 ms in an 800 ms buffer',
      'arecord',
      { device: 'hw:1,0' },
      `${ALL}/arecord`,
      ['-D', 'hw:1,0', '-q', '-r', '16000', '-c', '1', '-t', 'raw', '-f', 'S16_LE', '--period-time=100000', '--buffer-time=800000', '-'],
      {},
    ],
    [
      'arecord for Flux: a period of its 80 ms frame',
      'arecord',
      { chunkMs: 80 },
      `${ALL}/arecord`,
      ['-q', '-r', '16000', '-c', '1', '-t', 'raw', '-f', 'S16_LE', '--period-time=80000', '--buffer-time=640000', '-'],
      {},
    ],
    [
      'arecord without a device',
      'arecord',
      { device: '' },
      `${ALL}/arecord`,
      ['-q', '-r', '16000', '-c', '1', '-t', 'raw', '-f', 'S16_LE', '--period-time=100000', '--buffer-time=800000', '-'],
      {},
    ],
    [
      'rec: the device the library drops goes into AUDIODEV; unbuffered stdout, 1600-sample blocks, PulseAudio 100 ms',
      'rec',
      { device: 'plughw:1' },
      `${ALL}/stdbuf`,
      ['-o0', `${ALL}/rec`, '--buffer', '1600', '-q', '-r', '16000', '-c', '1', '-e', 'signed-integer', '-b', '16', '-t', 'raw', '-'],
      { AUDIODEV: 'plughw:1', PULSE_LATENCY_MSEC: '100' },
    ],
    [
      'sox at 48 kHz stereo',
      'sox',
      { sampleRate: 48000, channels: 2 },
      `${ALL}/stdbuf`,
      [
        '-o0',
        `${ALL}/sox`,
        '--buffer',
        '9600',
        '--default-device',
        '--no-show-progress',
        '--rate',
        '48000',
        '--channels',
        '2',
        '--encoding',
        'signed-integer',
        '--bits',
        '16',
        '--type',
        'raw',
        '-',
      ],
      { PULSE_LATENCY_MSEC: '100' },
    ],
    [
      "the user's own PULSE_LATENCY_MSEC is kept",
      'sox',
      { env: { PULSE_LATENCY_MSEC: '20' } },
      `${ALL}/stdbuf`,
      [
        '-o0',
        `${ALL}/sox`,
        '--buffer',
        '1600',
        '--default-device',
        '--no-show-progress',
        '--rate',
        '16000',
        '--channels',
        '1',
        '--encoding',
        'signed-integer',
        '--bits',
        '16',
        '--type',
        'raw',
        '-',
      ],
      { PULSE_LATENCY_MSEC: '20' },
    ],
  ])('%s', (_name, name, options, command, args, extraEnv) => {
    const env = { ...base, ...options.env };
    const result = recorderCommand({ ...options, env, platform: 'linux' }, { name, path: join(ALL, name) });
    expect(result).toEqual({ recorder: name, command, args, env: { ...env, ...extraEnv } });
  });

  it('without stdbuf, or off Linux (no glibc stdout buffering to undo), sox runs directly', () => {
    const noStdbuf = recorderCommand({ env: { PATH: NO_STDBUF }, platform: 'linux' }, { name: 'rec', path: join(NO_STDBUF, 'rec') });
    expect(noStdbuf.command).toBe(join(NO_STDBUF, 'rec'));
    expect(noStdbuf.args.slice(0, 3)).toEqual(['--buffer', '1600', '-q']);
    const mac = recorderCommand({ env: { PATH: ALL }, platform: 'darwin', device: 'MacBook Pro Microphone' }, { name: 'rec', path: join(ALL, 'rec') });
    expect(mac.command).toBe(join(ALL, 'rec'));
    expect(mac.env.AUDIODEV).toBe('MacBook Pro Microphone');
  });

  it('does not touch the environment it was given', () => {
    const env = { PATH: ALL };
    recorderCommand({ env, device: 'x', platform: 'linux' }, { name: 'sox', path: join(ALL, 'sox') });
    expect(env).toEqual({ PATH: ALL });
  });
});

it('the build ships the CommonJS recorder module next to the bundle chunk that refers to it (npm test builds first)', () => {
  const dist = new URL('../../dist/', import.meta.url);
  const referrers = readdirSync(dist).filter((name) => name.endsWith('.js') && readFileSync(new URL(name, dist), 'utf8').includes('"./lpcm16-recorder.cjs"'));
  expect(referrers).toHaveLength(1);
  expect(existsSync(new URL('lpcm16-recorder.cjs', dist))).toBe(true);
});

describe('formatOf', () => {
  it('defaults to 16 kHz mono', () => expect(formatOf({})).toEqual({ sampleRate: 16000, channels: 1 }));
  it.each([[{ sampleRate: 0 }], [{ sampleRate: 16000.5 }], [{ channels: 0 }], [{ channels: 9 }]])('rejects %o', (options) => {
    expect(() => formatOf(options)).toThrow(UsageError);
  });
});

describe('stderrReason: the recorder’s own words, without source locations', () => {
  it.each([
    [
      'arecord, bogus device',
      'ALSA lib pcm.c:2666:(snd_pcm_open_noupdate) Unknown PCM bogus\narecord: main:831: audio open error: No such file or directory\n',
      'ALSA: Unknown PCM bogus; arecord: audio open error: No such file or directory',
    ],
    [
      'arecord through PulseAudio, no such source: its hw-params dump is left out',
      'ALSA lib pcm_pulse.c:758:(pulse_prepare) PulseAudio: Unable to create stream: No such entity\n\narecord: set_params:1416: Unable to install hw params:\nACCESS:  RW_INTERLEAVED\nFORMAT:  S16_LE\nCHANNELS: 1\nRATE: 16000\nBUFFER_BYTES: 12800\nTICK_TIME: [0 0]\n',
      'ALSA: PulseAudio: Unable to create stream: No such entity; arecord: Unable to install hw params:',
    ],
    [
      'sox through stdbuf (argv[0] is a path)',
      'ALSA lib pcm.c:2666:(snd_pcm_open_noupdate) Unknown PCM bogus\n/usr/bin/sox FAIL sox: Sorry, there is no default audio device configured\n',
      'ALSA: Unknown PCM bogus; sox: Sorry, there is no default audio device configured',
    ],
    [
      'rec, server gone',
      "rec FAIL sox: `default' error reading from pulse audio device: Connection terminated: Operation not permitted\n",
      "sox: `default' error reading from pulse audio device: Connection terminated: Operation not permitted",
    ],
    [
      'overruns are noise',
      'overrun!!! (at least 12.3 ms long)\narecord: pcm_read:2221: read error: Input/output error\n',
      'arecord: read error: Input/output error',
    ],
    ['at most the last three distinct lines', 'a\nb\nb\nc\nd\n', 'b; c; d'],
    ['nothing', '\n', ''],
  ])('%s', (_name, stderr, reason) => {
    expect(stderrReason(stderr)).toBe(reason);
  });
});

describe('ChunkAligner: whole sample frames, at most 200 ms per chunk, nothing lost', () => {
  it.each<[string, number, number[], number[]]>([
    ['whole chunks pass as they are', 1, [1600, 3200], [1600, 3200]],
    ['an odd byte waits for the next chunk', 1, [1959, 977, 1], [1958, 978]],
    ['stereo keeps 4-byte frames', 2, [6, 6, 4], [4, 8, 4]],
    ['a 2 s burst is cut into 200 ms pieces', 1, [64000], Array<number>(10).fill(6400)],
    ['a burst with a tail', 1, [6401, 1], [6400, 2]],
  ])('%s', (_name, channels, chunks, out) => {
    const aligner = new ChunkAligner({ sampleRate: 16000, channels });
    const bytes = chunks.map((size, n) => Buffer.alloc(size, n + 1));
    const pieces = bytes.flatMap((chunk) => aligner.push(chunk));
    expect(pieces.map((piece) => piece.length)).toEqual(out);
    const total = out.reduce((a, b) => a + b, 0);
    expect(Buffer.concat(pieces)).toEqual(Buffer.concat(bytes).subarray(0, total));
  });
});

describe('devices', () => {
  const ARECORD_L = [
    'null',
    '    Discard all samples (playback) or generate zero samples (capture)',
    'default',
    '    Playback/recording through the PulseAudio sound server',
    'samplerate',
    '    Rate Converter Plugin Using Samplerate Library',
    'hw:CARD=PCH,DEV=0',
    '    HDA Intel PCH, ALC257 Analog',
    '    Direct hardware device without any conversions',
    '',
  ].join('\n');
  const PACTL = '0\tvirtspk.monitor\tmodule-null-sink.c\ts16le 1ch 16000Hz\tIDLE\n1\tvirtmic\tmodule-pipe-source.c\ts16le 1ch 16000Hz\tSUSPENDED\n';

  it('parses arecord -L, leaving out plugins that are no microphone', () => {
    expect(parseArecordList(ARECORD_L)).toEqual([
      { name: 'default', description: 'Playback/recording through the PulseAudio sound server' },
      { name: 'hw:CARD=PCH,DEV=0', description: 'HDA Intel PCH, ALC257 Analog, Direct hardware device without any conversions' },
    ]);
  });

  it('parses pactl list short sources, marking monitors', () => {
    expect(parsePactlSources(PACTL)).toEqual([
      { name: 'virtspk.monitor', description: 's16le 1ch 16000Hz [system audio] (what an output plays, not a microphone)' },
      { name: 'virtmic', description: 's16le 1ch 16000Hz' },
    ]);
  });

  it('lists ALSA devices and PulseAudio sources on Linux', async () => {
    // printf is a shell builtin: the fake PATH needs no cat.
    const path = bin('devices', { arecord: `printf '%s' '${ARECORD_L}'`, pactl: `printf '%s' '${PACTL}'` });
    expect(await listDevices({ env: { PATH: path }, platform: 'linux' })).toBe(
      [
        'ALSA devices (arecord -L); give a name as the device:',
        '  default            Playback/recording through the PulseAudio sound server',
        '  hw:CARD=PCH,DEV=0  HDA Intel PCH, ALC257 Analog, Direct hardware device without any conversions',
        '',
        'PulseAudio/PipeWire sources (pactl list short sources); to record from one, set PULSE_SOURCE=<name> and give no device:',
        '  virtspk.monitor  s16le 1ch 16000Hz [system audio] (what an output plays, not a microphone)',
        '  virtmic          s16le 1ch 16000Hz',
        '',
        '--capture system|both records @DEFAULT_MONITOR@, the monitor of the default output; --system-device <name> picks another [system audio] source.',
        '',
      ].join('\n'),
    );
  });

  it('says what to install when Linux has neither tool, and how it works elsewhere', async () => {
    expect(await listDevices({ env: { PATH: EMPTY }, platform: 'linux' })).toBe(
      'ALSA devices: arecord is not installed (install alsa-utils (Debian/Ubuntu: sudo apt-get install alsa-utils)).\n',
    );
    expect(await listDevices({ env: { PATH: EMPTY }, platform: 'darwin' })).toMatch(/System Settings > Sound > Input[\s\S]*brew install sox/);
    expect(await listDevices({ env: { PATH: EMPTY }, platform: 'win32' })).toMatch(/Settings > System > Sound > Input/);
  });

  it('reports a sound server that does not answer', async () => {
    const path = bin('devices-down', { arecord: 'echo default', pactl: 'echo "Connection failure: Connection refused" >&2; exit 1' });
    expect(await listDevices({ env: { PATH: path }, platform: 'linux' })).toBe(
      'ALSA devices (arecord -L); give a name as the device:\n  default\n\nPulseAudio/PipeWire: no server answered (Connection failure: Connection refused).\n',
    );
  });
});
