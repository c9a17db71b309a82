/** What the NDJSON `open` event may show of the settings: plain JSON, no secrets. Pure. */
import { displayUrl } from '../display-url.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const SECRET_KEY = /(?:key|token|secret|passw(?:or)?d|auth|authorization|jwt|credentials?)$/i;

/**
 * Settings as plain JSON, minus anything secret: keys named like a key, token, password or
 * credentials are dropped (`keyterm` is kept), user:password is removed from URLs, Maps become
 * objects, Dates ISO strings, Infinity "max" (the one unbounded setting is `--speed max`), other
 * non-finite numbers null; undefined values and functions are dropped.
 */
export function publicSettings(settings: Record<string, unknown>): Record<string, JsonValue> {
  const result: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (SECRET_KEY.test(key)) continue;
    const json = toJson(value);
    if (json !== undefined) result[key] = json;
  }
  return result;
}

function toJson(value: unknown): JsonValue | undefined {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : value === Number.POSITIVE_INFINITY ? 'max' : null;
  if (typeof value === 'string') return displayUrl(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => toJson(item) ?? null);
  if (value instanceof Map) return publicSettings(Object.fromEntries([...value].map(([k, v]) => [String(k), v])));
  if (typeof value === 'object') return publicSettings(value as Record<string, unknown>);
  return undefined;
}
