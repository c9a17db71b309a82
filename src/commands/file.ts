import { openAudioSource } from '../audio/source.js';
import type { Context } from '../context.js';
import { credentials } from '../deepgram/credentials.js';
import { listenUrl } from '../deepgram/query.js';
import type { ExitCodeValue } from '../errors.js';
import { openOutputs } from '../output/open-outputs.js';
import { loadConfig } from '../settings/load-config.js';
import { resolveSettings, type Flags } from '../settings/resolve.js';
import { runStream } from '../stream/run-stream.js';
import { preloadTransport } from '../deepgram/session.js';
import { createRenderer } from '../terminal/renderer.js';

/** `transcribe file <path|->`: stream a recording (or stdin) through Deepgram live. */
export async function runFile(context: Context, path: string, flags: Flags, profile?: string): Promise<ExitCodeValue> {
  const config = loadConfig(context.env, profile);
  const { settings, describe } = resolveSettings(flags, context.env, config.layers);
  const auth = credentials(settings.apiKey, describe('apiKey'), settings.apiUrl);
  preloadTransport(); // loads while the audio is opened and sniffed
  const source = await openAudioSource(
    path,
    {
      ...(settings.encoding ? { encoding: settings.encoding } : {}),
      ...(settings.sampleRate ? { sampleRate: settings.sampleRate } : {}),
      ...(settings.channels ? { channels: settings.channels } : {}),
    },
    context,
  );
  let outputs;
  try {
    outputs = openOutputs(context, settings, source.format);
  } catch (error) {
    await source.stop();
    throw error;
  }
  const renderer = await createRenderer(context.stderr, context.color);
  for (const warning of [...config.warnings, ...source.warnings]) renderer.notice(`transcribe: warning: ${warning}`);
  try {
    const url = listenUrl(settings, source.format);
    const reconnect = { live: path === '-', replayBufferSeconds: settings.replayBuffer, reconnectTimeoutMs: settings.reconnectTimeout * 1000 };
    return await runStream(context, { url, ...auth, source, speed: settings.speed, renderer, ...outputs, ...reconnect });
  } finally {
    outputs.close();
  }
}
