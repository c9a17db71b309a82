import { displayUrl } from '../display-url.js';
import { UsageError } from '../errors.js';
import { parseRaw, type RawConfig } from './config-file.js';
import { options, type OptionName, type OptionSpec, type Settings } from './options.js';

export type SettingSource = 'flag' | 'env' | 'profile' | 'config' | 'default';
export type Flags = Partial<Record<OptionName, unknown>>;

/** The config file's part: the base settings and, when one is selected, a profile over them. */
export interface ConfigLayers {
  path: string;
  base: RawConfig;
  profile?: { name: string; values: RawConfig };
}

export interface ResolvedSettings {
  settings: Settings;
  sources: Record<OptionName, SettingSource>;
  /** Where a setting came from, in words: `--model`, `TRANSCRIBE_MODEL`, `profile "work" (path)`... */
  describe(name: OptionName): string;
}

/**
 * The one settings resolver. Precedence: flag > environment > profile > config file > default.
 * Flags arrive from commander as raw strings (arrays for repeatable options, booleans for switches).
 */
export function resolveSettings(flags: Flags, env: Record<string, string | undefined>, config?: ConfigLayers): ResolvedSettings {
  const settings: Record<string, unknown> = {};
  const sources = {} as Record<OptionName, SettingSource>;
  for (const [name, spec] of Object.entries(options) as [OptionName, OptionSpec<unknown>][]) {
    const flag = flags[name];
    const envValue = env[spec.env];
    const profileValue = config?.profile?.values[name];
    const configValue = config?.base[name];
    if (flag !== undefined) {
      settings[name] = fromFlag(spec, flag);
      sources[name] = 'flag';
    } else if (envValue !== undefined && envValue !== '') {
      settings[name] = parseOrThrow(spec, envValue, `environment variable ${spec.env}`);
      sources[name] = 'env';
    } else if (profileValue !== undefined) {
      settings[name] = parseRaw(spec, profileValue);
      sources[name] = 'profile';
    } else if (configValue !== undefined) {
      settings[name] = parseRaw(spec, configValue);
      sources[name] = 'config';
    } else {
      settings[name] = spec.defaultValue;
      sources[name] = 'default';
    }
  }
  const describe = (name: OptionName): string => {
    const spec = options[name] as OptionSpec<unknown>;
    switch (sources[name]) {
      case 'flag':
        return flagName(spec);
      case 'env':
        return spec.env;
      case 'profile':
        return `profile "${config?.profile?.name}" (${config?.path})`;
      case 'config':
        return `the config file (${config?.path})`;
      default:
        return 'the default';
    }
  };
  return { settings: settings as Settings, sources, describe };
}

/**
 * Names imply the feature (`--speakers` asks for diarization); turning that feature off on
 * purpose as well is a contradiction, not something to settle silently.
 */
export function checkConflicts({ settings, sources, describe }: ResolvedSettings): void {
  const pairs = [
    ['speakers', 'diarize', 'names speakers', 'diarization'],
    ['channelNames', 'multichannel', 'names channels', 'per-channel transcription'],
  ] as const;
  for (const [names, feature, what, featureText] of pairs) {
    if (settings[names] === undefined || settings[feature] !== false || sources[feature] === 'default') continue;
    const off = sources[feature] === 'flag' ? `--no-${options[feature].key}` : describe(feature);
    throw new UsageError(`${describe(names)} ${what}, but ${off} turns ${featureText} off`, `drop one of them (${flagName(options[names])} alone turns --${options[feature].key} on)`);
  }
}

function flagName(spec: OptionSpec<unknown>): string {
  return spec.flags[0]?.split(' ')[0] ?? spec.key;
}

function fromFlag(spec: OptionSpec<unknown>, flag: unknown): unknown {
  // A switch, or an option with an optional value given bare (`--timestamps`): the parser decides.
  if (typeof flag === 'boolean') return parseOrThrow(spec, String(flag), flagName(spec));
  if (Array.isArray(flag)) {
    const parseItem = spec.parseItem ?? spec.parse;
    return flag.map((item) => parseOrThrow({ ...spec, parse: parseItem }, String(item), flagName(spec)));
  }
  return parseOrThrow(spec, String(flag), flagName(spec));
}

/** Parses with the option's own parser; a failure is a usage error that says where the value came from. */
export function parseOrThrow(spec: OptionSpec<unknown>, raw: string, where: string): unknown {
  try {
    return spec.parse(raw);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const shown = spec.secret ? '' : ` "${displayUrl(raw)}"`;
    throw new UsageError(`invalid value${shown} for ${where}: ${reason}`, `see transcribe ${spec.commands[0]} --help`);
  }
}
