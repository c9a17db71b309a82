import type { Command } from 'commander';
import type { ConfigAction } from './commands/config.js';
import type { HistoryAction } from './commands/history.js';
import { addOptions, EXIT_CODES_HELP, type Runner } from './cli-shared.js';

/** The wiring of the commands around the transcript: config, the account ones and history. */

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

export function addConfigCommand(program: Command, run: Runner): void {
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
export function addAccountCommands(program: Command, run: Runner): void {
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

export function addHistoryCommand(program: Command, run: Runner): void {
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
