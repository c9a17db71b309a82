import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pcmOfWav, SAMPLE_WAV, sha256, wavOf } from '../support/audio.js';
import { expectedUtterances, scriptFromText, startDeepgramServer, type DeepgramServer, type ScriptWord } from '../support/deepgram-server/index.js';
import { collect, runCli, startCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp.js';
import { parseCaptions } from '../unit/transcript-helpers.js';

const PCM = pcmOfWav(SAMPLE_WAV);
const SCRIPT = scriptFromText('Hello from transcribe. This sample was made with espeak. The quick brown fox jumps.', { startAt: 0.5, wordSec: 0.3 });
const tmp = tempDir('transcribe-formats-');

/** Two speakers inside one utterance (no pause between them), then a second utterance by the first. */
const DIALOGUE: ScriptWord[] = [
  ...scriptFromText('Hello there, Bo.', { startAt: 0.5, wordSec: 0.3, speaker: 0, pauseAfterSentenceSec: 0 }),
  ...scriptFromText('Hi, Ana.', { startAt: 1.4, wordSec: 0.3, speaker: 1 }),
  ...scriptFromText('How are you?', { startAt: 3.5, wordSec: 0.3, speaker: 0 }),
];

let server: DeepgramServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function transcribe(script: ScriptWord[], args: string[], input = SAMPLE_WAV) {
  server = await startDeepgramServer({ script });
  return runCli(['file', input, '--speed', 'max', ...args], { env: { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url } });
}

describe('transcribe file: output formats, whole outputs', () => {
  it('--timestamps: the offset of each utterance on the session timeline', async () => {
    const result = await transcribe(SCRIPT, ['--timestamps']);
    expect(result).toMatchObject({
      code: 0,
      stderr: '',
      stdout: '[00:00:00.500] Hello from transcribe.\n[00:00:02.400] This sample was made with espeak.\n[00:00:05.200] The quick brown fox jumps.\n',
    });
  });

  it('--timestamps wall: the local clock time when it was said', async () => {
    const before = new Date();
    const result = await transcribe(SCRIPT, ['--timestamps', 'wall']);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.map((line) => line.replace(/^\[\d\d:\d\d:\d\d\] /, ''))).toEqual([
      'Hello from transcribe.',
      'This sample was made with espeak.',
      'The quick brown fox jumps.',
    ]);
    const [hours, minutes] = lines[0]!.slice(1, 6).split(':').map(Number);
    expect(Math.abs(hours! * 60 + minutes! - (before.getHours() * 60 + before.getMinutes()))).toBeLessThanOrEqual(1);
  });

  it('--diarize: a label per speaker, a new line when the speaker changes', async () => {
    const result = await transcribe(DIALOGUE, ['--diarize']);
    expect(result).toMatchObject({ code: 0, stderr: '', stdout: 'Speaker 0: Hello there, Bo.\nSpeaker 1: Hi, Ana.\nSpeaker 0: How are you?\n' });
    expect(server!.connections[0]!.query.get('diarize')).toBe('true');
  });

  it('--speakers names them (and asks for diarization)', async () => {
    const result = await transcribe(DIALOGUE, ['--speakers', '0=Ana,1=Bo', '--timestamps']);
    expect(result.stdout).toBe('[00:00:00.500] Ana: Hello there, Bo.\n[00:00:01.400] Bo: Hi, Ana.\n[00:00:03.500] Ana: How are you?\n');
  });

  it('--multichannel: each channel transcribed apart, labelled; --channel-names names them', async () => {
    const stereo = Buffer.alloc(PCM.length * 2);
    for (let i = 0; i < PCM.length / 2; i++) {
      PCM.copy(stereo, i * 4, i * 2, i * 2 + 2);
      PCM.copy(stereo, i * 4 + 2, i * 2, i * 2 + 2);
    }
    const path = join(tmp, 'stereo.wav');
    writeFileSync(path, wavOf(stereo, { sampleRate: 16000, channels: 2, bits: 16 }));
    const script = [
      ...scriptFromText('Thank you for calling.', { startAt: 0.5, wordSec: 0.3, channel: 0 }),
      ...scriptFromText('Hi, my order is late.', { startAt: 2.0, wordSec: 0.3, channel: 1 }),
      ...scriptFromText('Let me check.', { startAt: 4.2, wordSec: 0.3, channel: 0 }),
    ];
    const expected = expectedUtterances(script, { multichannel: true, channels: 2, endpointingMs: 300, utteranceEndMs: 1000 });
    const plain = await transcribe(script, ['--multichannel'], path);
    expect(plain.stdout).toBe(expected.map((u) => `[ch${u.channel}] ${u.text}\n`).join(''));
    expect(plain.stdout).toBe('[ch0] Thank you for calling.\n[ch1] Hi, my order is late.\n[ch0] Let me check.\n');
    expect(server!.connections[0]!.query.get('multichannel')).toBe('true');
    const named = await transcribe(script, ['--channel-names', '0=Agent,1=Caller'], path);
    expect(named.stdout).toBe('[Agent] Thank you for calling.\n[Caller] Hi, my order is late.\n[Agent] Let me check.\n');
  });

  it('--format json: NDJSON events, open first and close last', async () => {
    const result = await transcribe(SCRIPT, ['--format', 'json']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const events = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; [key: string]: unknown });
    expect(events[0]).toMatchObject({ type: 'open', request_id: server!.connections[0]!.requestId, model: 'nova-3', language: 'en' });
    expect(JSON.stringify(events[0])).not.toContain('test-key');
    expect(events.at(-1)).toEqual({ type: 'close', duration: Math.round((PCM.length / 32000) * 1000) / 1000, exit_code: 0, reason: 'end' });
    expect(events.filter((event) => event.type === 'final').map((event) => [event.text, event.start, event.end])).toEqual([
      ['Hello from transcribe.', 0.5, 1.4],
      ['This sample was made with espeak.', 2.4, 4.2],
      ['The quick brown fox jumps.', 5.2, 6.7],
    ]);
    expect(new Set(events.map((event) => event.type))).toEqual(new Set(['open', 'interim', 'final', 'utterance_end', 'metadata', 'close']));
  });

  it('--format json after a failure: an error event, then close', async () => {
    server = await startDeepgramServer({ script: SCRIPT, faults: [{ dropAfterBytes: { bytes: 32000 * 2, code: 1011, reason: 'NET-0000' } }] });
    const result = await runCli(['file', SAMPLE_WAV, '--format', 'json', '--reconnect-timeout', '0'], {
      env: { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url },
    });
    expect(result.code).toBe(5);
    const events = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string });
    expect(events.slice(-2)).toEqual([
      { type: 'error', message: 'Deepgram ended the session (1011): NET-0000', exit_code: 5 },
      { type: 'close', duration: expect.any(Number), exit_code: 5, reason: 'Deepgram ended the session (1011): NET-0000' },
    ]);
  });

  it.each(['srt', 'vtt'] as const)('--output talk.%s: captions from the finals, valid for an independent parser; --force to replace', async (format) => {
    const path = join(tmp, `talk.${format}`);
    const first = await transcribe(DIALOGUE, ['--speakers', '0=Ana,1=Bo', '--output', path]);
    expect(first).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const cues = await parseCaptions(readFileSync(path, 'utf8'), format);
    expect(cues.map((cue) => [cue.start, cue.end])).toEqual([
      [0.5, 1.4],
      [1.4, 2.0],
      [3.5, 4.4],
    ]);
    const texts = format === 'srt' ? ['Ana: Hello there, Bo.', 'Bo: Hi, Ana.', 'Ana: How are you?'] : ['Hello there, Bo.', 'Hi, Ana.', 'How are you?'];
    expect(cues.map((cue) => cue.text)).toEqual(texts);
    if (format === 'vtt') expect(cues.map((cue) => cue.voice)).toEqual(['Ana', 'Bo', 'Ana']);
    const again = await transcribe(DIALOGUE, ['--output', path]);
    expect(again).toMatchObject({ code: 2, stderr: `transcribe: ${path} exists — add --force to replace it, or choose another --output\n` });
    expect(await transcribe(DIALOGUE, ['--output', path, '--force'])).toMatchObject({ code: 0 });
  });

  it('--format srt to stdout', async () => {
    const result = await transcribe(SCRIPT, ['--format', 'srt']);
    expect(result.stdout).toBe(
      '1\n00:00:00,500 --> 00:00:01,400\nHello from transcribe.\n\n2\n00:00:02,400 --> 00:00:04,200\nThis sample was made with espeak.\n\n3\n00:00:05,200 --> 00:00:06,700\nThe quick brown fox jumps.\n',
    );
  });

  it('--output with .txt and .jsonl appends; .jsonl means NDJSON', async () => {
    const path = join(tmp, 'log.jsonl');
    writeFileSync(path, '{"type":"earlier"}\n');
    await transcribe(SCRIPT, ['--output', path]);
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(lines[0]!)).toEqual({ type: 'earlier' });
    expect(JSON.parse(lines[1]!)).toMatchObject({ type: 'open' });
  });

  it('--save-audio: exactly the audio sent, as a valid WAV', async () => {
    const path = join(tmp, 'sent.wav');
    const result = await transcribe(SCRIPT, ['--save-audio', path]);
    expect(result.code).toBe(0);
    const saved = readFileSync(path);
    expect(saved.subarray(0, 4).toString()).toBe('RIFF');
    expect(saved.readUInt32LE(4)).toBe(saved.length - 8);
    expect(saved.readUInt32LE(40)).toBe(saved.length - 44);
    expect(sha256(saved.subarray(44))).toBe(server!.connections[0]!.sha256);
  });

  it('--save-audio after Ctrl+C: the header matches what was sent', async () => {
    server = await startDeepgramServer({ script: SCRIPT });
    const path = join(tmp, 'interrupted.wav');
    const child = startCli(['file', SAMPLE_WAV, '--save-audio', path], { env: { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url } });
    const result = collect(child);
    await server.waitForConnections(1);
    while ((server.connections[0]?.audioBytes ?? 0) < 32000 * 2) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGINT');
    expect((await result).code).toBe(130);
    const saved = readFileSync(path);
    expect(saved.readUInt32LE(40)).toBe(saved.length - 44);
    expect(sha256(saved.subarray(44))).toBe(server.connections[0]!.sha256);
  });
});
