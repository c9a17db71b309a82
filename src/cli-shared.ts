import { Option, type Command } from 'commander';
import type { Context } from './context.js';
import type { ExitCodeValue } from './errors.js';
import { isRepeatable, optionsFor, type CommandName, type OptionSpec } from './settings/options.js';
import { runFlagsFor, type RunFlagScope } from './settings/run-flags.js';

/** commander glue shared by the cli files: the two declared tables become flags here. */

export const EXIT_CODES_HELP = `
Exit codes:
  0    success
  1    internal error, or --output, --save-audio, stdout or the config file
       cannot be written
  2    usage error: a bad flag, argument or option value, an existing file
       without --force, no API key, a broken config file; Deepgram's 400
  3    Deepgram refused the credentials or the plan (401, 402, 403)
  4    audio source error: file missing or undecodable, decoder or recorder
       missing or failing
  5    network or service error: unreachable, 429/5xx, connection dropped,
       Deepgram did not finish within 10 s
  129  the terminal closed (SIGHUP), after writing everything already heard
  130  interrupted by Ctrl+C or SIGTERM, after writing everything already heard`;

export interface Globals {
  verbose?: boolean;
  color?: boolean;
  profile?: string;
}

export type Runner = (command: Command, task: (ctx: Context, globals: Globals) => Promise<ExitCodeValue>) => () => Promise<void>;

/** Adds the declared options of `command` to a commander command; repeatable ones collect into arrays. */
export function addOptions(target: Command, command: CommandName): void {
  for (const [, spec] of optionsFor(command)) {
    const help = `${spec.help}${defaultText(spec)} [${spec.env === undefined ? 'this run only' : `env ${spec.env}`}]`;
    for (const [index, flags] of spec.flags.entries()) {
      const option = new Option(flags, index === 0 ? help : '');
      if (isRepeatable(spec)) option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
      if (index > 0) option.hideHelp();
      target.addOption(option);
    }
  }
}

function defaultText(spec: OptionSpec<unknown>): string {
  if (typeof spec.defaultValue === 'boolean') {
    return spec.defaultValue ? ` (default: on; ${spec.flags[1]} turns it off)` : '';
  }
  const shown = spec.defaultLabel ?? (spec.defaultValue === undefined || isRepeatable(spec) ? undefined : plainText(spec.defaultValue));
  return shown === undefined ? '' : ` (default: ${shown})`;
}

/** Adds the declared per-run flags (src/settings/run-flags.ts) of a scope. */
export function addRunFlags(target: Command, scope: RunFlagScope): void {
  for (const [, spec] of runFlagsFor(scope)) {
    const option = new Option(spec.flags, spec.help);
    if (spec.conflicts) option.conflicts(spec.conflicts);
    target.addOption(option);
  }
}

/** A default value as help shows it: numbers and words as they are. */
function plainText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
