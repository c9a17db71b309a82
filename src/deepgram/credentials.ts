import { UsageError } from '../errors.js';
import { maskSecret } from '../settings/parsers.js';
import type { KeyDescription } from './handshake-errors.js';

/**
 * The key to send, and how to describe it without showing it. Deepgram's own hosts need a key;
 * a self-hosted server (any other host) may run without one.
 */
export function credentials(apiKey: string | undefined, source: string, apiUrl: string): { apiKey?: string; key?: KeyDescription } {
  if (apiKey) return { apiKey, key: { source, masked: maskSecret(apiKey) } };
  if (new URL(apiUrl).hostname.endsWith('deepgram.com')) {
    throw new UsageError(
      'no Deepgram API key',
      'run transcribe config set api-key, or set DEEPGRAM_API_KEY (create a key at https://console.deepgram.com); --api-url for a self-hosted server',
    );
  }
  return {};
}
