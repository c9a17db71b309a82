import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { addAccountCommands, addConfigCommand, addHistoryCommand } from './cli-commands.js';
import { addOptions, addRunFlags, EXIT_CODES_HELP, type Globals } from './cli-shared.js';
import type { Context } from './context.js';
import { ExitCode, exitCodeOf, formatError, UsageError, type ExitCodeValue } from './errors.js';
import { escapeControlsPerLine } from './escape-controls.js';
import { settleArchive } from './archive/background.js';
import { optionsFor } from './settings/options.js';
import { keepOperands } from './settings/optional-values.js';
import { layoutColumns } from './terminal/size.js';

export { EXIT_CODES_HELP };

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

export function buildProgram(context: Context, setExitCode: (code: ExitCodeValue) => void): Command {
  const program = new Command('transcribe')
    .description('Live transcription in your terminal, through Deepgram')
    .version(version(), '-V, --version')
    .showSuggestionAfterError()
    .addHelpText('after', ROOT_EXAMPLES + '\n' + EXIT_CODES_HELP)
    .exitOverride()
    .configureOutput({
      outputError: (text, write) => write(escapeControlsPerLine(`transcribe: ${text.replace(/^error: /, '')}`)),
      // commander takes a terminal's 0 columns (`stty cols 0`) as the width and then wraps nothing.
      getOutHelpWidth: () => layoutColumns(context.stdout),
      getErrHelpWidth: () => layoutColumns(context.stderr),
    });
  addRunFlags(program, 'global');

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
    .addHelpText('after', FILE_EXAMPLES + '\n' + EXIT_CODES_HELP);
  file.action(
    run(file, async (ctx, globals) => {
      const { runFile } = await import('./commands/file.js');
      if (file.args.length === 0 && file.opts().from === undefined)
        throw new UsageError('no input given', 'name an audio file or a directory, - for stdin, or --from <list>');
      return runFile(ctx, file.args, file.opts(), globals.profile);
    }),
  );
  addRunFlags(file, 'file');
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
    .addHelpText('after', LIVE_EXAMPLES + '\n' + EXIT_CODES_HELP);
  live.action(
    run(live, async (ctx, globals) => {
      const { runLive } = await import('./commands/live.js');
      return runLive(ctx, live.opts(), globals.profile);
    }),
  );
  addRunFlags(live, 'live');
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
