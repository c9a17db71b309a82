import type { AudioSource } from '../audio/audio-source.js';
import type { Settings } from '../settings/options.js';
import type { credentials } from './credentials.js';
import { protocolFor } from './protocol.js';
import { listenUrl } from './query.js';

/** The engine's side of a stream job, from the settings: endpoint, protocol, key, reconnection; for live, file and each file of a many-files run. */
export function engineJob(settings: Settings, auth: ReturnType<typeof credentials>, source: AudioSource) {
  return {
    url: listenUrl(settings, source.format),
    protocol: protocolFor(settings.model),
    ...auth,
    source,
    replayBufferSeconds: settings.replayBuffer,
    reconnectTimeoutMs: settings.reconnectTimeout * 1000,
  };
}
