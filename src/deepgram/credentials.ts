import { UsageError } from '../errors.js';
import { maskSecret } from '../settings/parsers.js';
import type { SettingSource } from '../settings/resolve.js';
import type { KeyDescription } from './handshake-errors.js';

const SOURCE_NAMES: Record<SettingSource, string> = { flag: '--api-key', env: 'DEEPGRAM_API_KEY', default: 'the defaults' };

/**
 * The key to send, and how to describe it without showing it. Deepgram's own hosts need a key;
 * a self-hosted server (any other host) may run without one.
 */
export function credentials(apiKey: string | undefined, source: SettingSource, apiUrl: string): { apiKey?: string; key?: KeyDescription } {
  if (apiKey) return { apiKey, key: { source: SOURCE_NAMES[source], masked: maskSecret(apiKey) } };
  if (new URL(apiUrl).hostname.endsWith('deepgram.com')) {
    throw new UsageError('no Deepgram API key', 'set DEEPGRAM_API_KEY (create a key at https://console.deepgram.com), or use --api-url for a self-hosted server');
  }
  return {};
}
