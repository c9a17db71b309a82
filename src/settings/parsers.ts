/** Value parsers shared by flags, environment variables and (later) the config file. Each throws a plain Error with the reason; the resolver adds where the value came from. */

export function parseString(raw: string): string {
  const value = raw.trim();
  if (!value) throw new Error('must not be empty');
  return value;
}

/** A file to write; `-` (stdin/stdout elsewhere) would silently create a file named "-". */
export function parseOutputFile(why: string): (raw: string) => string {
  return (raw) => {
    const value = parseString(raw);
    if (value === '-') throw new Error(`must be a file name, not "-" (${why})`);
    return value;
  };
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

/**
 * A plain decimal such as `1.25` or `.5`, or undefined. Number() alone would also take `0x10`,
 * `1e-300`, `Infinity` and an empty string (0).
 */
function decimal(raw: string): number | undefined {
  const value = raw.trim();
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** `--speed 1.2` or `--speed max` (no pacing: Infinity). Below 0.1 a file would take hours per minute. */
export function parseSpeed(raw: string): number {
  if (raw.trim().toLowerCase() === 'max') return Number.POSITIVE_INFINITY;
  const n = decimal(raw);
  if (n === undefined || n < 0.1) throw new Error('must be a decimal number of at least 0.1 (1 = real time) or "max"');
  return n;
}

/** A decimal within [min, max], e.g. Flux's `eot_threshold` 0.5-1.0. */
export function parseDecimalRange(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const n = decimal(raw);
    if (n === undefined || n < min || n > max) throw new Error(`must be a decimal between ${min} and ${max}`);
    return n;
  };
}

/** The languages Flux's `language_hint` takes (flux-general-multi). */
export const FLUX_LANGUAGES = ['en', 'es', 'fr', 'de', 'hi', 'ru', 'pt', 'ja', 'it', 'nl'] as const;

export function parseLanguageHint(raw: string): string {
  const value = raw.trim().toLowerCase();
  if ((FLUX_LANGUAGES as readonly string[]).includes(value)) return value;
  throw new Error(`must be one of ${FLUX_LANGUAGES.join(', ')}`);
}

/** A pause in seconds, e.g. Deepgram's utt_split: `0.8`, `1.5`. */
export function parsePauseSeconds(raw: string): number {
  const n = decimal(raw);
  if (n === undefined || n <= 0 || n > 60) throw new Error('must be a pause in seconds, more than 0 and at most 60');
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

export function parseCapture(raw: string): 'mic' | 'system' | 'both' {
  const value = raw.trim().toLowerCase();
  if (value === 'mic' || value === 'system' || value === 'both') return value;
  throw new Error('must be mic, system or both');
}

export type OutputFormat = 'text' | 'json' | 'srt' | 'vtt';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'json', 'srt', 'vtt'];

export function parseFormat(raw: string): OutputFormat {
  const value = raw.trim().toLowerCase();
  if (value === 'ndjson' || value === 'jsonl') return 'json';
  if (value === 'webvtt') return 'vtt';
  if ((OUTPUT_FORMATS as readonly string[]).includes(value)) return value as OutputFormat;
  throw new Error(`must be one of ${OUTPUT_FORMATS.join(', ')}`);
}

export type TimestampMode = 'off' | 'offset' | 'wall';

/** `--timestamps` alone means offset. */
export function parseTimestamps(raw: string): TimestampMode {
  const value = raw.trim().toLowerCase();
  if (value === 'true' || value === 'offset' || value === 'on') return 'offset';
  if (value === 'wall' || value === 'clock') return 'wall';
  if (value === 'false' || value === 'off' || value === 'none') return 'off';
  throw new Error('must be offset or wall (or off)');
}

/** `0=Ana,1=Bo`: names for speakers or channels by number. */
export function parseNameMap(spec: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const raw of spec.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const equals = entry.indexOf('=');
    if (equals < 0) throw new Error(`"${entry}" has no "=": expected NUMBER=NAME, e.g. 0=Ana,1=Bo`);
    const id = entry.slice(0, equals).trim();
    const name = entry.slice(equals + 1).trim();
    if (!/^\d+$/.test(id)) throw new Error(`"${entry}": "${id}" is not a speaker or channel number (0, 1, 2...)`);
    const n = Number(id);
    if (!Number.isSafeInteger(n)) throw new Error(`"${entry}": ${id} is too large`);
    if (!name) throw new Error(`"${entry}" has no name after "="`);
    if (names.has(n)) throw new Error(`${n} is named twice ("${names.get(n)}" and "${name}")`);
    names.set(n, name);
  }
  if (names.size === 0) throw new Error('no names given: expected NUMBER=NAME, e.g. 0=Ana,1=Bo');
  return names;
}

/** `--shard k/n`. */
export function parseShard(raw: string): { index: number; count: number } {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) throw new Error('must be k/n with 1 <= k <= n, e.g. 1/4');
  return { index, count };
}

const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1 };

/** A duration: `90s`, `15m`, `1h`, `1h30m`, `2.5s`, or a plain number of seconds. More than 0, at most 7 days. */
export function parseDuration(raw: string): number {
  const value = raw.trim().toLowerCase();
  const plain = decimal(value);
  let seconds = plain;
  if (plain === undefined && /^((\d+(\.\d+)?)[hms])+$/.test(value)) {
    seconds = 0;
    for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)([hms])/g)) seconds += Number(amount) * UNIT_SECONDS[unit!]!;
  }
  if (seconds === undefined || !(seconds > 0) || seconds > 7 * 86_400)
    throw new Error('must be a duration such as 90s, 15m or 1h (more than 0, at most 7 days)');
  return seconds;
}
