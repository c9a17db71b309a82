import { displayUrl } from '../display-url.js';
import { UsageError } from '../errors.js';
import { fieldOf, keyArgs, parseRaw, type RawConfig, type RefusedValue } from './config-file.js';
import { options, type CommandName, type OptionName, type OptionSpec, type Settings } from './options.js';

export type SettingSource = 'flag' | 'env' | 'profile' | 'config' | 'default';
export type Flags = Partial<Record<OptionName, unknown>>;

/** The config file's part: the base settings and, when one is selected, a profile over them. */
export interface ConfigLayers {
  path: string;
  base: RawConfig;
  profile?: { name: string; values: RawConfig };
  /** Stored values their parser refuses (left out of base and profile): errors where used. */
  refused?: RefusedValue[];
}

export interface ResolvedSettings {
  settings: Settings;
  /** Refused stored values that a flag, the environment or the profile overrides. */
  warnings: string[];
  sources: Record<OptionName, SettingSource>;
  /** Where a setting came from, in words: `--model`, `TRANSCRIBE_MODEL`, `profile "work" (path)`... */
  describe: (name: OptionName) => string;
}

/**
 * The one settings resolver. Precedence: flag > environment > profile > config file > default.
 * Flags arrive from commander as raw strings (arrays for repeatable options, booleans for switches).
 * `command`: a refused stored value of an option that command does not take (a bad `speed` for
 * `live`) stops nothing and is not mentioned; without it (config get/list) every one counts.
 */
export function resolveSettings(flags: Flags, env: Record<string, string | undefined>, config?: ConfigLayers, command?: CommandName): ResolvedSettings {
  const settings: Record<string, unknown> = {};
  const sources = {} as Record<OptionName, SettingSource>;
  const profileName = config?.profile?.name;
  const used = (name: OptionName) => command === undefined || options[name].commands.includes(command);
  const refused = (name: OptionName, profile?: string) =>
    used(name) ? config?.refused?.find((one) => one.name === name && one.profile === profile) : undefined;
  for (const [name, spec] of Object.entries(options) as [OptionName, OptionSpec<unknown>][]) {
    const flag = flags[name];
    // A per-run option comes from its flag alone (a stale key in the file is reported as unknown).
    const envValue = spec.env === undefined ? undefined : env[spec.env];
    const profileValue = spec.perRun ? undefined : config?.profile?.values[name];
    const configValue = spec.perRun ? undefined : config?.base[name];
    const profileRefused = profileName === undefined ? undefined : refused(name, profileName);
    const baseRefused = refused(name);
    if (flag !== undefined) {
      settings[name] = fromFlag(spec, flag);
      sources[name] = 'flag';
    } else if (envValue !== undefined && envValue !== '') {
      settings[name] = parseOrThrow(spec, envValue, `environment variable ${spec.env}`);
      sources[name] = 'env';
    } else if (profileValue !== undefined) {
      settings[name] = parseRaw(spec, profileValue);
      sources[name] = 'profile';
    } else if (profileRefused) {
      throw refusedError(config!, profileRefused);
    } else if (configValue !== undefined) {
      settings[name] = parseRaw(spec, configValue);
      sources[name] = 'config';
    } else if (baseRefused) {
      throw refusedError(config!, baseRefused);
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
        return spec.env ?? flagName(spec);
      case 'profile':
        return `profile "${config?.profile?.name}" (${config?.path})`;
      case 'config':
        return `the config file (${config?.path})`;
      default:
        return 'the default';
    }
  };
  // The run goes on when a refused value is not the one in effect: say so, and how to fix it.
  const warnings: string[] = [];
  for (const one of config?.refused ?? []) {
    if ((one.profile === undefined || one.profile === profileName) && used(one.name))
      warnings.push(
        `${refusedText(config!, one)}; ignored, as ${describe(one.name)} overrides it — fix it with transcribe config set ${keyArgs(`${options[one.name].key} <value>`, one.profile)}`,
      );
  }
  const implied = withImpliedFeatures(settings as Settings, (name) => sources[name] !== 'default');
  return { settings: implied, warnings, sources, describe };
}

/** The settings a name implies, and those it is stored with: a narrow shape, so an archived session's settings fit too. */
type Named = Pick<Settings, 'diarize' | 'speakers' | 'multichannel' | 'channelNames'>;

/**
 * Names imply the feature: `--speakers` asks for diarization, `--channel-names` for per-channel
 * transcription. The one place this rule lives: everything downstream reads `diarize` and
 * `multichannel` alone. A feature turned off on purpose stays off (checkConflicts refuses that).
 */
export function withImpliedFeatures<S extends Named>(settings: S, keptOff: (name: 'diarize' | 'multichannel') => boolean = () => false): S {
  const implied = { ...settings };
  if (settings.speakers !== undefined && !settings.diarize && !keptOff('diarize')) implied.diarize = true;
  if (settings.channelNames !== undefined && !settings.multichannel && !keptOff('multichannel')) implied.multichannel = true;
  return implied;
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
    throw new UsageError(
      `${describe(names)} ${what}, but ${off} turns ${featureText} off`,
      `drop one of them (${flagName(options[names])} alone turns --${options[feature].key} on)`,
    );
  }
}

function refusedText(config: ConfigLayers, { name, reason, profile }: RefusedValue): string {
  return `the config file ${config.path}: "${fieldOf(options[name].key, profile)}" ${reason}`;
}

function refusedError(config: ConfigLayers, value: RefusedValue): UsageError {
  return new UsageError(refusedText(config, value), `fix it with transcribe config set ${keyArgs(`${options[value.name].key} <value>`, value.profile)}`);
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
