import { UsageError } from '../errors.js';
import { options, type OptionName, type OptionSpec, type Settings } from './options.js';

export type SettingSource = 'flag' | 'env' | 'default';
export type Flags = Partial<Record<OptionName, unknown>>;

export interface ResolvedSettings {
  settings: Settings;
  sources: Record<OptionName, SettingSource>;
}

/**
 * The one settings resolver. Precedence: flag > environment > default.
 * Flags arrive from commander as raw strings (arrays for repeatable options, booleans for switches).
 */
export function resolveSettings(flags: Flags, env: Record<string, string | undefined>): ResolvedSettings {
  const settings: Record<string, unknown> = {};
  const sources: Record<string, SettingSource> = {};
  for (const [name, spec] of Object.entries(options) as [OptionName, OptionSpec<unknown>][]) {
    const flag = flags[name];
    const envValue = env[spec.env];
    if (flag !== undefined) {
      settings[name] = fromFlag(spec, flag);
      sources[name] = 'flag';
    } else if (envValue !== undefined && envValue !== '') {
      settings[name] = parseOrThrow(spec, envValue, `environment variable ${spec.env}`);
      sources[name] = 'env';
    } else {
      settings[name] = spec.defaultValue;
      sources[name] = 'default';
    }
  }
  return { settings: settings as Settings, sources: sources as Record<OptionName, SettingSource> };
}

function fromFlag(spec: OptionSpec<unknown>, flag: unknown): unknown {
  const where = spec.flags[0]?.split(' ')[0] ?? spec.key;
  if (typeof flag === 'boolean') return flag;
  if (Array.isArray(flag)) {
    const parseItem = spec.parseItem ?? spec.parse;
    return flag.map((item) => parseOrThrow({ ...spec, parse: parseItem }, String(item), where));
  }
  return parseOrThrow(spec, String(flag), where);
}

function parseOrThrow(spec: OptionSpec<unknown>, raw: string, where: string): unknown {
  try {
    return spec.parse(raw);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const shown = spec.secret ? '' : ` "${raw}"`;
    throw new UsageError(`invalid value${shown} for ${where}: ${reason}`, `see transcribe ${spec.commands[0]} --help`);
  }
}
