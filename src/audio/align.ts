import { FRAME_MS } from './format.js';
import { SampleQueue, WindowMax } from './sample-queue.js';

/**
 * Two mono live sources (the microphone, the system audio) into one stereo stream, kept aligned.
 *
 * The sources are separate devices with separate clocks: over an hour one can run several hundred
 * milliseconds ahead of the other, and either can stall. Each source's clock offset is estimated
 * from when its samples arrive: a chunk cannot arrive before its last sample was captured, so over
 * ten seconds the earliest arrivals (the largest `received - rate x elapsed`) tell where the
 * source's sample count stands against the wall clock. From the two offsets and the samples
 * dropped or inserted so far follows how far apart in time the two channels of one output frame
 * were captured. Beyond TOLERANCE_MS that is corrected by whole samples, where it cannot be heard:
 * samples of silence dropped from the channel that is ahead, or silence inserted into the channel
 * that is behind. Speech is never stretched or cut; only past FORCE_MS is silence inserted in
 * the middle of sound. A source that delivers nothing for STALL_MS is filled with silence, so that
 * the other channel goes on.
 */

export interface AlignerOptions {
  sampleRate: number;
  /** No samples for this long: the source is filled with silence. Default 500. */
  stallMs?: number;
  /** Misalignment corrected at the next quiet moment. Default 20. */
  toleranceMs?: number;
  /** Misalignment corrected at once, quiet or not. Default 45. */
  forceMs?: number;
  /** How far back the clock-offset estimate looks: long enough that some chunk arrived without delay even on a loaded machine. Default 10000. */
  windowMs?: number;
  /** RMS level below which a stretch counts as quiet. Default -40 dBFS. */
  quietDbfs?: number;
  /** false: no drift correction (stall filling only), to measure the drift. */
  correct?: boolean;
  /** Audio emitted at a time, whole frames of the stream (default FRAME_MS). */
  frameMs?: number;
}

export interface AlignerStats {
  /** Largest misalignment between the channels of an emitted frame, as estimated, in ms. */
  maxSkewMs: number;
  /** Samples of silence dropped, per channel. */
  dropped: [number, number];
  /** Samples of silence inserted (drift correction and stalls), per channel. */
  padded: [number, number];
  /** Times each source stalled. */
  stalls: [number, number];
}

type Channel = 0 | 1;

const FULL_SCALE = 32768;

export class ChannelAligner {
  private readonly queues = [new SampleQueue(), new SampleQueue()];
  private readonly received = [0, 0];
  /** Source samples consumed (emitted or dropped) minus frames emitted: drops raise it, insertions lower it. */
  private readonly shift = [0, 0];
  private readonly offsets = [new WindowMax(), new WindowMax()];
  private readonly lastArrival: [number, number];
  private readonly stalled = [false, false];
  /** The last emitted samples of each channel were quiet: silence may be inserted after them. */
  private readonly tailQuiet = [true, true];
  private readonly rate: number;
  private readonly stall: number;
  private readonly tolerance: number;
  private readonly force: number;
  private readonly window: number;
  private readonly quietEnergy: number;
  private readonly block: number;
  /** Samples in a frame of the stream: what is emitted at a time. */
  private readonly frame: number;
  readonly stats: AlignerStats = { maxSkewMs: 0, dropped: [0, 0], padded: [0, 0], stalls: [0, 0] };

  constructor(
    private readonly options: AlignerOptions,
    private readonly startMs: number,
  ) {
    this.rate = options.sampleRate;
    const samples = (ms: number) => Math.round((this.rate * ms) / 1000);
    this.stall = options.stallMs ?? 500;
    this.tolerance = samples(options.toleranceMs ?? 20);
    this.force = samples(options.forceMs ?? 45);
    this.window = options.windowMs ?? 10_000;
    this.block = samples(10);
    this.frame = samples(options.frameMs ?? FRAME_MS);
    const quiet = FULL_SCALE * 10 ** ((options.quietDbfs ?? -40) / 20);
    this.quietEnergy = quiet * quiet; // per sample
    this.lastArrival = [startMs, startMs];
  }

  /** Takes mono samples of `channel` that arrived at `nowMs`; returns the stereo frames now complete. */
  push(channel: Channel, samples: Int16Array, nowMs: number): Buffer[] {
    if (this.stalled[channel]) {
      // After a stall its sample count lags the wall clock by the stall: the old estimate is void.
      this.stalled[channel] = false;
      this.offsets[channel]!.reset();
    }
    this.queues[channel]!.push(samples);
    this.received[channel]! += samples.length;
    this.lastArrival[channel] = nowMs;
    const elapsed = (this.rate * (nowMs - this.startMs)) / 1000;
    this.offsets[channel]!.push(nowMs, this.received[channel]! - elapsed, this.window);
    return this.drain(nowMs);
  }

  /** Emits what a stalled source holds back (call now and then when nothing arrives). */
  tick(nowMs: number): Buffer[] {
    return this.drain(nowMs);
  }

  /** Capture-time difference (channel 0 minus channel 1) of the next frame, in samples; undefined before both have sounded. */
  skew(): number | undefined {
    const [o0, o1] = [this.offsets[0]!.value, this.offsets[1]!.value];
    if (o0 === undefined || o1 === undefined) return undefined;
    return this.shift[0]! - o0 - (this.shift[1]! - o1);
  }

  private drain(nowMs: number): Buffer[] {
    const out: Buffer[] = [];
    if (this.options.correct !== false) this.correct();
    const [q0, q1] = this.queues as [SampleQueue, SampleQueue];
    let filled = false;
    for (const channel of [0, 1] as const) {
      const mine = this.queues[channel]!;
      const other = this.queues[1 - channel]!;
      if (other.length > mine.length && nowMs - this.lastArrival[channel] >= this.stall) {
        // Not yet started is no stall.
        if (!this.stalled[channel] && this.received[channel]! > 0) this.stats.stalls[channel] += 1;
        this.stalled[channel] = true;
        this.fill(channel, other.length - mine.length);
        filled = true;
      }
    }
    // Whole frames, which the stream's framer passes on as they are; everything after a stall.
    let n = Math.min(q0.length, q1.length);
    if (!filled) n -= n % this.frame;
    if (n > 0) out.push(this.emit(n));
    return out;
  }

  /** One correction when the channels are too far apart: at a quiet moment, or at once past FORCE_MS. */
  private correct(): void {
    const skew = this.skew();
    if (skew === undefined) return;
    const amount = Math.round(Math.abs(skew));
    if (amount <= this.tolerance) return;
    // skew > 0: channel 0's next sample was captured later than channel 1's, so channel 0 waits
    // (silence inserted) or channel 1 skips ahead (its silence dropped).
    const late: Channel = skew > 0 ? 0 : 1;
    const early: Channel = late === 0 ? 1 : 0;
    if (this.quietAhead(early, amount + this.block)) this.drop(early, amount);
    else if (this.tailQuiet[late] && this.quietAhead(late, Math.min(this.block, this.queues[late]!.length))) this.insert(late, amount);
    else if (amount > this.force) this.insert(late, amount);
  }

  private quietAhead(channel: Channel, n: number): boolean {
    const queue = this.queues[channel]!;
    if (queue.length < n) return false;
    return n === 0 || queue.energy(n) / n < this.quietEnergy;
  }

  private drop(channel: Channel, n: number): void {
    this.queues[channel]!.take(n, undefined, 0);
    this.shift[channel]! += n;
    this.stats.dropped[channel] += n;
  }

  /** Silence after what is queued (a stalled source). */
  private fill(channel: Channel, n: number): void {
    this.queues[channel]!.push(new Int16Array(n));
    this.shift[channel]! -= n;
    this.stats.padded[channel] += n;
  }

  /** Silence in front of what is queued. */
  private insert(channel: Channel, n: number): void {
    this.queues[channel]!.unshift(new Int16Array(n));
    this.shift[channel]! -= n;
    this.stats.padded[channel] += n;
  }

  private emit(n: number): Buffer {
    const skew = this.skew();
    if (skew !== undefined) this.stats.maxSkewMs = Math.max(this.stats.maxSkewMs, (Math.abs(skew) * 1000) / this.rate);
    const stereo = new Int16Array(2 * n);
    this.queues[0]!.take(n, stereo, 0);
    this.queues[1]!.take(n, stereo, 1);
    for (const channel of [0, 1] as const) {
      const tail = Math.min(n, this.block);
      let sum = 0;
      for (let i = n - tail; i < n; i++) sum += stereo[2 * i + channel]! ** 2;
      this.tailQuiet[channel] = sum / tail < this.quietEnergy;
    }
    return Buffer.from(stereo.buffer, stereo.byteOffset, stereo.byteLength);
  }
}
