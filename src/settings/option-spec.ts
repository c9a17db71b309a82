/** The shape of one declared option, and the helpers the options files declare them with. */

export type CommandName = 'file' | 'live' | 'doctor' | 'models' | 'usage';
export type OptionGroup = 'Connection' | 'Deepgram' | 'Audio' | 'Output';

/**
 * One declared option: it drives the commander flag, the environment variable, validation and
 * the README table. `key` is the flag's long name and (later) the config key.
 */
export interface OptionSpec<T> {
  key: string;
  /** commander flag syntax, e.g. `--model <name>`; booleans list both forms. */
  flags: readonly string[];
  /** Absent for a per-run option. */
  env?: string;
  help: string;
  group: OptionGroup;
  commands: readonly CommandName[];
  parse: (raw: string) => T;
  defaultValue?: T;
  /** Shown in help and README instead of the value. */
  defaultLabel?: string;
  secret?: boolean;
  /** Repeatable options parse each flag occurrence alone (a keyterm may contain a comma). */
  parseItem?: (raw: string) => unknown;
  /**
   * A flag of one run, never a setting: no config key, no environment variable. `--from` or
   * `--output-dir` stored once would turn every later `transcribe file` into a many-files run.
   */
  perRun?: true;
}

export function option<T>(spec: OptionSpec<T> & { defaultValue: T }): OptionSpec<T> & { defaultValue: T };
export function option<T>(spec: OptionSpec<T>): OptionSpec<T>;
export function option<T>(spec: OptionSpec<T>): OptionSpec<T> {
  return spec;
}

/** Repeatable options: each occurrence is parsed alone; the environment gives a comma-separated list. */
export function list<T>(spec: Omit<OptionSpec<T[]>, 'parse'> & { parseItem: (raw: string) => T }): OptionSpec<T[]> & { defaultValue: T[] } {
  const parse = (raw: string) =>
    raw
      .split(',')
      .filter((item) => item.trim())
      .map(spec.parseItem);
  return { ...spec, parse, defaultValue: [] };
}

export const STREAMING: readonly CommandName[] = ['file', 'live'];
/** Everything that talks to Deepgram: the streaming commands and the account ones. */
export const DEEPGRAM: readonly CommandName[] = [...STREAMING, 'doctor', 'models', 'usage'];
