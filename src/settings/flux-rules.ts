import { fluxParamError, fluxRefusedParams, isFluxModel } from '../deepgram/query.js';
import { UsageError } from '../errors.js';
import { options, type CommandName, type OptionName } from './options.js';
import type { ResolvedSettings } from './resolve.js';

/** What a run asks for beyond its settings. */
export interface RunShape {
  command: CommandName;
  /** `transcribe file --batch`: Deepgram's pre-recorded API, which has no Flux. */
  batch?: boolean;
}

/** Options only /v2/listen takes. */
const FLUX_ONLY: readonly OptionName[] = ['eotThreshold', 'eagerEotThreshold', 'eotTimeout', 'languageHint', 'manualTurns'];

/** Deepgram's eot_threshold when none is given: the eager threshold must not exceed it either. */
const DEFAULT_EOT_THRESHOLD = 0.7;

/** Options Flux refuses when set at all (a default must not trip them), and why. */
const EXPLICIT: readonly [OptionName, string][] = [
  ['language', 'flux-general-en is English and flux-general-multi finds the language itself (--language-hint helps it)'],
  ['smartFormat', 'Flux always punctuates and formats'],
  ['punctuate', 'Flux always punctuates and formats'],
  ['endpointing', 'Flux ends turns itself (tune it with --eot-threshold or --eot-timeout)'],
  ['utteranceEnd', 'Flux ends turns itself (tune it with --eot-threshold or --eot-timeout)'],
];

const ONE_SPEAKER = 'Flux does not tell speakers apart';
const ONE_CHANNEL = 'Flux takes one channel';

/**
 * The settings a Flux model (`/v2/listen`) cannot take, and the Flux settings another model cannot:
 * a usage error before connecting, rather than Deepgram's 400 or a setting silently ignored.
 * Pure: the resolved settings and the run's shape in, the first error (or none) out.
 */
export function fluxUsageError(resolved: Pick<ResolvedSettings, 'settings' | 'sources' | 'describe'>, run: RunShape): UsageError | undefined {
  const { settings, sources } = resolved;
  const used = (name: OptionName) => options[name].commands.includes(run.command);
  const set = (name: OptionName) => used(name) && sources[name] !== 'default';
  const named = (name: OptionName) => {
    const flag = `--${options[name].key}`;
    return sources[name] === 'flag' ? flag : `${flag} (from ${resolved.describe(name)})`;
  };
  const model = settings.model;
  if (!isFluxModel(model)) {
    const value = (name: OptionName) => settings[name] as unknown;
    const given = FLUX_ONLY.find((name) => set(name) && value(name) !== false && !(Array.isArray(value(name)) && (value(name) as unknown[]).length === 0));
    if (given === undefined) return undefined;
    return new UsageError(`${named(given)} needs a Flux model`, `add --model flux-general-en (or flux-general-multi), or drop ${`--${options[given].key}`}`);
  }
  const refuse = (what: string, why: string, hint = 'drop it, or choose another model such as nova-3') =>
    new UsageError(`${model} does not take ${what}: ${why}`, hint);
  if (run.batch)
    return refuse('--batch', "Deepgram's pre-recorded API has no Flux", 'drop --batch (the file is streamed), or choose another model such as nova-3');
  const params = fluxRefusedParams(settings);
  if (params.length > 0) return fluxParamError(params);
  if (settings.speakers !== undefined && used('speakers')) return refuse(named('speakers'), ONE_SPEAKER);
  if (settings.diarize && used('diarize')) return refuse(named('diarize'), ONE_SPEAKER);
  if (settings.channelNames !== undefined && used('channelNames')) return refuse(named('channelNames'), ONE_CHANNEL);
  if (settings.multichannel && used('multichannel')) return refuse(named('multichannel'), ONE_CHANNEL);
  if (settings.capture === 'both' && used('capture')) return refuse(`${named('capture')} both`, `${ONE_CHANNEL} (both records two)`);
  if (settings.channels !== undefined && settings.channels > 1 && used('channels')) return refuse(`${named('channels')} ${settings.channels}`, ONE_CHANNEL);
  for (const [name, why] of EXPLICIT) if (set(name)) return refuse(named(name), why);
  if (settings.languageHint.length > 0 && model === 'flux-general-en')
    return new UsageError(`${named('languageHint')} needs flux-general-multi`, 'use --model flux-general-multi, or drop --language-hint');
  return turnSettingsError(resolved, set, named);
}

/** `--manual-turns` ends turns by hand only (eot_threshold 1.0); the eager end of a turn comes before its end. */
function turnSettingsError(
  { settings }: Pick<ResolvedSettings, 'settings'>,
  set: (name: OptionName) => boolean,
  named: (name: OptionName) => string,
): UsageError | undefined {
  if (settings.manualTurns && set('manualTurns')) {
    const threshold = (['eotThreshold', 'eagerEotThreshold'] as const).find((name) => set(name));
    if (threshold !== undefined)
      return new UsageError(`${named('manualTurns')} ends turns only by hand (eot_threshold 1.0), so ${named(threshold)} cannot apply`, `drop one of them`);
  }
  const eager = settings.eagerEotThreshold;
  if (eager === undefined) return undefined;
  const eot = settings.eotThreshold ?? DEFAULT_EOT_THRESHOLD;
  if (eager <= eot) return undefined;
  const against = settings.eotThreshold === undefined ? `Deepgram's default --eot-threshold ${eot}` : `${named('eotThreshold')} ${eot}`;
  return new UsageError(
    `${named('eagerEotThreshold')} ${eager} is above ${against}: a tentative end of turn must not need more confidence than the end itself`,
    `lower --eager-eot-threshold or raise --eot-threshold`,
  );
}

/** What a Flux model does not take, when stored with a value that asks for it (a name whose feature follows it). */
const NOT_FOR_FLUX: readonly [OptionName, OptionName?][] = [
  ['speakers', 'diarize'],
  ['diarize'],
  ['channelNames', 'multichannel'],
  ['multichannel'],
  ...EXPLICIT.map(([name]): [OptionName] => [name]),
  ['languageHint'],
];

/**
 * A setting stored in the config file, a profile or the environment that the run's model does not
 * take is set aside with a warning: Flux defaults kept in the config must not stop a nova-3 run, nor
 * a stored --language a Flux one. A flag is what the user asks for now: that stays a usage error.
 */
export function setAsideStored(resolved: ResolvedSettings, run: RunShape): void {
  const { settings, sources } = resolved;
  const model = settings.model;
  const flux = isFluxModel(model);
  const stored = (name: OptionName) => options[name].commands.includes(run.command) && sources[name] !== 'flag' && sources[name] !== 'default';
  const asks = (name: OptionName) => {
    const value = settings[name] as unknown;
    if (name === 'languageHint') return !flux || model === 'flux-general-en' ? (value as unknown[]).length > 0 : false;
    if (!flux) return value !== false && !(Array.isArray(value) && value.length === 0);
    return value !== undefined && value !== false;
  };
  const names: readonly [OptionName, OptionName?][] = flux ? NOT_FOR_FLUX : FLUX_ONLY.map((name) => [name]);
  for (const [name, follower] of names) {
    if (!stored(name) || !asks(name)) continue;
    resolved.warnings.push(`${options[name].key} (from ${resolved.describe(name)}) does not apply to ${model}; ignored`);
    const mutable = settings as Record<OptionName, unknown>;
    mutable[name] = options[name].defaultValue;
    sources[name] = 'default';
    // The feature a name turned on goes with it, unless it was asked for itself.
    if (follower && sources[follower] === 'default') mutable[follower] = options[follower].defaultValue;
  }
}

/** Sets aside stored settings the model does not take, then throws the first Flux usage error; called where checkConflicts is, for live and file. */
export function checkFlux(resolved: ResolvedSettings, run: RunShape): void {
  setAsideStored(resolved, run);
  const error = fluxUsageError(resolved, run);
  if (error) throw error;
}
