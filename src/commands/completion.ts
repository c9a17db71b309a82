import { UsageError } from '../errors.js';
import { CONFIG_KEYS } from '../settings/config-file.js';
import { optionsFor, type OptionSpec } from '../settings/options.js';
import { longFlag, runFlagsFor, takesValue as runFlagTakesValue, type RunFlagScope } from '../settings/run-flags.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
const COMMANDS = ['live', 'file', 'config', 'history', 'completion', 'models', 'doctor', 'usage', 'help'];
const CONFIG_ACTIONS = ['set', 'get', 'list', 'unset', 'path', 'profiles'];
/** Profile names are read at completion time, so new profiles complete at once. */
const PROFILES_COMMAND = 'transcribe config profiles 2>/dev/null';
/** Model names come from the cached list only (never the network); they are plain words (src/account/parse-answers.ts). */
const MODELS_COMMAND = 'transcribe models --offline --names 2>/dev/null';

const longFlags = (spec: OptionSpec<unknown>) => spec.flags.map((flag) => flag.split(' ')[0]!);
const takesValue = (spec: OptionSpec<unknown>) => spec.flags[0]!.includes('<');
const specsOf = (command: 'file' | 'live') => optionsFor(command).map(([, spec]) => spec);
/** The per-run flags (src/settings/run-flags.ts) of a command, or the global ones. */
const runFlagsOf = (scope: RunFlagScope) => runFlagsFor(scope).map(([, spec]) => longFlag(spec));
const GLOBAL_FLAGS = [...runFlagsOf('global'), '--help', '--version'];

/** `transcribe completion <shell>`: a script completing commands, flags, config keys and profile names. */
export function completionScript(shell: string): string {
  if (shell === 'bash') return bashScript();
  if (shell === 'zsh') return `#compdef transcribe\nautoload -U +X bashcompinit && bashcompinit\n${bashScript()}`;
  if (shell === 'fish') return fishScript();
  throw new UsageError(`no completion for shell "${shell}"`, `use one of: ${SHELLS.join(', ')}`);
}

function bashScript(): string {
  const fileFlags = [...specsOf('file').flatMap(longFlags), ...runFlagsOf('file'), ...GLOBAL_FLAGS].join(' ');
  const liveFlags = [...specsOf('live').flatMap(longFlags), ...runFlagsOf('live'), ...GLOBAL_FLAGS].join(' ');
  return `# transcribe completion for bash: eval "$(transcribe completion bash)" in ~/.bashrc
# Profile names are data: matched as text and quoted, never expanded (compgen -W would run a $(...) in one).
_transcribe_profiles() {
  local name quoted
  COMPREPLY=()
  while IFS= read -r name; do
    [[ -n "$name" && "$name" == "$cur"* ]] || continue
    printf -v quoted '%q' "$name"
    COMPREPLY+=("$quoted")
  done <<< "$(${PROFILES_COMMAND})"
}
_transcribe() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
  case "$prev" in
    --profile) _transcribe_profiles; return ;;
    --output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --model) COMPREPLY=($(compgen -W "$(${MODELS_COMMAND})" -- "$cur")); return ;;
  esac
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${COMMANDS.join(' ')} --help --version" -- "$cur")); return
  fi
  case "\${COMP_WORDS[1]}" in
    file)
      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "${fileFlags}" -- "$cur"))
      else COMPREPLY=($(compgen -f -- "$cur")); fi ;;
    live) COMPREPLY=($(compgen -W "${liveFlags}" -- "$cur")) ;;
    config)
      if [ "$COMP_CWORD" -eq 2 ]; then COMPREPLY=($(compgen -W "${CONFIG_ACTIONS.join(' ')}" -- "$cur"))
      elif [ "$COMP_CWORD" -eq 3 ] && [[ "\${COMP_WORDS[2]}" =~ ^(set|get|unset)$ ]]; then COMPREPLY=($(compgen -W "${CONFIG_KEYS.join(' ')}" -- "$cur"))
      else COMPREPLY=($(compgen -W "--profile --show-secret" -- "$cur")); fi ;;
    completion) COMPREPLY=($(compgen -W "${SHELLS.join(' ')}" -- "$cur")) ;;
    help) COMPREPLY=($(compgen -W "${COMMANDS.join(' ')}" -- "$cur")) ;;
  esac
}
complete -o default -F _transcribe transcribe
`;
}

function fishScript(): string {
  const lines = [
    '# transcribe completion for fish: transcribe completion fish > ~/.config/fish/completions/transcribe.fish',
    'complete -c transcribe -f',
    `complete -c transcribe -n __fish_use_subcommand -a '${COMMANDS.join(' ')}'`,
    ...runFlagsFor('global').map(([name, spec]) => {
      const value = name === 'profile' ? ` -r -f -a '(${PROFILES_COMMAND})'` : runFlagTakesValue(spec) ? ' -r' : '';
      return `complete -c transcribe -l ${longFlag(spec).slice(2)}${value} -d '${spec.brief}'`;
    }),
    "complete -c transcribe -n '__fish_seen_subcommand_from file' -F",
    `complete -c transcribe -n '__fish_seen_subcommand_from config; and not __fish_seen_subcommand_from ${CONFIG_ACTIONS.join(' ')}' -a '${CONFIG_ACTIONS.join(' ')}'`,
    `complete -c transcribe -n '__fish_seen_subcommand_from set get unset' -a '${CONFIG_KEYS.join(' ')}'`,
    "complete -c transcribe -n '__fish_seen_subcommand_from get list' -l show-secret -d 'print the API key in full'",
    `complete -c transcribe -n '__fish_seen_subcommand_from completion' -a '${SHELLS.join(' ')}'`,
    `complete -c transcribe -n '__fish_seen_subcommand_from file live' -l model -r -f -a '(${MODELS_COMMAND})' -d 'Deepgram model'`,
  ];
  for (const command of ['file', 'live'] as const) {
    for (const spec of specsOf(command)) {
      for (const flag of longFlags(spec)) {
        const value = takesValue(spec) ? (spec.key === 'output' ? ' -r -F' : ' -r') : '';
        lines.push(`complete -c transcribe -n '__fish_seen_subcommand_from ${command}' -l ${flag.slice(2)}${value} -d '${spec.help.replace(/'/g, "\\'")}'`);
      }
    }
  }
  for (const command of ['file', 'live'] as const) {
    for (const [, spec] of runFlagsFor(command)) {
      const value = runFlagTakesValue(spec) ? ' -r' : '';
      lines.push(`complete -c transcribe -n '__fish_seen_subcommand_from ${command}' -l ${longFlag(spec).slice(2)}${value} -d '${spec.brief}'`);
    }
  }
  return lines.join('\n') + '\n';
}
