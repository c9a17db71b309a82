/**
 * The flags that are not settings: they choose how this one run goes (which profile, how much to
 * say, --batch or streaming, list the devices and exit), so they have no config key and no
 * environment variable, and resolveSettings never sees them. Declared here once, apart from the
 * options table, so that commander, the completion script and file's "needs --batch" check all
 * read the same list.
 */
export type RunFlagScope = 'global' | 'file' | 'live';

export interface RunFlagSpec {
  /** commander syntax: `--profile <name>`, `--no-color`. */
  flags: string;
  help: string;
  /** The one-line description completion shows (fish). */
  brief: string;
  scope: RunFlagScope;
  /** Shapes the pre-recorded API's answer: without --batch it is a usage error. */
  batchOnly?: true;
  /** The attribute name of a flag it cannot be given with. */
  conflicts?: string;
}

const runFlag = (spec: RunFlagSpec) => spec;

/** Keyed by commander's attribute name (`--no-color` sets `color`). */
export const runFlags = {
  profile: runFlag({
    flags: '--profile <name>',
    scope: 'global',
    help: 'use a settings profile from the config file [env TRANSCRIBE_PROFILE]',
    brief: 'settings profile',
  }),
  verbose: runFlag({
    flags: '--verbose',
    scope: 'global',
    help: 'show details of the connection, and stack traces on errors',
    brief: 'connection details and stack traces',
  }),
  color: runFlag({ flags: '--no-color', scope: 'global', help: 'no colours on stderr (also NO_COLOR=1)', brief: 'no colours on stderr' }),
  batch: runFlag({
    flags: '--batch',
    scope: 'file',
    help: "send the whole file to Deepgram's pre-recorded API: seconds instead of the file's length",
    brief: 'the pre-recorded API: seconds',
  }),
  paragraphs: runFlag({
    flags: '--paragraphs',
    scope: 'file',
    help: 'with --batch: one unit per paragraph instead of per utterance',
    brief: 'with --batch: a line per paragraph',
    batchOnly: true,
    conflicts: 'utterances',
  }),
  utterances: runFlag({
    flags: '--utterances',
    scope: 'file',
    help: 'with --batch: one unit per utterance (the default)',
    brief: 'with --batch: a line per utterance',
    batchOnly: true,
  }),
  utteranceSplit: runFlag({
    flags: '--utterance-split <seconds>',
    scope: 'file',
    help: "with --batch: the pause that ends an utterance (Deepgram's utt_split; default 0.8)",
    brief: 'with --batch: pause in s ending an utterance',
    batchOnly: true,
  }),
  listDevices: runFlag({
    flags: '--list-devices',
    scope: 'live',
    help: 'list the microphones and system-audio sources this machine offers, and exit',
    brief: 'list the microphones',
  }),
  check: runFlag({
    flags: '--check',
    scope: 'live',
    help: 'show the input level for 5 s without connecting to Deepgram; exit 0 if sound was heard, 4 if not',
    brief: 'show the input level for 5 s',
  }),
};

export type RunFlagName = keyof typeof runFlags;

export function runFlagsFor(scope: RunFlagScope): [RunFlagName, RunFlagSpec][] {
  return (Object.entries(runFlags) as [RunFlagName, RunFlagSpec][]).filter(([, spec]) => spec.scope === scope);
}

/** `--utterance-split` of `--utterance-split <seconds>`. */
export function longFlag(spec: RunFlagSpec): string {
  return spec.flags.split(' ')[0]!;
}

export function takesValue(spec: RunFlagSpec): boolean {
  return spec.flags.includes('<');
}

/** file's flags that need --batch, with the flag as the user wrote it. */
export const BATCH_ONLY: readonly [RunFlagName, string][] = (Object.entries(runFlags) as [RunFlagName, RunFlagSpec][])
  .filter(([, spec]) => spec.batchOnly)
  .map(([name, spec]) => [name, longFlag(spec)]);
