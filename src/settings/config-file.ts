import { chmodSync, lstatSync, readFileSync, statSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { jsonErrorLocation } from './json-error.js';
import { options, type OptionName, type OptionSpec } from './options.js';
import { closest } from './suggest.js';

/** A value as stored: the string the user gave, or a hand-written JSON number, boolean or list. */
export type RawValue = string | number | boolean | string[];
export type RawConfig = Partial<Record<OptionName, RawValue>>;

/** A key this version does not know (left by an older or newer one): ignored, with a warning. */
export interface UnknownKey {
  key: string;
  profile?: string;
}

/** A stored value its option's parser refuses: an error where it is used, a warning where a flag or the environment overrides it. */
export interface RefusedValue {
  name: OptionName;
  reason: string;
  profile?: string;
}

export interface ConfigData {
  base: RawConfig;
  profiles: Record<string, RawConfig>;
  unknown: UnknownKey[];
  refused: RefusedValue[];
}

/** Where a key sits in the file, as the user would look for it: `model`, `profiles.work.model`. */
export function fieldOf(key: string, profile?: string): string {
  return profile === undefined ? key : `profiles.${profile}.${key}`;
}

/** `config set`/`unset` arguments for a field: `model`, `model --profile work`, `model <value> --profile work`. */
export function keyArgs(key: string, profile?: string): string {
  return profile === undefined ? key : `${key} --profile ${profile}`;
}

const KEYS = new Map(
  (Object.entries(options) as [OptionName, OptionSpec<unknown>][]).filter(([, spec]) => !spec.perRun).map(([name, spec]) => [spec.key, name]),
);
const PER_RUN = new Set((Object.values(options) as OptionSpec<unknown>[]).filter((spec) => spec.perRun).map((spec) => spec.key));
export const CONFIG_KEYS = [...KEYS.keys()];

export function optionNameOf(key: string): OptionName | undefined {
  return KEYS.get(key);
}

/** Refuses an unknown key, suggesting the closest one. */
export function requireKey(key: string): OptionName {
  const name = optionNameOf(key);
  if (name) return name;
  if (PER_RUN.has(key))
    throw new UsageError(
      `--${key} applies to one run only; it is not a setting (stored, it would change every later run)`,
      `give --${key} on the command line of the run that needs it`,
    );
  const guess = closest(key, CONFIG_KEYS);
  throw new UsageError(`unknown config key "${key}"${guess ? ` (did you mean ${guess}?)` : ''}`, `keys: ${CONFIG_KEYS.join(', ')}`);
}

/**
 * Reads and checks the config file without ever writing it. A missing file is an empty config; a
 * broken one is a usage error naming the file and the line or field. A file readable by others
 * is tightened to 0600 (see tightenPermissions).
 */
export function readConfigFile(path: string): { data: ConfigData; warnings: string[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { data: { base: {}, profiles: {}, unknown: [], refused: [] }, warnings: [] };
    throw new UsageError(`cannot read the config file ${path} (${code ?? String(error)})`, 'check its permissions, or set TRANSCRIBE_CONFIG_DIR');
  }
  const warnings = tightenPermissions(path);
  const data = parseConfig(text, path);
  for (const { key, profile } of data.unknown) {
    if (PER_RUN.has(key)) {
      warnings.push(
        `the config file ${path} has "${fieldOf(key, profile)}", a flag of one run and not a setting: ignored; remove it with transcribe config unset ${keyArgs(key, profile)}`,
      );
      continue;
    }
    const guess = closest(key, CONFIG_KEYS);
    warnings.push(
      `the config file ${path} has an unknown key "${fieldOf(key, profile)}"${guess ? ` (did you mean ${guess}?)` : ''}, ignored; remove it with transcribe config unset ${keyArgs(key, profile)}`,
    );
  }
  return { data, warnings };
}

export function parseConfig(text: string, path: string): ConfigData {
  let json: unknown;
  try {
    json = text.trim() ? JSON.parse(text) : {};
  } catch (error) {
    const location = jsonErrorLocation(text);
    const where = location ? ` (${location})` : `: ${(error as Error).message}`;
    throw new UsageError(`the config file ${path} is not valid JSON${where}`, 'fix it by hand, or delete it and run transcribe config set again');
  }
  if (!isObject(json)) throw new UsageError(`the config file ${path} must hold a JSON object`, 'fix it by hand, or delete it');
  const { profiles = {}, ...base } = json;
  if (!isObject(profiles)) throw new UsageError(`the config file ${path}: "profiles" must be an object of named settings`, 'fix it by hand');
  const found: Pick<ConfigData, 'unknown' | 'refused'> = { unknown: [], refused: [] };
  const baseValues = checkSection(base, found);
  // fromEntries defines own properties: a profile named "__proto__" stays a name, not a prototype.
  const named = Object.entries(profiles).map(([name, section]) => {
    if (!isObject(section)) throw new UsageError(`the config file ${path}: profile "${name}" must be an object`, 'fix it by hand');
    return [name, checkSection(section, found, name)] as const;
  });
  return { base: baseValues, profiles: Object.fromEntries(named), ...found };
}

/** The values the options accept; unknown keys and refused values are set aside in `found`. */
function checkSection(section: Record<string, unknown>, found: Pick<ConfigData, 'unknown' | 'refused'>, profile?: string): RawConfig {
  const checked: RawConfig = {};
  const at = profile === undefined ? {} : { profile };
  for (const [key, value] of Object.entries(section)) {
    const name = optionNameOf(key);
    if (!name) {
      found.unknown.push({ key, ...at });
      continue;
    }
    try {
      if (!isRawValue(value)) throw new Error('must be a string, number, boolean or list of strings');
      parseRaw(options[name], value);
      checked[name] = value;
    } catch (error) {
      found.refused.push({ name, reason: (error as Error).message, ...at });
    }
  }
  return checked;
}

/** The one way a stored value becomes a setting: through the flag's own parser. */
export function parseRaw(spec: OptionSpec<unknown>, value: RawValue): unknown {
  if (Array.isArray(value)) return value.map((item) => (spec.parseItem ?? spec.parse)(item));
  return spec.parse(String(value));
}

/**
 * The file holds the API key: a regular file looser than 0600 is tightened, with a warning. A
 * symlink is never followed for a chmod (its target is someone else's file: a warning only), and
 * the directory is left alone (it may be a shared one given by TRANSCRIBE_CONFIG_DIR).
 */
function tightenPermissions(path: string): string[] {
  if (process.platform === 'win32') return [];
  const octal = (mode: number) => mode.toString(8).padStart(4, '0');
  const link = lstatSync(path).isSymbolicLink();
  const mode = statSync(path).mode & 0o777;
  if ((mode & ~0o600) === 0) return [];
  if (link) return [`${path} is a symlink to a file readable by others (mode ${octal(mode)}), left as it is: it holds your API key`];
  try {
    chmodSync(path, 0o600);
    return [`tightened the permissions of ${path} to 0600 (they were ${octal(mode)}): it holds your API key`];
  } catch {
    return [`${path} is readable by others (mode ${octal(mode)}) and could not be changed: it holds your API key`];
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRawValue(value: unknown): value is RawValue {
  if (Array.isArray(value)) return value.every((item) => typeof item === 'string');
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}
