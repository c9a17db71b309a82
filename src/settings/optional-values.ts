import type { OptionSpec } from './options.js';

/**
 * commander gives an option with an optional value (`--timestamps [mode]`) the next word, even
 * when that word is the file to transcribe (`file --timestamps talk.wav`). Before the command's
 * own parse, such a flag followed by a word its parser refuses becomes `--flag=true` (what the
 * bare flag means), so the word stays an argument. `--flag value` and `--flag=value` are unchanged.
 */
export function keepOperands(args: readonly string[], specs: readonly OptionSpec<unknown>[]): string[] {
  const optional = new Map(specs.filter((spec) => spec.flags[0]?.includes(' [')).map((spec) => [spec.flags[0]!.split(' ')[0]!, spec]));
  const result: string[] = [];
  for (const [index, arg] of args.entries()) {
    if (arg === '--') return [...result, ...args.slice(index)];
    const spec = optional.get(arg);
    const next = args[index + 1];
    // commander takes the next word unless it looks like an option ('-' alone is stdin, a word).
    const taken = next !== undefined && (next === '-' || !next.startsWith('-'));
    result.push(spec && taken && !accepts(spec, next) ? `${arg}=true` : arg);
  }
  return result;
}

function accepts(spec: OptionSpec<unknown>, value: string): boolean {
  try {
    spec.parse(value);
    return true;
  } catch {
    return false;
  }
}
