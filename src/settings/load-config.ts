import { UsageError } from '../errors.js';
import { configDir } from './config-paths.js';
import type { ConfigData } from './config-file.js';
import { ConfigStore } from './config-store.js';
import type { ConfigLayers } from './resolve.js';

const PROFILE_NAME = /^[A-Za-z0-9._-]+$/;

/** A profile name to store: letters, digits, ".", "_" and "-" (safe in a shell, a file and a JSON key). */
export function requireProfileName(name: string): string {
  if (PROFILE_NAME.test(name)) return name;
  throw new UsageError(`invalid profile name "${name}"`, 'use only letters, digits, ".", "_" and "-", e.g. --profile work');
}

/** Reads the config file and picks the profile (`--profile`, else TRANSCRIBE_PROFILE). */
export function loadConfig(
  env: Record<string, string | undefined>,
  profileFlag?: string,
): { layers: ConfigLayers; data: ConfigData; warnings: string[]; store: ConfigStore } {
  const store = new ConfigStore(configDir(env));
  const { data, warnings } = store.read();
  const profileName = profileFlag ?? (env.TRANSCRIBE_PROFILE || undefined);
  const layers: ConfigLayers = { path: store.path, base: data.base, refused: data.refused };
  if (profileName !== undefined) {
    // Own properties only: "constructor" or "toString" is not a profile.
    const values = Object.hasOwn(data.profiles, profileName) ? data.profiles[profileName] : undefined;
    if (!values) {
      const known = Object.keys(data.profiles);
      throw new UsageError(
        `no profile "${profileName}" in ${store.path}`,
        known.length ? `profiles: ${known.join(', ')}` : `create it with: transcribe config set <key> <value> --profile ${profileName}`,
      );
    }
    layers.profile = { name: profileName, values };
  }
  return { layers, data, warnings, store };
}
