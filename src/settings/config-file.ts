import { chmodSync, lstatSync, readFileSync, statSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { jsonErrorLocation } from './json-error.js';
import { options, type OptionName, type OptionSpec } from './options.js';
import { closest } from './suggest.js';

/** A value as stored: the string the user gave, or a hand-written JSON number, boolean or list. */
export type RawValue = string | number | boolean | string[];
export type RawConfig = Partial<Record<OptionName, RawValue>>;

export interface ConfigData {
  base: RawConfig;
  profiles: Record<string, RawConfig>;
}

const KEYS = new Map((Object.entries(options) as [OptionName, OptionSpec<unknown>][]).map(([name, spec]) => [spec.key, name]));
export const CONFIG_KEYS = [...KEYS.keys()];

export function optionNameOf(key: string): OptionName | undefined {
  return KEYS.get(key);
}

/** Refuses an unknown key, suggesting the closest one. */
export function requireKey(key: string): OptionName {
  const name = optionNameOf(key);
  if (name) return name;
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
    if (code === 'ENOENT' || code === 'ENOTDIR') return { data: { base: {}, profiles: {} }, warnings: [] };
    throw new UsageError(`cannot read the config file ${path} (${code ?? String(error)})`, 'check its permissions, or set TRANSCRIBE_CONFIG_DIR');
  }
  const warnings = tightenPermissions(path);
  const data = parseConfig(text, path);
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
  // fromEntries defines own properties: a profile named "__proto__" stays a name, not a prototype.
  const named = Object.entries(profiles).map(([name, section]) => {
    if (!isObject(section)) throw new UsageError(`the config file ${path}: profile "${name}" must be an object`, 'fix it by hand');
    return [name, checkSection(section, path, `profiles.${name}.`)] as const;
  });
  return { base: checkSection(base, path, ''), profiles: Object.fromEntries(named) };
}

function checkSection(section: Record<string, unknown>, path: string, prefix: string): RawConfig {
  const checked: RawConfig = {};
  for (const [key, value] of Object.entries(section)) {
    const name = optionNameOf(key);
    const field = `"${prefix}${key}"`;
    if (!name) {
      const guess = closest(key, CONFIG_KEYS);
      throw new UsageError(`the config file ${path} has an unknown key ${field}${guess ? ` (did you mean ${guess}?)` : ''}`, 'fix it by hand, or remove it with transcribe config unset');
    }
    if (!isRawValue(value)) throw new UsageError(`the config file ${path}: ${field} must be a string, number, boolean or list of strings`, 'fix it by hand');
    try {
      parseRaw(options[name], value);
    } catch (error) {
      throw new UsageError(`the config file ${path}: ${field} ${(error as Error).message}`, `fix it with transcribe config set ${key} <value>`);
    }
    checked[name] = value;
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
