import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import type { ConfigAction } from './commands/config.js';
import type { HistoryAction } from './commands/history.js';
import type { Context } from './context.js';
import { ExitCode, exitCodeOf, formatError, UsageError, type ExitCodeValue } from './errors.js';
import { escapeControlsPerLine } from './escape-controls.js';
import { settleArchive } from './archive/background.js';
import { isRepeatable, optionsFor, type CommandName, type OptionSpec } from './settings/options.js';
import { keepOperands } from './settings/optional-values.js';
import { layoutColumns } from './terminal/size.js';

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

const ROOT_EXAMPLES = `
Examples:
  $ transcribe config set api-key                  # once; or export DEEPGRAM_API_KEY=...
  $ transcribe live
  $ transcribe file meeting.wav
  $ transcribe file talk.mp3 --output talk.txt
  $ transcribe live --help`;

const LIVE_EXAMPLES = `
Examples:
  $ transcribe live                                # speak; words appear as you talk; Ctrl+C to stop
  $ transcribe live --device hw:1,0 --output notes.txt
  $ transcribe live --list-devices
  $ transcribe live --check                        # is the microphone heard? (no Deepgram needed)
  $ transcribe live --capture both                 # you and the call: [You] ... / [Others] ...
  $ transcribe live --serve                        # captions in a browser: http://127.0.0.1:7123/
  $ transcribe live | tee log.txt | grep --line-buffered -i action`;

const CONFIG_EXAMPLES = `
Examples:
  $ transcribe config set api-key                  # asks for the key; typing is hidden
  $ transcribe config set model nova-3-medical
  $ transcribe config set language de --profile work
  $ transcribe config get model
  $ transcribe config list                         # every key, its value and its source
  $ transcribe config unset model
  $ transcribe config path
  $ transcribe file talk.wav --profile work`;

const COMPLETION_EXAMPLES = `
Examples:
  $ eval "$(transcribe completion bash)"           # in ~/.bashrc
  $ eval "$(transcribe completion zsh)"            # in ~/.zshrc
  $ transcribe completion fish > ~/.config/fish/completions/transcribe.fish`;

const FILE_EXAMPLES = `
Examples:
  $ export DEEPGRAM_API_KEY=...
  $ transcribe file meeting.wav
  $ transcribe file talk.mp3 --output talk.txt
  $ ffmpeg -i rtsp://cam/stream -f wav - | transcribe file -
  $ cat raw.pcm | transcribe file - --encoding linear16 --sample-rate 8000 --channels 1
  $ transcribe file long.wav --speed 1.2
  $ transcribe file long.wav --batch --format srt --output long.srt   # whole file at once, in seconds
  $ transcribe file long.wav --speed max --api-url http://localhost:8080   # self-hosted Deepgram
  $ transcribe file lectures/ --batch --output-dir transcripts/ --format srt   # a whole folder
  $ find . -name '*.wav' | transcribe file --from - --batch --output-dir out/`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Adds the declared options of `command` to a commander command; repeatable ones collect into arrays. */
function addOptions(target: Command, command: CommandName): void {
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

interface Globals {
  verbose?: boolean;
  color?: boolean;
  profile?: string;
}

export function buildProgram(context: Context, setExitCode: (code: ExitCodeValue) => void): Command {
  const program = new Command('transcribe')
    .description('Live transcription in your terminal, through Deepgram')
    .version(version(), '-V, --version')
    .option('--profile <name>', 'use a settings profile from the config file [env TRANSCRIBE_PROFILE]')
    .option('--verbose', 'show details of the connection, and stack traces on errors')
    .option('--no-color', 'no colours on stderr (also NO_COLOR=1)')
    .showSuggestionAfterError()
    .addHelpText('after', ROOT_EXAMPLES + '\n' + EXIT_CODES_HELP)
    .exitOverride()
    .configureOutput({
      outputError: (text, write) => write(escapeControlsPerLine(`transcribe: ${text.replace(/^error: /, '')}`)),
      // commander takes a terminal's 0 columns (`stty cols 0`) as the width and then wraps nothing.
      getOutHelpWidth: () => layoutColumns(context.stdout),
      getErrHelpWidth: () => layoutColumns(context.stderr),
    });

  /** Runs a command module with the context its global flags ask for. */
  const run = (command: Command, task: (ctx: Context, globals: Globals) => Promise<ExitCodeValue>) => async () => {
    const globals = command.optsWithGlobals<Globals>();
    const { colorEnabled } = await import('./terminal/colors.js');
    // Object.create keeps the context's getters lazy (a spread would read them all).
    const ctx: Context = Object.assign(Object.create(context) as Context, {
      verbose: Boolean(globals.verbose),
      color: colorEnabled(context.stderr, context.env, globals.color !== false),
    });
    try {
      setExitCode(await task(ctx, globals));
    } finally {
      await settleArchive(); // the archive's writer thread finishes what the session sent it
    }
  };

  const file = program
    .command('file')
    .description('transcribe audio files, folders, or stdin with -: streamed as if live, or uploaded whole with --batch')
    .argument('[paths...]', 'audio files (WAV, MP3, FLAC, Ogg, M4A, WebM, raw PCM...) or directories, or - for stdin')
    .option('--batch', "send the whole file to Deepgram's pre-recorded API: seconds instead of the file's length")
    .addOption(new Option('--paragraphs', 'with --batch: one unit per paragraph instead of per utterance').conflicts('utterances'))
    .option('--utterances', 'with --batch: one unit per utterance (the default)')
    .option('--utterance-split <seconds>', "with --batch: the pause that ends an utterance (Deepgram's utt_split; default 0.8)")
    .addHelpText('after', FILE_EXAMPLES + '\n' + EXIT_CODES_HELP);
  file.action(
    run(file, async (ctx, globals) => {
      const { runFile } = await import('./commands/file.js');
      if (file.args.length === 0 && file.opts().from === undefined)
        throw new UsageError('no input given', 'name an audio file or a directory, - for stdin, or --from <list>');
      return runFile(ctx, file.args, file.opts(), globals.profile);
    }),
  );
  addOptions(file, 'file');
  // An optional-value flag must not take the path: `file --timestamps talk.wav`.
  const parseFileOptions = file.parseOptions.bind(file);
  file.parseOptions = (args) =>
    parseFileOptions(
      keepOperands(
        args,
        optionsFor('file').map(([, spec]) => spec),
      ),
    );

  const live = program
    .command('live')
    .description('transcribe the microphone as you speak')
    .option('--list-devices', 'list the microphones and system-audio sources this machine offers, and exit')
    .option('--check', 'show the input level for 5 s without connecting to Deepgram; exit 0 if sound was heard, 4 if not')
    .addHelpText('after', LIVE_EXAMPLES + '\n' + EXIT_CODES_HELP);
  live.action(
    run(live, async (ctx, globals) => {
      const { runLive } = await import('./commands/live.js');
      return runLive(ctx, live.opts(), globals.profile);
    }),
  );
  addOptions(live, 'live');
  addConfigCommand(program, run);
  addAccountCommands(program, run);
  addHistoryCommand(program, run);

  const completion = program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish)')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText('after', COMPLETION_EXAMPLES);
  completion.action(
    run(completion, async (ctx) => {
      const { completionScript } = await import('./commands/completion.js');
      ctx.stdout.write(completionScript(completion.args[0]!));
      return ExitCode.ok;
    }),
  );
  return program;
}

type Runner = (command: Command, task: (ctx: Context, globals: Globals) => Promise<ExitCodeValue>) => () => Promise<void>;

function addConfigCommand(program: Command, run: Runner): void {
  const config = program
    .command('config')
    .description('store the API key and defaults (shows them all without a subcommand)')
    .addHelpText('after', CONFIG_EXAMPLES);
  const action = (name: ConfigAction, usage: string, description: string, showSecret = false) => {
    const sub = config.command(`${name}${usage}`).description(description);
    if (showSecret) sub.option('--show-secret', 'print the API key in full (for scripts)');
    sub.action(
      run(sub, async (ctx, globals) => {
        const { runConfig } = await import('./commands/config.js');
        return runConfig(ctx, name, sub.args, {
          ...(globals.profile !== undefined ? { profile: globals.profile } : {}),
          showSecret: Boolean(sub.opts().showSecret),
        });
      }),
    );
  };
  action('set', ' <key> [value]', 'set a default (api-key without a value asks for it, hidden)');
  action('get', ' <key>', 'print the value in effect', true);
  action('list', '', 'every key, its value and where it comes from', true);
  action('unset', ' <key>', 'remove a default');
  action('path', '', 'print the config file path');
  action('profiles', '', 'list the profile names');
  // `config` alone lists; an unknown word is an error with a suggestion, never the list.
  config.allowExcessArguments().action(
    run(config, async (ctx, globals) => {
      const { runConfig, unknownConfigAction } = await import('./commands/config.js');
      if (config.args.length > 0) throw unknownConfigAction(config.args[0]!);
      return runConfig(ctx, 'list', [], globals.profile !== undefined ? { profile: globals.profile } : {});
    }),
  );
}

/** `models`, `doctor` and `usage`: Deepgram's management API (the SDK loads only when they run). */
function addAccountCommands(program: Command, run: Runner): void {
  const models = program
    .command('models')
    .description("Deepgram's speech-to-text models and their languages (kept a day in the cache directory)")
    .option('--format <format>', 'text (a table) or json (one model a line)')
    .option('--refresh', 'ask Deepgram again, whatever the cache holds')
    .option('--offline', 'only the cached list: no network (what completion uses)')
    .option('--names', 'only the names --model takes, one a line')
    .addHelpText('after', EXIT_CODES_HELP);
  addOptions(models, 'models');
  models.action(
    run(models, async (ctx, globals) => {
      const { runModels } = await import('./commands/models.js');
      return runModels(ctx, models.opts(), globals.profile);
    }),
  );
  const doctor = program
    .command('doctor')
    .description('check the key, the network, the recorder and microphone, decoders, config and archive: one line each')
    .option('--no-mic', 'skip the 2 s microphone check')
    .addHelpText('after', EXIT_CODES_HELP);
  addOptions(doctor, 'doctor');
  doctor.action(
    run(doctor, async (ctx, globals) => {
      const { runDoctor } = await import('./commands/doctor.js');
      return runDoctor(ctx, doctor.opts(), globals.profile);
    }),
  );
  const usage = program
    .command('usage')
    .description('audio time and cost per day and model, from the archive: estimated, and billed where the key may read usage')
    .option('--month', 'this calendar month (the default: the last 30 days)')
    .option('--since <when>', 'from a date (2026-01-31) or a span back from now (7d, 12h)')
    .option('--format <format>', 'text (a table) or json (one row a line)')
    .addHelpText('after', EXIT_CODES_HELP);
  addOptions(usage, 'usage');
  usage.action(
    run(usage, async (ctx, globals) => {
      const { runUsage } = await import('./commands/usage.js');
      return runUsage(ctx, usage.opts(), globals.profile);
    }),
  );
}

const HISTORY_EXAMPLES = `
Examples:
  $ transcribe history                             # recent sessions: when, how long, source, first words
  $ transcribe history search "budget" --since 7d --speaker Ana
  $ transcribe history show 42 --format srt > standup.srt
  $ transcribe history export --since 2026-01-01 > all.ndjson
  $ transcribe history rm --older-than 90d
  $ transcribe history path                        # where the archive is (--no-history skips it)`;

function addHistoryCommand(program: Command, run: Runner): void {
  const history = program
    .command('history')
    .description('the sessions kept on this machine: list, search, show, export, remove')
    .addHelpText('after', HISTORY_EXAMPLES);
  const range = (command: Command) =>
    command
      .option('--since <when>', 'only sessions since then: 7d, 12h, 2026-01-01')
      .option('--until <when>', 'only sessions before then')
      .option('--source <text>', 'only sessions whose file or device contains this');
  const action = (name: HistoryAction, command: Command) =>
    command.action(
      run(command, async (ctx) => {
        const { runHistory } = await import('./commands/history.js');
        // commander gives an option the list also has (`show 1 --format srt`) to `history`: read both.
        return runHistory(ctx, name, command.args, command.optsWithGlobals());
      }),
    );
  action('list', range(history).option('--limit <n>', 'at most n sessions (default 20)').option('--format <format>', 'text or json (NDJSON)'));
  const search = history.command('search').description('find words in every archived session, best matches first').argument('<words...>', 'all of these words');
  range(search)
    .option('--speaker <name>', 'only lines of this speaker (a --speakers name, or Speaker 0)')
    .option('--limit <n>', 'at most n lines (default 20)')
    .option('--format <format>', 'text or json (NDJSON)');
  action('search', search);
  action('show', history.command('show').description('a session in any output format').argument('<id>').option('--format <format>', 'text, json, srt or vtt'));
  action('export', range(history.command('export').description('sessions as NDJSON: a session line, then its events')));
  action(
    'rm',
    history.command('rm').description('remove a session, or those older than --older-than').argument('[id]').option('--older-than <age>', 'e.g. 90d'),
  );
  action('path', history.command('path').description('print the archive file path'));
}

/** The entry point: the one place errors become messages and exit codes. */
export async function main(argv: string[], context: Context): Promise<ExitCodeValue> {
  let code: ExitCodeValue = ExitCode.ok;
  const program = buildProgram(context, (value) => (code = value));
  try {
    await program.parseAsync(argv);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version exit 0; every parse failure (already printed by commander) is a usage error
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    const verbose = argv.includes('--verbose');
    context.stderr.write(formatError(error, verbose));
    return exitCodeOf(error);
  }
}

/** A default value as help shows it: numbers and words as they are. */
function plainText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
