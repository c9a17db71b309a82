import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pcmOfWav, SAMPLE_WAV, sha256 } from '../support/audio.js';
import { scriptFromText, startDeepgramServer, type DeepgramServer, type ScriptWord } from '../support/deepgram-server/index.js';
import { collect, runCli, startCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp.js';
import { parseCaptions } from '../unit/transcript-helpers.js';

const SCRIPT = scriptFromText('Hello from transcribe. This sample was made with espeak. The quick brown fox jumps.', { startAt: 0.5, wordSec: 0.3 });
const DIALOGUE: ScriptWord[] = [
  ...scriptFromText('Hello there, Bo.', { startAt: 0.5, wordSec: 0.3, speaker: 0, pauseAfterSentenceSec: 0 }),
  ...scriptFromText('Hi, Ana.', { startAt: 1.4, wordSec: 0.3, speaker: 1 }),
  ...scriptFromText('How are you?', { startAt: 3.5, wordSec: 0.3, speaker: 0 }),
];
const tmp = tempDir('transcribe-batch-');

let server: DeepgramServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function batch(script: ScriptWord[], args: string[], options: { prerecordedDelayMs?: number } = {}) {
  server = await startDeepgramServer({ script, ...options });
  return runCli(['file', ...args, '--batch'], { env: { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url } });
}

describe('transcribe file --batch: the pre-recorded API, same outputs', () => {
  it('a WAV file: streamed as the body, one line per utterance', async () => {
    const result = await batch(SCRIPT, [SAMPLE_WAV]);
    expect(result).toEqual({
      code: 0,
      signal: null,
      stderr: '',
      stdout: 'Hello from transcribe.\nThis sample was made with espeak.\nThe quick brown fox jumps.\n',
    });
    const [request] = server!.connections;
    expect(request!.kind).toBe('prerecorded');
    expect(request!.sha256).toBe(sha256(readFileSync(SAMPLE_WAV)));
    expect(Object.fromEntries(request!.query)).toEqual({ model: 'nova-3', language: 'en', smart_format: 'true', utterances: 'true' });
    expect(request!.authorization).toBe('Token test-key');
  });

  it('--timestamps and --speakers, as streaming prints them', async () => {
    const result = await batch(DIALOGUE, [SAMPLE_WAV, '--speakers', '0=Ana,1=Bo', '--timestamps']);
    expect(result.stdout).toBe('[00:00:00.500] Ana: Hello there, Bo.\n[00:00:01.400] Bo: Hi, Ana.\n[00:00:03.500] Ana: How are you?\n');
  });

  it('--paragraphs: one line per paragraph', async () => {
    const result = await batch(SCRIPT, [SAMPLE_WAV, '--paragraphs']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(server!.connections[0]!.query.get('paragraphs')).toBe('true');
    expect(result.stdout.trimEnd().split('\n').join(' ')).toBe('Hello from transcribe. This sample was made with espeak. The quick brown fox jumps.');
  });

  it('--utterance-split: a longer pause ends an utterance, so the sentences share one line', async () => {
    const result = await batch(SCRIPT, [SAMPLE_WAV, '--utterances', '--utterance-split', '5']);
    expect(result).toEqual({
      code: 0,
      signal: null,
      stderr: '',
      stdout: 'Hello from transcribe. This sample was made with espeak. The quick brown fox jumps.\n',
    });
    expect(server!.connections[0]!.query.get('utt_split')).toBe('5');
  });

  it('--format json: open, finals, metadata, close', async () => {
    const result = await batch(SCRIPT, [SAMPLE_WAV, '--format', 'json']);
    const events = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; text?: string });
    expect(events.map((event) => event.type)).toEqual(['open', 'final', 'final', 'final', 'metadata', 'close']);
    expect(events.filter((event) => event.type === 'final').map((event) => event.text)).toEqual([
      'Hello from transcribe.',
      'This sample was made with espeak.',
      'The quick brown fox jumps.',
    ]);
  });

  it('--output talk.srt: valid captions', async () => {
    const path = join(tmp, 'talk.srt');
    const result = await batch(SCRIPT, [SAMPLE_WAV, '--output', path]);
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const cues = await parseCaptions(readFileSync(path, 'utf8'), 'srt');
    expect(cues.map((cue) => cue.text)).toEqual(['Hello from transcribe.', 'This sample was made with espeak.', 'The quick brown fox jumps.']);
  });

  it('raw PCM from stdin with --encoding: encoding and rate in the query', async () => {
    server = await startDeepgramServer({ script: SCRIPT });
    const pcm = pcmOfWav(SAMPLE_WAV);
    const result = await runCli(['file', '-', '--batch', '--encoding', 'linear16', '--sample-rate', '16000'], {
      env: { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url },
      stdin: pcm,
    });
    expect(result).toMatchObject({ code: 0, stdout: 'Hello from transcribe.\nThis sample was made with espeak.\nThe quick brown fox jumps.\n' });
    expect(server.connections[0]!.query.get('encoding')).toBe('linear16');
    expect(server.connections[0]!.sha256).toBe(sha256(pcm));
  });

  it.each<[number, number, RegExp]>([
    [401, 3, /^transcribe: Deepgram rejected the API key from DEEPGRAM_API_KEY \(\*\*\*\*\): Invalid credentials \(request id [0-9a-f-]+\)/],
    [402, 3, /^transcribe: Deepgram refused the request: payment required/],
    [413, 4, /^transcribe: the file is too large for Deepgram \(HTTP 413\) — Deepgram takes files up to 2 GB/],
  ])('refused with %i: exit %i', async (status, code, stderr) => {
    server = await startDeepgramServer({ script: SCRIPT, faults: [{ reject: { status } }] });
    const result = await runCli(['file', SAMPLE_WAV, '--batch'], { env: { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url } });
    expect({ code: result.code, stdout: result.stdout }).toEqual({ code, stdout: '' });
    expect(result.stderr).toMatch(stderr);
  });

  it('400 with the dg-error text', async () => {
    const result = await batch(SCRIPT, [SAMPLE_WAV, '--param', 'keywords=acme:2']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^transcribe: Deepgram rejected the request: Keywords are not supported for Nova-3/);
  });

  it('--paragraphs/--utterance-split without --batch, bad or clashing unit flags, and --save-audio with --batch are usage errors', async () => {
    server = await startDeepgramServer({ script: SCRIPT });
    const env = { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url };
    expect(await runCli(['file', SAMPLE_WAV, '--paragraphs'], { env })).toMatchObject({
      code: 2,
      stderr: "transcribe: --paragraphs needs --batch — add --batch (--paragraphs shapes the pre-recorded API's answer)\n",
    });
    expect(await runCli(['file', SAMPLE_WAV, '--utterance-split', '2'], { env })).toMatchObject({
      code: 2,
      stderr: "transcribe: --utterance-split needs --batch — add --batch (--utterance-split shapes the pre-recorded API's answer)\n",
    });
    expect(await runCli(['file', SAMPLE_WAV, '--batch', '--utterance-split', 'long'], { env })).toMatchObject({
      code: 2,
      stderr:
        'transcribe: --utterance-split must be a pause in seconds, more than 0 and at most 60 — e.g. --utterance-split 1.5 for longer lines, 0.4 for shorter ones\n',
    });
    expect(await runCli(['file', SAMPLE_WAV, '--batch', '--paragraphs', '--utterances'], { env })).toMatchObject({
      code: 2,
      stderr: "transcribe: option '--paragraphs' cannot be used with option '--utterances'\n",
    });
    expect(await runCli(['file', SAMPLE_WAV, '--batch', '--paragraphs', '--utterance-split', '2'], { env })).toMatchObject({
      code: 2,
      stderr: 'transcribe: --utterance-split applies to utterances, not --paragraphs — drop one of them\n',
    });
    expect(await runCli(['file', SAMPLE_WAV, '--batch', '--save-audio', join(tmp, 'x.wav')], { env })).toMatchObject({ code: 2 });
  });
});

describe('streaming a long file without --batch', () => {
  it('prints one tip about --batch', async () => {
    const pcm = pcmOfWav(SAMPLE_WAV);
    const long = Buffer.concat(Array.from({ length: 15 }, () => pcm)); // over 2 minutes
    const header = Buffer.from(readFileSync(SAMPLE_WAV).subarray(0, 44));
    header.writeUInt32LE(36 + long.length, 4);
    header.writeUInt32LE(long.length, 40);
    const path = join(tmp, 'long.wav');
    writeFileSync(path, Buffer.concat([header, long]));
    server = await startDeepgramServer({ script: SCRIPT });
    const child = startCli(['file', path, '--speed', '1.25'], { env: { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url } });
    const result = collect(child);
    await server.waitForConnections(1);
    child.kill('SIGINT'); // the tip comes before streaming starts; no need to wait two minutes
    const { code, stderr } = await result;
    expect({ code, stderr }).toEqual({
      code: 130,
      stderr: 'transcribe: tip: streaming this 2.1-minute file takes about 1.7 minutes at --speed 1.25; --batch transcribes it in seconds\n',
    });
  });
});
