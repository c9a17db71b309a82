/** Value parsers shared by flags, environment variables and (later) the config file. Each throws a plain Error with the reason; the resolver adds where the value came from. */

export function parseString(raw: string): string {
  const value = raw.trim();
  if (!value) throw new Error('must not be empty');
  return value;
}

export function parseBoolean(raw: string): boolean {
  const value = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  throw new Error('must be true or false');
}

export function parseInteger(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const value = raw.trim();
    if (!/^\d+$/.test(value)) throw new Error('must be a whole number');
    const n = Number(value);
    if (n < min || n > max) throw new Error(`must be between ${min} and ${max}`);
    return n;
  };
}

/** `--speed 1.2` or `--speed max` (no pacing: Infinity). */
export function parseSpeed(raw: string): number {
  const value = raw.trim().toLowerCase();
  if (value === 'max') return Number.POSITIVE_INFINITY;
  const n = Number(value);
  if (!value || !Number.isFinite(n) || n <= 0) throw new Error('must be a positive number (1 = real time) or "max"');
  return n;
}

/** Deepgram's endpointing: milliseconds of silence that end an utterance, or false to disable. */
export function parseEndpointing(raw: string): number | false {
  const value = raw.trim().toLowerCase();
  if (value === 'false' || value === 'off') return false;
  if (!/^\d+$/.test(value)) throw new Error('must be milliseconds (e.g. 300) or false');
  return parseInteger(0, 60_000)(value);
}

export function parseEncoding(raw: string): 'linear16' {
  const value = raw.trim().toLowerCase();
  if (value === 'linear16' || value === 's16le' || value === 'pcm_s16le') return 'linear16';
  throw new Error('must be linear16 (16-bit little-endian PCM); other formats are read from their container header');
}

/** `--param key=value`: any Deepgram query parameter we do not model ourselves. */
export function parseParam(raw: string): [string, string] {
  const at = raw.indexOf('=');
  if (at <= 0) throw new Error('must look like key=value');
  const key = raw.slice(0, at).trim();
  if (!/^[a-z_][a-z0-9_.]*$/i.test(key)) throw new Error(`has an invalid key "${key}"`);
  return [key, raw.slice(at + 1)];
}

/** Accepts http(s) and ws(s) base URLs; Deepgram's `wss://` is derived from `https://`. */
export function parseApiUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new Error('must be a URL such as https://api.deepgram.com or http://localhost:8080');
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) throw new Error('must use https, wss, http or ws');
  return url.toString().replace(/\/$/, '');
}

/** A key pasted as `Token abc` is accepted: Deepgram's header adds that prefix itself. */
export function parseApiKey(raw: string): string {
  const value = raw.trim().replace(/^token\s+/i, '');
  if (!value) throw new Error('must not be empty');
  if (/\s/.test(value)) throw new Error('must not contain spaces');
  return value;
}

/** Only the last four characters, enough to tell two keys apart. */
export function maskSecret(secret: string): string {
  return secret.length < 12 ? '****' : `****${secret.slice(-4)}`;
}

/** The programs node-record-lpcm16 can record with. */
export function parseRecorder(raw: string): 'arecord' | 'sox' | 'rec' {
  const value = raw.trim().toLowerCase();
  if (value === 'arecord' || value === 'sox' || value === 'rec') return value;
  throw new Error('must be arecord, sox or rec');
}
