import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemRecorderOptions } from '../../src/audio/capture.js';
import { listDevices } from '../../src/audio/devices.js';
import { findLoopback, loopbackDevice, MAC_SETUP, parseMacAudioDevices, parseWindowsEndpoints, WINDOWS_SETUP } from '../../src/audio/loopback.js';
import { captureFormat, captureSettings } from '../../src/commands/live-capture.js';
import { AudioSourceError, UsageError } from '../../src/errors.js';
import type { Context } from '../../src/context.js';
import { createOutput } from '../../src/output/create-output.js';
import { EchoFilterOutput, HOLD_MS } from '../../src/output/echo-filter.js';
import type { TranscriptOutput } from '../../src/output/transcript-output.js';
import { resolveSettings } from '../../src/settings/resolve.js';
import { isEcho, normaliseWord, timedWords } from '../../src/transcript/echo.js';
import type { Utterance } from '../../src/transcript/model.js';
import { FakeClock } from '../support/fake-clock.js';
import { tempDir } from '../support/temp.js';
import { said } from './transcript-helpers.js';

// Captured on a Mac with BlackHole installed (system_profiler SPAudioDataType), shortened.
const MAC_PROFILER = `Audio:

    Devices:

        BlackHole 2ch:

          Input Channels: 2
          Manufacturer: Existential Audio Inc.
          Output Channels: 2
          Current SampleRate: 48000
          Transport: Virtual

        MacBook Pro Microphone:

          Default Input Device: Yes
          Input Channels: 1
          Manufacturer: Apple Inc.
          Current SampleRate: 48000
          Transport: Built-in

        MacBook Pro Speakers:

          Default Output Device: Yes
          Default System Output Device: Yes
          Manufacturer: Apple Inc.
          Output Channels: 2
          Transport: Built-in
`;
const MAC_PLAIN = MAC_PROFILER.replace(/ {8}BlackHole 2ch:[\s\S]*?Transport: Virtual\n\n/, '');
// Get-PnpDevice -Class AudioEndpoint -Status OK | ForEach-Object { $_.FriendlyName }
const WINDOWS_ENDPOINTS =
  'Speakers (Realtek(R) Audio)\r\nMicrophone (Realtek(R) Audio)\r\nCABLE Input (VB-Audio Virtual Cable)\r\nCABLE Output (VB-Audio Virtual Cable)\r\n';
const WINDOWS_STEREO_MIX = 'Speakers (Realtek(R) Audio)\r\nStereo Mix (Realtek(R) Audio)\r\n';

describe('loopback inputs on macOS and Windows, from the device lists', () => {
  it('parses system_profiler: input devices only', () => {
    expect(parseMacAudioDevices(MAC_PROFILER)).toEqual(['BlackHole 2ch', 'MacBook Pro Microphone']);
  });
  it.each<[string, string[], 'darwin' | 'win32', string | undefined]>([
    ['BlackHole', ['MacBook Pro Microphone', 'BlackHole 2ch'], 'darwin', 'BlackHole 2ch'],
    ['Loopback (Rogue Amoeba)', ['Loopback Audio', 'MacBook Pro Microphone'], 'darwin', 'Loopback Audio'],
    ['no loopback on a Mac', ['MacBook Pro Microphone'], 'darwin', undefined],
    ['VB-CABLE: its recording side, not "CABLE Input"', parseWindowsEndpoints(WINDOWS_ENDPOINTS), 'win32', 'CABLE Output (VB-Audio Virtual Cable)'],
    ['Stereo Mix', parseWindowsEndpoints(WINDOWS_STEREO_MIX), 'win32', 'Stereo Mix (Realtek(R) Audio)'],
    ['no loopback on Windows', ['Speakers (Realtek(R) Audio)', 'Microphone (Realtek(R) Audio)'], 'win32', undefined],
  ])('%s', (_name, names, platform, found) => {
    expect(findLoopback(names, platform)).toBe(found);
  });

  it('records from the loopback found; WinMM names are cut to 31 characters', async () => {
    expect(await loopbackDevice('darwin', () => Promise.resolve(MAC_PROFILER))).toBe('BlackHole 2ch');
    expect(await loopbackDevice('win32', () => Promise.resolve(WINDOWS_ENDPOINTS))).toBe('CABLE Output (VB-Audio Virtual ');
  });

  it('none: exit 4 with the setup steps', async () => {
    const mac = loopbackDevice('darwin', () => Promise.resolve(MAC_PLAIN));
    await expect(mac).rejects.toThrow("cannot record the system's audio: macOS needs a loopback input for that, and none was found");
    await expect(mac).rejects.toBeInstanceOf(AudioSourceError);
    await expect(mac).rejects.toMatchObject({ exitCode: 4, hint: MAC_SETUP });
    await expect(loopbackDevice('win32', () => Promise.resolve(''))).rejects.toMatchObject({ exitCode: 4, hint: WINDOWS_SETUP });
    expect(MAC_SETUP).toContain('brew install blackhole-2ch');
    expect(WINDOWS_SETUP).toContain('Stereo Mix');
  });

  it('--list-devices on macOS marks the loopback input as system audio', async () => {
    const dir = join(tempDir('transcribe-capture-bin-'), 'bin');
    mkdirSync(dir);
    writeFileSync(join(dir, 'system_profiler'), `#!/bin/sh\nprintf '%s' '${MAC_PROFILER}'\n`);
    chmodSync(join(dir, 'system_profiler'), 0o755);
    const text = await listDevices({ env: { PATH: dir }, platform: 'darwin' });
    expect(text).toContain('\nAudio inputs (system_profiler SPAudioDataType):\n  BlackHole 2ch  [system audio]\n  MacBook Pro Microphone\n');
    expect(text).toContain('\n--capture system|both records the system audio from "BlackHole 2ch" (or give --system-device <name>).\n');
    expect(await listDevices({ env: { PATH: '/nonexistent' }, platform: 'win32' })).toContain(`none was found: ${WINDOWS_SETUP}.`);
  });
});

describe('what --capture system records from', () => {
  const env = (tools: string[]) => {
    const dir = join(tempDir('transcribe-capture-bin-'), 'bin');
    mkdirSync(dir);
    for (const tool of tools) {
      writeFileSync(join(dir, tool), '#!/bin/sh\n');
      chmodSync(join(dir, tool), 0o755);
    }
    return { PATH: dir };
  };
  const clock = new FakeClock();
  it('Linux, arecord: the pulse ALSA device, the source in PULSE_SOURCE (default: the default output’s monitor)', async () => {
    const options = await systemRecorderOptions({ mode: 'system', recorder: { env: env(['arecord']), platform: 'linux', device: 'hw:1' }, clock });
    expect(options.source).toBe('@DEFAULT_MONITOR@');
    expect(options.recorder).toMatchObject({ recorder: 'arecord', device: 'pulse', env: { PULSE_SOURCE: '@DEFAULT_MONITOR@' } });
  });
  it('Linux, SoX: its pulseaudio driver, no microphone device', async () => {
    const options = await systemRecorderOptions({
      mode: 'both',
      recorder: { env: env(['rec']), platform: 'linux', device: 'hw:1' },
      systemDevice: 'alsa_output.usb.monitor',
      clock,
    });
    expect(options.recorder.device).toBeUndefined();
    expect(options.recorder).toMatchObject({ recorder: 'rec', channels: 1, env: { PULSE_SOURCE: 'alsa_output.usb.monitor', AUDIODRIVER: 'pulseaudio' } });
  });
  it('macOS: the loopback input as the device; --system-device wins without looking', async () => {
    const run = () => Promise.resolve(MAC_PROFILER);
    expect((await systemRecorderOptions({ mode: 'system', recorder: { env: {}, platform: 'darwin' }, clock, run })).recorder.device).toBe('BlackHole 2ch');
    const given = await systemRecorderOptions({
      mode: 'system',
      recorder: { env: {}, platform: 'darwin' },
      systemDevice: 'Loopback Audio',
      clock,
      run: () => Promise.reject(new Error('not run')),
    });
    expect(given.recorder.device).toBe('Loopback Audio');
  });
});

describe('--capture settings', () => {
  const settingsOf = (flags: Record<string, unknown>, env: Record<string, string> = {}) => resolveSettings(flags, env, undefined, 'live').settings;
  it('mic is the default; TRANSCRIBE_CAPTURE sets it; a bad value is a usage error', () => {
    expect(settingsOf({}).capture).toBe('mic');
    expect(settingsOf({}, { TRANSCRIBE_CAPTURE: 'both' }).capture).toBe('both');
    expect(() => settingsOf({ capture: 'speakers' })).toThrow(UsageError);
  });
  it('both: multichannel, channel 0 "You" and 1 "Others", renamed by --channel-names; two channels', () => {
    const both = captureSettings(settingsOf({ capture: 'both' }));
    expect(both.multichannel).toBe(true);
    expect([...both.channelNames!]).toEqual([
      [0, 'You'],
      [1, 'Others'],
    ]);
    expect([...captureSettings(settingsOf({ capture: 'both', channelNames: '1=Team' })).channelNames!]).toEqual([
      [0, 'You'],
      [1, 'Team'],
    ]);
    expect(captureFormat(both)).toEqual({ sampleRate: 16000, channels: 2 });
    expect(() => captureSettings(settingsOf({ capture: 'both', channels: '1' }))).toThrow('--capture both records two channels');
    expect(captureSettings(settingsOf({}))).toEqual(settingsOf({}));
    const off = resolveSettings({ capture: 'both', multichannel: false }, {}, undefined, 'live');
    expect(() => captureSettings(off.settings, off.sources.multichannel)).toThrow('--capture both is transcribed per channel, but multichannel is turned off');
  });
});

describe('echo: the same words, normalised, overlapping within 1.5 s', () => {
  const words = (text: string, start: number) => timedWords(said(text, { start }));
  it.each<[string, string, number, string, number, boolean]>([
    ['the same line at the same time', 'Yes, loud and clear.', 10, 'Yes, loud and clear.', 10, true],
    ['punctuation and case do not matter', 'yes loud and clear', 10.3, 'Yes, loud and clear!', 10, true],
    ['part of a longer system line (the channels split differently)', 'loud and clear', 11, 'Yes, loud and clear. Thanks.', 10, true],
    ['1.4 s apart', 'Yes, loud and clear.', 13.4, 'Yes, loud and clear.', 10, true],
    ['2 s after the system line ended', 'Yes, loud and clear.', 13.6 + 0.4, 'Yes, loud and clear.', 10, false],
    ['other words', 'Can everyone hear me?', 10, 'Yes, loud and clear.', 10, false],
    ['a word missing in between is not the same words', 'yes and clear', 10, 'Yes, loud and clear.', 10, false],
  ])('%s', (_name, mic, micStart, system, systemStart, echo) => {
    expect(isEcho(words(mic, micStart), words(system, systemStart))).toBe(echo);
  });
  it('normalises', () => {
    expect(['It’s', "DON'T", '3,000', '¿Qué?'].map(normaliseWord)).toEqual(['its', 'dont', '3000', 'qué']);
  });
});

describe('EchoFilterOutput', () => {
  function recorder() {
    const seen: string[] = [];
    const output: TranscriptOutput = {
      readerGone: new Promise(() => {}),
      open: () => {},
      interim: () => {},
      final: (u: Utterance) => seen.push(`final ${u.channel} ${u.text}`),
      echo: (u: Utterance) => seen.push(`echo ${u.channel} ${u.text}`),
      utteranceEnd: () => {},
      speechStarted: () => {},
      metadata: () => {},
      reconnect: () => {},
      gap: () => {},
      close: () => seen.push('close'),
    };
    return { seen, output };
  }
  const close = { exitCode: 0, reason: 'end', audioSeconds: 1 };

  it('the microphone line first, while the system is speaking: held, then written as an echo after the system line', async () => {
    const clock = new FakeClock();
    const { seen, output } = recorder();
    const filter = new EchoFilterOutput(output, clock);
    filter.interim(1, 'Yes, loud');
    filter.final(said('Yes, loud and clear.', { start: 2, channel: 0 }));
    expect(seen).toEqual([]);
    await clock.advance(300);
    filter.final(said('Yes, loud and clear.', { start: 2, channel: 1 }));
    expect(seen).toEqual(['final 1 Yes, loud and clear.', 'echo 0 Yes, loud and clear.']);
  });

  it('the system line first: the microphone line is an echo at once', () => {
    const { seen, output } = recorder();
    const filter = new EchoFilterOutput(output, new FakeClock());
    filter.final(said('Yes, loud and clear.', { start: 2, channel: 1 }));
    filter.final(said('Yes, loud and clear.', { start: 2.2, channel: 0 }));
    expect(seen).toEqual(['final 1 Yes, loud and clear.', 'echo 0 Yes, loud and clear.']);
  });

  it('your own words: at once when the system is quiet; after at most HOLD_MS while it speaks; in order', async () => {
    const clock = new FakeClock();
    const { seen, output } = recorder();
    const filter = new EchoFilterOutput(output, clock);
    filter.final(said('Can everyone hear me?', { start: 1, channel: 0 }));
    expect(seen).toEqual(['final 0 Can everyone hear me?']);
    filter.interim(1, 'Something else');
    filter.final(said('Hello?', { start: 4, channel: 0 }));
    filter.final(said('Anyone?', { start: 5, channel: 0 }));
    await clock.advance(HOLD_MS - 10);
    expect(seen).toHaveLength(1);
    await clock.advance(10);
    expect(seen).toEqual(['final 0 Can everyone hear me?', 'final 0 Hello?', 'final 0 Anyone?']);
  });

  it('what is still held is written before close', () => {
    const { seen, output } = recorder();
    const filter = new EchoFilterOutput(output, new FakeClock());
    filter.interim(1, 'Something');
    filter.final(said('Bye.', { start: 1, channel: 0 }));
    filter.close(close);
    expect(seen).toEqual(['final 0 Bye.', 'close']);
  });
});

describe('--capture both: the names reach every format; an echo only NDJSON, marked', () => {
  function run(format: string): string {
    const stdout = { isTTY: false, text: '', write: (text: string) => ((stdout.text += text), true), on: () => stdout, once: () => stdout };
    const context = { stdout, stderr: stdout } as unknown as Context;
    const settings = captureSettings(resolveSettings({ capture: 'both', format }, {}, undefined, 'live').settings);
    const created = createOutput(context, settings);
    const filter = new EchoFilterOutput(created.output, new FakeClock());
    filter.open({ startedAt: new Date(0) });
    filter.final(said('Can everyone hear me?', { start: 0.5, channel: 0, channels: 2 }));
    filter.final(said('Yes, loud and clear.', { start: 3, channel: 1, channels: 2 }));
    filter.final(said('Yes, loud and clear.', { start: 3.1, channel: 0, channels: 2 }));
    filter.close({ exitCode: 0, reason: 'end', audioSeconds: 6 });
    created.dispose();
    return stdout.text;
  }
  it.each([
    ['text', '[You] Can everyone hear me?\n[Others] Yes, loud and clear.\n'],
    ['srt', '1\n00:00:00,500 --> 00:00:02,400\nYou: Can everyone hear me?\n\n2\n00:00:03,000 --> 00:00:04,900\nOthers: Yes, loud and clear.\n'],
    ['vtt', /<v You>Can everyone hear me\?\n\n[^]*<v Others>Yes, loud and clear\.\n$/],
  ])('%s', (format, expected) => {
    const text = run(format);
    if (typeof expected === 'string') expect(text).toBe(expected);
    else expect(text).toMatch(expected);
    expect(text).not.toMatch(/loud and clear[^]*loud and clear/);
  });
  it('json', () => {
    const finals = run('json')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; channel: number; echo?: boolean; settings?: Record<string, unknown> });
    expect(finals[0]!.settings).toMatchObject({ capture: 'both', multichannel: true, 'channel-names': { 0: 'You', 1: 'Others' } });
    expect(finals.filter((event) => event.type === 'final').map(({ channel, echo }) => ({ channel, echo }))).toEqual([
      { channel: 0, echo: undefined },
      { channel: 1, echo: undefined },
      { channel: 0, echo: true },
    ]);
  });
});
