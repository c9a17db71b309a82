import { describe, expect, it } from 'vitest';
import type { StreamSteering } from '../../src/stream/run-stream.js';
import { PauseTimeline } from '../../src/stream/pause.js';
import { Steering } from '../../src/stream/steering.js';
import { formatSeconds, StopConditions } from '../../src/stream/stop-conditions.js';
import type { Utterance } from '../../src/transcript/model.js';
import type { TranscriptOutput } from '../../src/output/transcript-output.js';
import { startStream } from '../support/stream-harness.js';

/** A Steering that also records every final's times on the session timeline. */
function recorded(steering: Steering, finals: string[]): StreamSteering {
  return {
    admit: (frame, seconds, sent) => steering.admit(frame, seconds, sent),
    timeline: (seconds) => steering.timeline(seconds),
    connected: (control) => steering.connected(control),
    reconnecting: (down) => steering.reconnecting(down),
    final: (utterance: Utterance) => {
      finals.push(`${utterance.text} ${utterance.start.toFixed(2)}-${utterance.end.toFixed(2)}`);
      steering.final(utterance);
    },
  };
}

function steered(options: { seconds: number; stopAfter?: number; stopOnSilence?: number; frame?: (index: number) => Buffer }) {
  let steering!: Steering;
  const finals: string[] = [];
  const run = startStream({
    seconds: options.seconds,
    live: true,
    microphone: true,
    ...(options.frame ? { frame: options.frame } : {}),
    steering: ({ output, stopSource }) => {
      steering = new Steering({
        output,
        end: stopSource,
        notice: (text) => run.notices.push(text),
        stopAfter: options.stopAfter,
        stopOnSilence: options.stopOnSilence,
      });
      return recorded(steering, finals);
    },
  });
  return { run, steering: () => steering, finals };
}

describe('pause and resume (key space)', () => {
  it('sends no audio while paused, KeepAlive holds the session, and times after it stay on the real-time timeline', async () => {
    const { run, steering, finals } = steered({ seconds: 60 });
    await run.clock.until(() => (run.server.sockets[0]?.audioSeconds ?? 0) >= 2, 5000);
    steering().togglePause();
    expect(run.server.last.controls).toEqual(['Finalize']); // the words before the pause come now
    await run.clock.advance(9000);
    expect(run.server.last.audioSeconds).toBe(2);
    expect(run.server.last.controls).toEqual(['Finalize', 'KeepAlive', 'KeepAlive']);
    expect(steering().snapshot().state).toBe('paused');
    expect(steering().mark()).toBeCloseTo(11, 5);
    steering().togglePause();
    await run.clock.until(() => run.server.last.audioSeconds >= 3, 5000);
    // A late final for audio before the pause keeps its times; one for audio after it moves on by the pause.
    run.server.last.final(1.5, 1.8, 'before.');
    run.server.last.final(2.2, 2.5, 'after.');
    run.signal('SIGINT');
    await run.clock.until(() => run.server.last.controls.includes('CloseStream'), 5000);
    run.server.last.metadata();
    run.server.last.drop(1000);
    await run.clock.until(() => run.outcome() !== undefined, 5000);
    expect(finals).toEqual(['before. 1.50-1.80', 'after. 11.20-11.50']);
    const rounded = (event: string) => event.replace(/\d+\.\d+/g, (n) => String(Math.round(Number(n) * 1000) / 1000));
    expect(run.events.filter((event) => /^(pause|resume|mark)/.test(event)).map(rounded)).toEqual(['pause [2]', 'mark [11]', 'resume [11,9]']);
    expect(run.outcome()).toBe(130);
  });

  it('after a reconnection, a pause still counts: offsets add up', () => {
    const timeline = new PauseTimeline();
    timeline.pause(10);
    timeline.hold(5);
    expect(timeline.resume()).toBe(5);
    // A reconnection whose audio starts at 12 s sent: a word at 1 s of it is at 13 s sent, 18 s on the timeline.
    expect([timeline.map(9.5), timeline.map(10), timeline.map(12 + 1)]).toEqual([9.5, 10, 18]);
    expect(timeline.map(-1)).toBe(-1); // "none" stays none
    expect(timeline.now(13)).toBe(18);
  });
});

describe('what the status line shows', () => {
  const utterance = (end: number): Utterance => ({ text: `line ending ${end}`, start: end - 1, end, channel: 0, confidence: 0.9, words: [] });
  const output = { open() {}, pause() {}, resume() {}, mark() {} } as unknown as TranscriptOutput;

  it('lag: the median, over the last 9 finals, of the audio clock at arrival minus the end of speech; none while paused or down', () => {
    const steering = new Steering({ output, end() {}, notice() {} });
    expect(steering.snapshot().lag).toBeUndefined();
    const frame = Buffer.alloc(1600);
    let sent = 0;
    const advance = (seconds: number) => {
      for (let i = 0; i < seconds * 20; i++) steering.admit(frame, 0.05, (sent += 0.05) - 0.05);
    };
    advance(10);
    steering.final(utterance(9)); // 1 s behind
    expect(steering.snapshot().lag).toBeCloseTo(1, 5);
    steering.final(utterance(9.5)); // 0.5 s
    steering.final(utterance(7)); // 3 s
    expect(steering.snapshot().lag).toBeCloseTo(1, 5);
    steering.reconnecting(true);
    steering.final(utterance(0)); // a replay's final while down: not a delay anyone waited for
    expect(steering.snapshot()).toMatchObject({ state: 'reconnecting', lag: expect.closeTo(1, 5) as number });
    steering.reconnecting(false);
    for (let i = 0; i < 9; i++) steering.final(utterance(9.8)); // the older ones leave the window
    expect(steering.snapshot()).toMatchObject({ state: 'listening', elapsed: expect.closeTo(10, 5) as number, lag: expect.closeTo(0.2, 5) as number });
  });

  it('the level: the loudest frame since the last snapshot', () => {
    const steering = new Steering({ output, end() {}, notice() {}, measureLevel: true });
    const loud = Buffer.alloc(1600);
    for (let i = 0; i < 800; i++) loud.writeInt16LE(i % 2 ? 3277 : -3277, i * 2); // -20 dBFS
    steering.admit(Buffer.alloc(1600), 0.05, 0);
    steering.admit(loud, 0.05, 0.05);
    steering.admit(Buffer.alloc(1600), 0.05, 0.1);
    expect(steering.snapshot().levelDbfs).toBeCloseTo(-20, 1);
    expect(steering.snapshot().levelDbfs).toBe(-Infinity);
  });
});

describe('--stop-after and --stop-on-silence', () => {
  it('--stop-after ends the session at that much audio, cleanly: CloseStream, the last words, exit 0', async () => {
    const { run } = steered({ seconds: 60, stopAfter: 3 });
    await run.clock.until(() => run.server.sockets[0]?.controls.includes('CloseStream') ?? false, 10_000);
    expect(run.server.last.audioSeconds).toBe(3);
    run.server.last.final(2, 2.9, 'last.');
    run.server.last.metadata();
    run.server.last.drop(1000);
    await run.clock.until(() => run.outcome() !== undefined, 5000);
    expect(run.outcome()).toBe(0);
    expect(run.notices).toEqual(['transcribe: --stop-after 3s reached; finishing']);
    expect(run.events.slice(-3)).toEqual(['final last.', 'metadata 3', 'close 0 end']);
  });

  it('--stop-on-silence ends after that long below the threshold, not while there is sound', async () => {
    const loud = Buffer.alloc(1600);
    for (let i = 0; i < 800; i++) loud.writeInt16LE(i % 2 ? 3000 : -3000, i * 2); // about -21 dBFS
    // 2 s of sound, 1.5 s of silence, 1 s of sound, then silence: stops 2 s into the last silence.
    const frame = (i: number) => (i < 40 || (i >= 70 && i < 90) ? loud : Buffer.alloc(1600));
    const { run } = steered({ seconds: 60, stopOnSilence: 2, frame });
    await run.clock.until(() => run.server.sockets[0]?.controls.includes('CloseStream') ?? false, 10_000);
    expect(run.server.last.audioSeconds).toBeCloseTo(6.5, 5); // the frame that completed the 2 s is the last one sent
    run.server.last.metadata();
    run.server.last.drop(1000);
    await run.clock.until(() => run.outcome() !== undefined, 5000);
    expect(run.outcome()).toBe(0);
    expect(run.notices).toEqual(['transcribe: 2s of silence (--stop-on-silence); finishing']);
  });

  it('silence while paused does not count', () => {
    const stops = new StopConditions({ stopOnSilence: 1 });
    for (let i = 0; i < 40; i++) expect(stops.push(0.05, -Infinity, true)).toBeUndefined();
    for (let i = 0; i < 19; i++) expect(stops.push(0.05, -Infinity, false)).toBeUndefined();
    expect(stops.push(0.05, -Infinity, false)).toBe('1s of silence (--stop-on-silence)');
  });

  it.each([
    [90, '1m30s'],
    [3600, '1h'],
    [2.5, '2.5s'],
    [0, '0s'],
    [3725, '1h2m5s'],
  ])('formatSeconds(%s) = %s', (seconds, text) => expect(formatSeconds(seconds)).toBe(text));
});
