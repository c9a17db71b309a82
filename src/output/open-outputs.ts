import { extname } from 'node:path';
import type { PcmFormat } from '../audio/format.js';
import type { Context } from '../context.js';
import { escapeControls } from '../escape-controls.js';
import type { Settings } from '../settings/options.js';
import { createOutput } from './create-output.js';
import { TeeOutput } from './tee-output.js';
import type { TranscriptOutput } from './transcript-output.js';
import { WavWriter } from './wav-writer.js';
import type { SessionOrigin } from '../archive/archive-output.js';

export interface Outputs {
  output: TranscriptOutput;
  /** `--save-audio`: every frame sent. */
  onFrame?: (frame: Buffer) => void;
  /** Flushes and closes the files (the WAV header is finished here, after Ctrl+C or an error too). */
  close(): void;
}

/**
 * The transcript output for the settings, and the `--save-audio` file, opened before streaming starts
 * (their paths were checked by checkOutputPaths), plus an `extra` reader. A failing --save-audio costs only the recording: exit 1 at the end.
 */
export function openOutputs(context: Context, settings: Settings, format: PcmFormat, extra?: TranscriptOutput, origin?: SessionOrigin): Outputs {
  const warn = (message: string) => context.stderr.write(escapeControls(message) + '\n');
  const transcript = createOutput(context, settings, origin);
  let wav: WavWriter | undefined;
  try {
    wav = settings.saveAudio ? new WavWriter(settings.saveAudio, format, warn) : undefined;
  } catch (error) {
    transcript.dispose();
    throw error;
  }
  if (settings.saveAudio && extname(settings.saveAudio).toLowerCase() !== '.wav') {
    warn(`transcribe: warning: --save-audio ${settings.saveAudio} is written as WAV audio; a name ending in .wav lets players recognise it`);
  }
  return {
    // `extra` (the --serve page) reads the same events; the transcript's own output decides when to stop.
    output: extra ? new TeeOutput([transcript.output, extra]) : transcript.output,
    ...(wav ? { onFrame: (frame: Buffer) => wav.write(frame) } : {}),
    close() {
      wav?.close();
      transcript.dispose();
      if (wav?.failure) throw wav.failure;
    },
  };
}
