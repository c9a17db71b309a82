import { BlockList, isIP } from 'node:net';
import { UsageError } from '../errors.js';
import { displayUrl } from '../display-url.js';
import { maskSecret } from '../settings/parsers.js';
import type { KeyDescription } from './handshake-errors.js';

/** Deepgram's own hosted API: api.deepgram.com and the other *.deepgram.com hosts. */
export function isDeepgramHosted(apiUrl: string): boolean {
  const host = new URL(apiUrl).hostname.toLowerCase().replace(/\.$/, '');
  return host === 'deepgram.com' || host.endsWith('.deepgram.com');
}

/**
 * The key to send, and how to describe it without showing it. Deepgram's own hosts need a key;
 * a self-hosted server (any other host) may run without one.
 */
export function credentials(apiKey: string | undefined, source: string, apiUrl: string): { apiKey?: string; key?: KeyDescription } {
  if (apiKey) return { apiKey, key: { source, masked: maskSecret(apiKey) } };
  if (isDeepgramHosted(apiUrl)) {
    throw new UsageError(
      'no Deepgram API key',
      'run transcribe config set api-key, or set DEEPGRAM_API_KEY (create a key at https://console.deepgram.com); --api-url for a self-hosted server',
    );
  }
  return {};
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** This machine: localhost, 127.0.0.0/8 or ::1 (an IPv4-mapped ::ffff:127.x too). */
export function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost') return true;
  const family = isIP(host);
  return family !== 0 && LOOPBACK.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Where the key may go, checked before anything is sent: over plain http/ws only to this machine,
 * unless `--allow-insecure` says the network is trusted (then with a warning). A user:password
 * in the URL is never sent (the key authenticates). Returns the warnings to show.
 */
export function checkTransport(apiUrl: string, sendsKey: boolean, allowInsecure: boolean): string[] {
  const url = new URL(apiUrl);
  const warnings: string[] = [];
  if (url.username || url.password) warnings.push(`the user:password in the API URL is not sent: the API key authenticates (${displayUrl(url)})`);
  const plain = url.protocol === 'http:' || url.protocol === 'ws:';
  if (!sendsKey || !plain || isLoopback(url.hostname)) return warnings;
  if (!allowInsecure) {
    throw new UsageError(
      `refusing to send the API key unencrypted to ${url.host} (${url.protocol.slice(0, -1)}:// to another machine)`,
      'use https:// or wss://, or add --allow-insecure (config: allow-insecure) if the network is trusted',
    );
  }
  warnings.push(`the API key is sent unencrypted to ${url.host} (--allow-insecure): anyone on the network path can read it`);
  return warnings;
}

/** Deepgram's hosted API takes audio at up to about 1.25x real time; faster audio is processed late. */
export const HOSTED_MAX_SPEED = 1.25;

export function hostedSpeedWarning(apiUrl: string, speed: number): string | undefined {
  if (speed <= HOSTED_MAX_SPEED || !isDeepgramHosted(apiUrl)) return undefined;
  const shown = Number.isFinite(speed) ? String(speed) : 'max';
  return `--speed ${shown} is faster than Deepgram's hosted API processes audio (about ${HOSTED_MAX_SPEED}x real time): results arrive late, not sooner; --batch transcribes a whole file in seconds instead`;
}
