import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import type { Context } from './context.js';
import { ExitCode, exitCodeOf, formatError, type ExitCodeValue } from './errors.js';
import { isRepeatable, optionsFor, type CommandName, type OptionSpec } from './settings/options.js';
import type { Flags } from './settings/resolve.js';

const EXIT_CODES_HELP = `
Exit codes:
  0    success
  1    unexpected internal error (or the --output file cannot be written)
  2    usage error: a bad flag, argument or option value
  3    Deepgram refused the credentials or the plan (401, 402, 403)
  4    audio source error: file missing or undecodable, decoder missing
  5    network or service error: unreachable, 429/5xx, connection dropped
  130  interrupted by Ctrl+C, after writing everything already heard`;

const ROOT_EXAMPLES = `
Examples:
  $ export DEEPGRAM_API_KEY=...
  $ transcribe file meeting.wav
  $ transcribe file talk.mp3 --output talk.txt
  $ transcribe file --help`;

const FILE_EXAMPLES = `
Examples:
  $ export DEEPGRAM_API_KEY=...
  $ transcribe file meeting.wav
  $ transcribe file talk.mp3 --output talk.txt
  $ ffmpeg -i rtsp://cam/stream -f wav - | transcribe file -
  $ cat raw.pcm | transcribe file - --encoding linear16 --sample-rate 8000 --channels 1
  $ transcribe file long.wav --speed 1.2
  $ transcribe file long.wav --speed max --api-url http://localhost:8080   # self-hosted Deepgram`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Adds the declared options of `command` to a commander command; repeatable ones collect into arrays. */
function addOptions(target: Command, command: CommandName): void {
  for (const [, spec] of optionsFor(command)) {
    const help = `${spec.help}${defaultText(spec)} [env ${spec.env}]`;
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
  const shown = spec.defaultLabel ?? (spec.defaultValue === undefined || isRepeatable(spec) ? undefined : String(spec.defaultValue));
  return shown === undefined ? '' : ` (default: ${shown})`;
}

export function buildProgram(context: Context, setExitCode: (code: ExitCodeValue) => void): Command {
  const program = new Command('transcribe')
    .description('Live transcription in your terminal, through Deepgram')
    .version(version(), '-V, --version')
    .option('--verbose', 'show details of the connection, and stack traces on errors')
    .option('--no-color', 'no colours on stderr (also NO_COLOR=1)')
    .showSuggestionAfterError()
    .addHelpText('after', ROOT_EXAMPLES + '\n' + EXIT_CODES_HELP)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`transcribe: ${text.replace(/^error: /, '')}`) });

  const file = program
    .command('file')
    .description('transcribe an audio file, or stdin with -, through Deepgram live streaming')
    .argument('<path>', 'audio file (WAV, MP3, FLAC, Ogg, M4A, WebM, raw PCM...) or - for stdin')
    .addHelpText('after', FILE_EXAMPLES + '\n' + EXIT_CODES_HELP)
    .action(async (path: string, _options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<{ verbose?: boolean; color?: boolean }>();
      const { runFile } = await import('./commands/file.js');
      const { colorEnabled } = await import('./terminal/colors.js');
      const ctx = { ...context, verbose: Boolean(globals.verbose), color: colorEnabled(context.stderr, context.env, globals.color !== false) };
      setExitCode(await runFile(ctx, path, command.opts<Flags>()));
    });
  file.exitOverride();
  addOptions(file, 'file');
  return program;
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
