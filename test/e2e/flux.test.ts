import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pcmOfWav, SAMPLE_WAV, sha256, wavOf } from '../support/audio.js';
import { tempDir } from '../support/temp.js';
import { expectedTurns, scriptFromText, startDeepgramServer, type DeepgramServer } from '../support/deepgram-server/index.js';
import { collect, startCli, type CliResult } from '../support/run-cli.js';

// `transcribe file --model flux-general-en` against the local server's /v2/listen: one line per
// turn, turn events in NDJSON, the last turn kept at every end, reconnection with replay.
const PCM = pcmOfWav(SAMPLE_WAV); // 8.43 s
const BYTES_PER_SECOND = 32000;
const SCRIPT = scriptFromText('Hello from transcribe. This sample was made with espeak. The quick brown fox jumps', { startAt: 0.5, wordSec: 0.3 });
const AUDIO_SEC = PCM.length / BYTES_PER_SECOND;

let server: DeepgramServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: Omit<Parameters<typeof startDeepgramServer>[0], 'script'> = {}, pcm = PCM): Promise<DeepgramServer> {
  server = await startDeepgramServer({ script: SCRIPT, reference: pcm, ...options });
  return server;
}

function run(args: string[], path = SAMPLE_WAV): { child: ReturnType<typeof startCli>; result: Promise<CliResult> } {
  const child = startCli(['file', path, '--model', 'flux-general-en', ...args], { env: { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server!.url } });
  return { child, result: collect(child, 60_000) };
}

const events = (stdout: string) =>
  stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown> & { type: string });

describe('transcribe file with a Flux model', () => {
  it('one line per turn, the last one (cut by the end of the file) ended by ForceEndTurn; /v2/listen with only what Flux takes', async () => {
    await start();
    const { code, stdout, stderr } = await run(['--speed', 'max']).result;
    const turns = expectedTurns(SCRIPT, { audioSec: AUDIO_SEC });
    expect(turns.map((turn) => turn.trigger)).toEqual(['model', 'model', 'manual']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe(turns.map((turn) => `${turn.text}\n`).join(''));
    const [connection] = server!.connections;
    expect(connection?.url).toBe('/v2/listen?model=flux-general-en&encoding=linear16&sample_rate=16000');
    expect(connection?.textFrames).toEqual([{ type: 'ForceEndTurn' }, { type: 'CloseStream' }]);
    expect(connection?.sha256).toBe(sha256(PCM));
    // 80 ms per message, as Flux's guide recommends (v1 gets 100 ms); the last one is what is left.
    const sizes = connection!.frames.map((frame) => frame.bytes);
    expect(new Set(sizes.slice(0, -1))).toEqual(new Set([2560]));
    expect(sizes.at(-1)).toBe(PCM.length % 2560 || 2560);
  });

  it('--format json: turn events around unchanged final lines; no metadata (Flux sends none)', async () => {
    await start();
    const { code, stdout } = await run(['--speed', 'max', '--format', 'json']).result;
    expect(code).toBe(0);
    const lines = events(stdout).filter((event) => event.type !== 'interim');
    expect(lines.map((event) => (event.type === 'turn' ? `${event.type} ${String(event.event)} ${String(event.turn_index)}` : event.type))).toEqual([
      'open',
      'turn start_of_turn 0',
      'final',
      'turn end_of_turn 0',
      'turn start_of_turn 1',
      'final',
      'turn end_of_turn 1',
      'turn start_of_turn 2',
      'final',
      'turn end_of_turn 2',
      'close',
    ]);
    const [first] = lines.filter((event) => event.type === 'final');
    expect(first).toEqual({
      type: 'final',
      text: 'Hello from transcribe.',
      start: 0.5,
      end: 1.4,
      confidence: 0.99,
      channel: 0,
      speaker: null,
      words: [
        { word: 'Hello', start: 0.5, end: 0.8, confidence: 0.99 },
        { word: 'from', start: 0.8, end: 1.1, confidence: 0.99 },
        { word: 'transcribe.', start: 1.1, end: 1.4, confidence: 0.99 },
      ],
    });
    const ends = lines.filter((event) => event.type === 'turn' && event.event === 'end_of_turn').map((event) => event.trigger);
    expect(ends).toEqual(['model', 'model', 'manual']);
    expect(lines.some((event) => event.type === 'interim')).toBe(false);
    expect(events(stdout).filter((event) => event.type === 'interim').length).toBeGreaterThan(3);
  });

  it('--eager-eot-threshold: an eager end of turn, taken back when speech resumes, then the end', async () => {
    server = await startDeepgramServer({ script: scriptFromText('Well, I think so. Yes.', { startAt: 0.5, wordSec: 0.3, gapSec: 0.2 }), reference: PCM });
    const { code, stdout } = await run(['--speed', 'max', '--format', 'json', '--eager-eot-threshold', '0.5']).result;
    expect(code).toBe(0);
    expect(server.connections[0]?.query.get('eager_eot_threshold')).toBe('0.5');
    const shown = events(stdout)
      .filter((event) => event.type === 'turn' || event.type === 'final')
      .map((event) => (event.type === 'final' ? `final ${String(event.text)}` : `${String(event.event)} ${String(event.turn_index)}`));
    expect(shown).toEqual([
      'start_of_turn 0',
      'eager_end_of_turn 0',
      'turn_resumed 0',
      'eager_end_of_turn 0',
      'final Well, I think so.',
      'end_of_turn 0',
      'start_of_turn 1',
      'eager_end_of_turn 1',
      'final Yes.',
      'end_of_turn 1',
    ]);
  });

  it('a hostile server: garbage before every message and escape sequences in its words reach neither stdout nor stderr', async () => {
    const script = scriptFromText('Hello \u001b]52;c;cm0gLXJmIH4=\u0007from \u001b[2Jtranscribe.', { startAt: 0.5, wordSec: 0.3 });
    server = await startDeepgramServer({ script, reference: PCM, faults: [{ garbage: true }] });
    const { code, stdout, stderr } = await run(['--speed', 'max']).result;
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: 'Hello ]52;c;cm0gLXJmIH4=from [2Jtranscribe.\n', stderr: '' });
  });

  it('words without times (as often in the field): SRT cues still carry times, from the audio window', async () => {
    await start({ flux: { wordTimes: false } });
    const { code, stdout } = await run(['--speed', 'max', '--format', 'srt']).result;
    expect(code).toBe(0);
    const cues = stdout.trim().split('\n\n');
    expect(cues).toHaveLength(3);
    for (const cue of cues) expect(cue).toMatch(/^\d+\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\n\S/);
  });

  it('an EndOfTurn that comes empty keeps the last non-empty Update', async () => {
    await start({ flux: { emptyEndOfTurn: true } });
    const { code, stdout } = await run(['--speed', 'max']).result;
    expect(code).toBe(0);
    expect(stdout).toBe(
      expectedTurns(SCRIPT, { audioSec: AUDIO_SEC, emptyEndOfTurn: true })
        .map((turn) => `${turn.text}\n`)
        .join(''),
    );
  });

  it('self-hosted Flux ignores ForceEndTurn: after a bounded wait the last Update is the last line', async () => {
    await start({ flux: { forceEndTurn: 'ignore' } });
    const started = Date.now();
    const { code, stdout } = await run(['--speed', 'max']).result;
    expect(code).toBe(0);
    const turns = expectedTurns(SCRIPT, { audioSec: AUDIO_SEC, forceEndTurn: 'ignore' });
    expect(turns.at(-1)?.trigger).toBe('update');
    expect(stdout).toBe(turns.map((turn) => `${turn.text}\n`).join(''));
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('Ctrl+C in the middle of a turn keeps that turn (ForceEndTurn, then CloseStream), exit 130', async () => {
    await start();
    const { child, result } = run(['--speed', '1']);
    await server!.waitForConnections(1);
    // Mid-way through the second sentence ("This sample was made with espeak." runs 2.4-4.5 s).
    while ((server!.connections[0]?.audioBytes ?? 0) < 3.2 * BYTES_PER_SECOND) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGINT');
    const { code, stdout } = await result;
    expect(code).toBe(130);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('Hello from transcribe.');
    expect(lines[1]).toMatch(/^This sample/);
    expect(lines).toHaveLength(2);
    expect(server!.connections[0]?.textFrames).toEqual([{ type: 'ForceEndTurn' }, { type: 'CloseStream' }]);
  });

  it('a drop mid-stream: reconnect, replay from the end of the last EndOfTurn, every turn once on one timeline', async () => {
    await start({ faults: [{ dropAfterBytes: { bytes: 4 * BYTES_PER_SECOND, code: 1011, reason: 'NET-0000' } }] });
    const { code, stdout, stderr } = await run(['--speed', '4', '--format', 'json']).result;
    expect(code).toBe(0);
    expect(stderr).toMatch(/^transcribe: the connection dropped \(code 1011[^)]*\); reconnecting \(attempt 1\)\.\.\.\ntranscribe: reconnected after/);
    const finals = events(stdout).filter((event) => event.type === 'final');
    const turns = expectedTurns(SCRIPT, { audioSec: AUDIO_SEC });
    expect(finals.map((event) => [event.text, event.start])).toEqual(turns.map((turn) => [turn.text, turn.start]));
    const [first, second] = server!.connections;
    const firstEnd = (first?.sent ?? [])
      .map(({ message }) => message as { type?: string; event?: string; audio_window_end?: number })
      .filter((message) => message.type === 'TurnInfo' && message.event === 'EndOfTurn')
      .at(-1)?.audio_window_end;
    expect(second?.referenceOffset).toBe(Math.round(firstEnd! * 16000) * 2); // the replay starts where the last turn ended
    expect(second?.sha256).toBe(sha256(PCM.subarray(second?.referenceOffset)));
  });

  it('a socket that stays open and goes quiet while audio goes out (a stalled Flux) is replaced after 10 s', async () => {
    // The sample and 12 s of silence, so that audio still flows 10 s after the stall.
    const pcm = Buffer.concat([PCM, Buffer.alloc(12 * BYTES_PER_SECOND)]);
    const path = join(tempDir('transcribe-flux-'), 'long.wav');
    writeFileSync(path, wavOf(pcm, { sampleRate: 16000, channels: 1, bits: 16 }));
    await start({ faults: [{ stall: { afterBytes: 3 * BYTES_PER_SECOND } }] }, pcm);
    const { code, stdout, stderr } = await run(['--speed', '1.25'], path).result;
    expect(code).toBe(0);
    expect(stderr).toMatch(/transcribe: no answer from Deepgram for 10 s; reconnecting \(attempt 1\)/);
    expect(stdout.trimEnd().split('\n')[0]).toBe('Hello from transcribe.');
  }, 40_000);
});
