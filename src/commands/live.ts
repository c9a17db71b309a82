import { capturedSource } from '../audio/audio-source.js';
import { listDevices } from '../audio/devices.js';
import { SilenceGuard, type SilenceReport } from '../audio/levels.js';
import { alignmentSummary, startCapture } from '../audio/capture.js';
import type { RecorderOptions } from '../audio/recorder.js';
import { log, type Context } from '../context.js';
import { checkModelName } from '../account/model-check.js';
import { checkTransport, credentials } from '../deepgram/credentials.js';
import { protocolFor } from '../deepgram/protocol.js';
import { ExitCode, type ExitCodeValue } from '../errors.js';
import { checkOutputPaths } from '../output/path-checks.js';
import { loadConfig } from '../settings/load-config.js';
import { checkConflicts, resolveSettings, type Flags } from '../settings/resolve.js';
import { checkFlux } from '../settings/flux-rules.js';
import { serving } from '../serve/serving.js';
import { steerLive } from './live-steering.js';
import { EchoFilterOutput } from '../output/echo-filter.js';
import { captureFormat, captureSettings } from './live-capture.js';
import { streamSession } from './stream-session.js';

export interface LiveFlags extends Flags {
  listDevices?: boolean;
  check?: boolean;
}

/** `transcribe live`: the microphone through Deepgram, words on the terminal as they are spoken. */
export async function runLive(context: Context, flags: LiveFlags, profile?: string): Promise<ExitCodeValue> {
  const config = loadConfig(context.env, profile);
  const resolved = resolveSettings(flags, context.env, config.layers, 'live');
  checkConflicts(resolved);
  checkFlux(resolved, { command: 'live' });
  const { describe } = resolved;
  const settings = captureSettings(resolved.settings, resolved.sources.multichannel);
  const recorder: RecorderOptions = {
    sampleRate: settings.sampleRate ?? 16000,
    channels: settings.channels ?? 1,
    ...(settings.recorder ? { recorder: settings.recorder } : {}),
    ...(settings.device ? { device: settings.device } : {}),
    env: context.env,
    // Each recorder write is one frame of the engine's size.
    chunkMs: protocolFor(settings.model).frameMs,
  };
  const captureOptions = { mode: settings.capture, recorder, ...(settings.systemDevice ? { systemDevice: settings.systemDevice } : {}) };
  if (flags.listDevices) {
    context.stdout.write(await listDevices({ env: context.env }));
    return ExitCode.ok;
  }
  if (flags.check) {
    const { runLevelCheck } = await import('./live-check.js');
    return runLevelCheck(context, recorder, captureOptions);
  }
  checkModelName(settings.model, settings.apiUrl, context.env);
  const auth = credentials(settings.apiKey, describe('apiKey'), settings.apiUrl);
  const transportWarnings = checkTransport(settings.apiUrl, Boolean(auth.apiKey), settings.allowInsecure);
  checkOutputPaths(settings);
  const source = { mic: settings.device ?? 'default microphone', system: settings.systemDevice ?? 'system audio', both: 'microphone + system audio' }[
    settings.capture
  ];
  const plan = {
    settings,
    auth,
    warnings: [...config.warnings, ...resolved.warnings, ...transportWarnings],
    format: captureFormat(settings),
    origin: { command: 'live', mode: 'stream', source } as const,
  };
  return serving(context, settings, (serve) =>
    streamSession(context, { ...plan, serve }, async ({ renderer, outputs }) => {
      const recording = await startCapture({ ...captureOptions, clock: context.clock });
      // Silence is news only from a microphone: the system plays nothing most of the time.
      const guard = settings.capture === 'mic' ? new SilenceGuard(recording.format) : undefined;
      const output = settings.capture === 'both' && settings.echoFilter ? new EchoFilterOutput(outputs.output, context.clock) : outputs.output;
      // Keys and the status line (a terminal only), --stop-after, --stop-on-silence; stopping ends the recording, as its end would.
      const { stopAfter, stopOnSilence } = settings;
      const end = () => void recording.stop().catch(() => {});
      const { pauseSendsSilence } = protocolFor(settings.model);
      const steered = steerLive(context, { output, renderer, stopAfter, stopOnSilence, end, pauseSendsSilence, manualTurns: settings.manualTurns });
      return {
        source: capturedSource({ format: recording.format, pcm: recording.pcm, warnings: [], stop: () => recording.stop() }),
        context: steered.context,
        job: {
          output,
          onAudio(chunk) {
            const report = guard?.push(chunk);
            if (report && report.verdict !== 'sound') renderer.notice(`transcribe: warning: ${silenceWarning(report, process.platform)}`);
          },
          steering: steered.steering,
        },
        after() {
          steered.dispose(); // the terminal back out of raw mode, whatever happened
          if (recording.alignment) log(context, alignmentSummary(recording.alignment, recording.format.sampleRate));
        },
      };
    }),
  );
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
