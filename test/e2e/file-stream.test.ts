import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeWithFfmpeg, ffmpegPcm, pcmOfWav, SAMPLE_WAV, sha256, wavOf } from '../support/audio.js';
import { expectedLines, scriptFromText, startDeepgramServer, type DeepgramServer } from '../support/deepgram-server/index.js';
import { runCli } from '../support/run-cli.js';
import { missing } from '../support/system-tools.js';
import { tempDir } from '../support/temp.js';

// The shipped sample is 8.4 s long; the server "hears" these words at these times.
const SCRIPT = scriptFromText('Hello from transcribe. This sample was made with espeak. The quick brown fox jumps.', { startAt: 0.5, wordSec: 0.3 });
const LINES = expectedLines(SCRIPT, { endpointingMs: 300, utteranceEndMs: 1000 });
const PCM = pcmOfWav(SAMPLE_WAV);
const tmp = tempDir('transcribe-e2e-');

let server: DeepgramServer;
afterEach(async () => server?.close());

async function transcribe(args: string[], stdin?: Buffer) {
  server = await startDeepgramServer({ script: SCRIPT });
  const env = { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url };
  return runCli(['file', ...args], { env, ...(stdin ? { stdin } : {}) });
}

describe('transcribe file: the audio reaches Deepgram byte-exact and the transcript reaches stdout', () => {
  it('a WAV file', async () => {
    const result = await transcribe([SAMPLE_WAV, '--speed', 'max']);
    expect(LINES).toEqual(['Hello from transcribe.', 'This sample was made with espeak.', 'The quick brown fox jumps.']);
    expect(result).toMatchObject({ code: 0, stderr: '', stdout: LINES.join('\n') + '\n' });
    const [connection] = server.connections;
    expect(connection!.sha256).toBe(sha256(PCM));
    expect(Object.fromEntries(connection!.query)).toEqual({
      model: 'nova-3',
      language: 'en',
      encoding: 'linear16',
      sample_rate: '16000',
      channels: '1',
      interim_results: 'true',
      smart_format: 'true',
      endpointing: '300',
      utterance_end_ms: '1000',
    });
    expect(connection!.authorization).toBe('Token test-key');
    expect(connection!.textFrames.at(-1)).toEqual({ type: 'CloseStream' });
    expect(connection!.closeCode).toBe(1000);
  });

  it('a WAV whose trailing metadata chunk crosses a read boundary: the last frame is audio, not metadata', async () => {
    // 131,128 data bytes end 96 bytes into the third 64 kB read; the LIST chunk after them runs past it.
    const pcm = Buffer.concat([PCM, PCM]).subarray(0, 131_128);
    const list = Buffer.concat([Buffer.from('LIST'), Buffer.alloc(4), Buffer.alloc(100_000, 0x41)]);
    list.writeUInt32LE(100_000, 4);
    const path = join(tmp, 'trailing-list.wav');
    const wav = wavOf(pcm, { sampleRate: 16000, channels: 1, bits: 16 });
    writeFileSync(path, Buffer.concat([wav, list]));
    const result = await transcribe([path, '--speed', 'max']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(server.connections[0]!.sha256).toBe(sha256(pcm));
  });

  it('raw PCM on stdin with --encoding, --sample-rate and --channels', async () => {
    const result = await transcribe(['-', '--encoding', 'linear16', '--sample-rate', '16000', '--channels', '1', '--speed', 'max'], PCM);
    expect(result).toMatchObject({ code: 0, stderr: '', stdout: LINES.join('\n') + '\n' });
    expect(server.connections[0]!.sha256).toBe(sha256(PCM));
  });

  it('a WAV stream on stdin', async () => {
    const result = await transcribe(['-', '--speed', 'max'], readFileSync(SAMPLE_WAV));
    expect(result).toMatchObject({ code: 0, stderr: '', stdout: LINES.join('\n') + '\n' });
    expect(server.connections[0]!.sha256).toBe(sha256(PCM));
  });

  it.each([
    ['24-bit', { bits: 24 }],
    ['32-bit', { bits: 32 }],
    ['float32', { bits: 32, float: true }],
    ['float64', { bits: 64, float: true }],
  ])('a %s WAV is converted to 16-bit exactly', async (_name, spec) => {
    const path = join(tmp, `sample-${_name}.wav`);
    writeFileSync(path, wavOf(PCM, { sampleRate: 16000, channels: 1, ...spec }));
    const result = await transcribe([path, '--speed', 'max']);
    expect(result).toMatchObject({ code: 0, stderr: '', stdout: LINES.join('\n') + '\n' });
    expect(server.connections[0]!.sha256).toBe(sha256(PCM));
  });

  it('--output appends to the file and leaves stdout empty', async () => {
    const path = join(tmp, 'notes.txt');
    writeFileSync(path, 'earlier notes\n');
    const result = await transcribe([SAMPLE_WAV, '--speed', 'max', '--output', path]);
    expect(result).toMatchObject({ code: 0, stderr: '', stdout: '' });
    expect(readFileSync(path, 'utf8')).toBe(['earlier notes', ...LINES].join('\n') + '\n');
  });

  it('sends 100 ms frames and paces them at --speed', async () => {
    const speed = 2;
    const result = await transcribe([SAMPLE_WAV, '--speed', String(speed)]);
    expect(result.code).toBe(0);
    const { frames } = server.connections[0]!;
    const frameSeconds = 3200 / 32000;
    expect(frames.slice(0, -1).every((frame) => frame.bytes === 3200)).toBe(true);
    expect(frames.at(-1)!.bytes).toBeGreaterThan(0);
    expect(frames.at(-1)!.bytes).toBeLessThanOrEqual(3200);
    let sent = 0;
    const first = frames[0]!.at;
    for (const frame of frames) {
      sent += frame.bytes / 32000;
      // audio time <= speed x wall time + one frame (30 ms of slack: timers, and the server process under load)
      expect(sent).toBeLessThanOrEqual((speed * (frame.at - first + 30)) / 1000 + frameSeconds);
    }
    const wallSeconds = (frames.at(-1)!.at - first) / 1000;
    expect(wallSeconds).toBeGreaterThanOrEqual((PCM.length / 32000 - frameSeconds) / speed - 0.05);
  });
});

describe.skipIf(missing('ffmpeg'))('transcribe file: compressed audio through ffmpeg (apt-get install -y ffmpeg)', () => {
  it.each([
    ['mp3', ['-codec:a', 'libmp3lame', '-b:a', '64k']],
    ['flac', []],
    ['ogg', ['-codec:a', 'libopus']],
    ['m4a', ['-codec:a', 'aac']],
  ])('%s, from a file and from stdin', async (ext, args) => {
    const path = join(tmp, `sample.${ext}`);
    encodeWithFfmpeg(SAMPLE_WAV, path, args);
    for (const input of [path, '-']) {
      const fromStdin = input === '-';
      // M4A from stdin is spooled to a file first, so it decodes like a file
      const decoded = ffmpegPcm(path, fromStdin && ext !== 'm4a' ? 'pipe' : 'file');
      const result = await transcribe([input, '--speed', 'max'], fromStdin ? readFileSync(path) : undefined);
      expect(result).toMatchObject({ code: 0, stderr: '', stdout: LINES.join('\n') + '\n' });
      expect(server.connections[0]!.sha256).toBe(sha256(decoded));
      await server.close();
    }
  });
});
