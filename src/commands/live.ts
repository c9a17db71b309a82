import { listDevices } from '../audio/devices.js';
import { SilenceGuard, type SilenceReport } from '../audio/levels.js';
import { formatOf, startRecording, type RecorderOptions } from '../audio/recorder.js';
import type { Context } from '../context.js';
import { checkTransport, credentials } from '../deepgram/credentials.js';
import { listenUrl } from '../deepgram/query.js';
import { preloadTransport } from '../deepgram/session.js';
import { ExitCode, type ExitCodeValue } from '../errors.js';
import { openOutputs } from '../output/open-outputs.js';
import { checkOutputPaths } from '../output/path-checks.js';
import { loadConfig } from '../settings/load-config.js';
import { checkConflicts, resolveSettings, type Flags } from '../settings/resolve.js';
import { closingAfter } from '../stream/closing.js';
import { runStream } from '../stream/run-stream.js';
import { createRenderer } from '../terminal/renderer.js';
import { serving } from '../serve/serving.js';

export interface LiveFlags extends Flags {
  listDevices?: boolean;
  check?: boolean;
}

/** `transcribe live`: the microphone through Deepgram, words on the terminal as they are spoken. */
export async function runLive(context: Context, flags: LiveFlags, profile?: string): Promise<ExitCodeValue> {
  const config = loadConfig(context.env, profile);
  const resolved = resolveSettings(flags, context.env, config.layers, 'live');
  checkConflicts(resolved);
  const { settings, describe } = resolved;
  const recorder: RecorderOptions = {
    sampleRate: settings.sampleRate ?? 16000,
    channels: settings.channels ?? 1,
    ...(settings.recorder ? { recorder: settings.recorder } : {}),
    ...(settings.device ? { device: settings.device } : {}),
    env: context.env,
  };
  if (flags.listDevices) {
    context.stdout.write(await listDevices({ env: context.env }));
    return ExitCode.ok;
  }
  if (flags.check) {
    const { runLevelCheck } = await import('./live-check.js');
    return runLevelCheck(context, recorder);
  }
  const auth = credentials(settings.apiKey, describe('apiKey'), settings.apiUrl);
  const transportWarnings = checkTransport(settings.apiUrl, Boolean(auth.apiKey), settings.allowInsecure);
  checkOutputPaths(settings);
  return serving(context, settings, async (serve) => {
    preloadTransport();
    const renderer = await createRenderer(context.stderr, context.color, context.env.TERM);
    for (const warning of [...config.warnings, ...resolved.warnings, ...transportWarnings]) renderer.notice(`transcribe: warning: ${warning}`);
    const origin = { command: 'live', mode: 'stream', source: settings.device ?? 'default microphone' } as const;
    const outputs = openOutputs(context, settings, formatOf(recorder), serve?.output, origin);
    return closingAfter(
      context,
      async () => {
        const recording = startRecording(recorder);
        const guard = new SilenceGuard(recording.format);
        return await runStream(context, {
          url: listenUrl(settings, recording.format),
          ...auth,
          source: { format: recording.format, pcm: recording.pcm, warnings: [], stop: () => recording.stop() },
          speed: Number.POSITIVE_INFINITY, // live audio arrives in real time: never paced
          live: true,
          replayBufferSeconds: settings.replayBuffer,
          reconnectTimeoutMs: settings.reconnectTimeout * 1000,
          renderer,
          ...outputs,
          onAudio(chunk) {
            const report = guard.push(chunk);
            if (report && report.verdict !== 'sound') renderer.notice(`transcribe: warning: ${silenceWarning(report, process.platform)}`);
          },
        });
      },
      () => outputs.close(),
    );
  });
}

/** Said once, when the first seconds of capture were silent: what is likely wrong on this platform. Capture goes on. */
export function silenceWarning(report: SilenceReport, platform: NodeJS.Platform): string {
  const what =
    report.verdict === 'digital-silence'
      ? `the microphone gave only digital silence for ${report.seconds} s`
      : `the microphone is almost silent (loudest ${report.loudestDbfs.toFixed(1)} dBFS in ${report.seconds} s)`;
  return `${what}; ${platformHint(platform)}`;
}

export function platformHint(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'allow your terminal to use the microphone in System Settings > Privacy & Security > Microphone';
  if (platform === 'win32') return 'allow microphone access in Settings > Privacy & security > Microphone';
  return 'check the input with arecord -l and the default source (pactl info), or choose one with --device (see --list-devices)';
}
