import { displayUrl } from '../display-url.js';
import { options, type OptionName, type Settings } from '../settings/options.js';
import { withImpliedFeatures } from '../settings/resolve.js';

/**
 * The settings a session ran with, as the archive keeps them: without the API key (or any secret
 * option) and without a URL's user:password, but otherwise exact (Maps, `--speed max`), so that
 * `history show` formats the session as the run itself did.
 */
export function encodeSettings(settings: Settings): string {
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(settings)) {
    if (value === undefined || options[name as OptionName]?.secret) continue;
    kept[name] = value;
  }
  return JSON.stringify(kept, (_key, value: unknown) => {
    if (value instanceof Map) return { $map: [...(value as Map<unknown, unknown>)] };
    if (typeof value === 'number' && !Number.isFinite(value)) return { $number: String(value) };
    if (typeof value === 'string') return displayUrl(value);
    return value;
  });
}

/** A session archived before names turned their feature on in the settings themselves gets it here. */
export function decodeSettings(json: string): Settings {
  const settings = JSON.parse(json, (_key, value: unknown) => {
    if (value && typeof value === 'object' && '$map' in value) return new Map((value as { $map: [unknown, unknown][] }).$map);
    if (value && typeof value === 'object' && '$number' in value) return Number((value as { $number: string }).$number);
    return value;
  }) as Settings;
  return withImpliedFeatures(settings);
}
