import type { PcmFormat } from '../audio/format.js';
import type { AudioSource } from '../audio/audio-source.js';
import type { SessionOrigin } from '../archive/archive-output.js';
import type { Context } from '../context.js';
import type { credentials } from '../deepgram/credentials.js';
import { engineJob } from '../deepgram/engine-job.js';
import { preloadTransport } from '../deepgram/session.js';
import type { ExitCodeValue } from '../errors.js';
import { openOutputs, type Outputs } from '../output/open-outputs.js';
import type { Serving } from '../serve/serving.js';
import type { Settings } from '../settings/options.js';
import { closingAfter } from '../stream/closing.js';
import { runStream, type StreamJob } from '../stream/run-stream.js';
import { createRenderer, type Renderer } from '../terminal/renderer.js';

/** What `live` and `file` know before their stream starts. */
export interface SessionPlan {
  settings: Settings;
  auth: ReturnType<typeof credentials>;
  /** Said on stderr (through the renderer) before the stream starts. */
  warnings: readonly string[];
  /** The audio's format: the outputs (--save-audio) are opened before the audio starts flowing. */
  format: PcmFormat;
  origin: SessionOrigin;
  serve: Serving | undefined;
}

/** What a command adds once the renderer and outputs exist: its source, and the parts of the job only it has. */
export interface SessionStart {
  source: AudioSource;
  /** The context to run the stream in (steering relays keys as signals). */
  context?: Context;
  job?: Partial<Pick<StreamJob, 'output' | 'onAudio' | 'steering'>>;
  /** After the stream, whatever happened (a terminal back out of raw mode). */
  after?: () => void;
}

/**
 * The one wiring of a streamed session, for `live` and `file` alike: the renderer and the
 * warnings, the outputs (closed whatever happens), the engine's endpoint and protocol, the
 * reconnection settings, and the stream. `start` opens the command's own source.
 */
export async function streamSession(
  context: Context,
  plan: SessionPlan,
  start: (opened: { renderer: Renderer; outputs: Outputs }) => SessionStart | Promise<SessionStart>,
): Promise<ExitCodeValue> {
  const { settings } = plan;
  preloadTransport(); // loads while the audio and outputs are opened
  const outputs = openOutputs(context, settings, plan.format, plan.serve?.output, plan.origin);
  const renderer = await createRenderer(context.stderr, context.color, context.env.TERM);
  for (const warning of plan.warnings) renderer.notice(`transcribe: warning: ${warning}`);
  return closingAfter(
    context,
    async () => {
      const started = await start({ renderer, outputs });
      try {
        return await runStream(started.context ?? context, {
          ...engineJob(settings, plan.auth, started.source),
          renderer,
          ...outputs,
          ...started.job,
        });
      } finally {
        started.after?.();
      }
    },
    () => outputs.close(),
  );
}
