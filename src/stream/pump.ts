import { audioSeconds, frameBytes, BYTES_PER_SAMPLE, FRAME_MS } from '../audio/format.js';
import { forEachChunk } from '../audio/chunk-queue.js';
import { Framer } from '../audio/framer.js';
import { Pacer } from '../audio/pacer.js';
import type { Context } from '../context.js';
import type { DeepgramConnection } from './connection.js';
import type { StreamJob } from './run-stream.js';

/** Reads, frames (the protocol's frameMs), paces and sends; resolves when the source ends. */
export async function pumpAudio(job: StreamJob, connection: DeepgramConnection, context: Context, sent: { seconds: number }): Promise<void> {
  const { source, onAudio, onFrame } = job;
  const speed = source.pace;
  const { format } = source;
  const progress = longJobProgress(job, context);
  const framer = new Framer(frameBytes(format, job.protocol?.frameMs ?? FRAME_MS), format.channels * BYTES_PER_SAMPLE);
  const pacer = new Pacer(speed, context.clock);
  const deliver = (frame: Buffer, seconds: number): Promise<void> | undefined => {
    // A frame that comes out of the pacer after a stop is not sent, so not saved either (--save-audio is what was sent).
    if (!connection.takingAudio) return undefined;
    const admission = job.steering ? job.steering.admit(frame, seconds, sent.seconds) : 'send';
    if (admission === 'hold') return undefined;
    const out = admission === 'silence' ? Buffer.alloc(frame.length) : frame;
    onFrame?.(out);
    sent.seconds += seconds;
    progress?.(sent.seconds);
    return connection.send(out);
  };
  // A promise only when there is something to wait for (pacing, a full buffer): live audio at
  // 20 frames a second makes none, and goes out inside the recorder's 'data' event.
  const send = (frame: Buffer): Promise<void> | undefined => {
    const seconds = audioSeconds(frame.length, format);
    const delay = pacer.reserve(seconds);
    return delay > 0 ? context.clock.sleep(delay).then(() => deliver(frame, seconds)) : deliver(frame, seconds);
  };
  /** Sends frames[from..] in order; a promise only once one of them has to wait. */
  const sendFrames = (frames: Buffer[], from = 0): Promise<void> | undefined => {
    for (let i = from; i < frames.length; i++) {
      const waiting = send(frames[i]!);
      if (waiting) return waiting.then(() => sendFrames(frames, i + 1));
    }
    return undefined;
  };
  await forEachChunk(source.pcm, (chunk) => {
    onAudio?.(chunk);
    return sendFrames(framer.push(chunk));
  });
  const last = framer.flush();
  if (last) await send(last);
}

const LONG_JOB_SECONDS = 120;

/** On a terminal, a long file shows how far it is, about once a second. */
function longJobProgress({ source, renderer }: StreamJob, context: Context): ((seconds: number) => void) | undefined {
  const total = source.totalSeconds;
  if (total === undefined || total <= LONG_JOB_SECONDS || !Number.isFinite(source.pace)) return undefined;
  const started = context.clock.now();
  let shownAt = -Infinity;
  return (seconds) => {
    const now = context.clock.now();
    if (now - shownAt < 1000) return;
    shownAt = now;
    renderer.progress(`${clock(seconds)}/${clock(total)} elapsed ${clock((now - started) / 1000)}`);
  };
}

function clock(seconds: number): string {
  const whole = Math.floor(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
