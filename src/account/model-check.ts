import { UsageError } from '../errors.js';
import { closest } from '../settings/suggest.js';
import { isFresh, modelNames, readModelsCache } from './models-cache.js';

/**
 * "Did you mean" for a mistyped `--model`, from the cached model list only (never the network):
 * a name the list does not have but is a small edit away from one it has. A name far from every
 * listed one may be a custom model, and goes to Deepgram as given; so does everything when there
 * is no fresh list for this --api-url.
 */
export function checkModelName(model: string, apiUrl: string, env: Record<string, string | undefined>, now = Date.now()): void {
  const cache = readModelsCache(env);
  if (!cache || !isFresh(cache, apiUrl, now)) return;
  const names = modelNames(cache.models);
  if (names.includes(model)) return;
  const suggestion = closest(model, names);
  if (suggestion) throw new UsageError(`Deepgram has no model "${model}"`, `did you mean --model ${suggestion}? (transcribe models lists them)`);
}
