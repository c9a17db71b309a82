import type { Context } from '../context.js';
import { displayUrl } from '../display-url.js';
import { ExitCode, UsageError, type ExitCodeValue } from '../errors.js';
import { CONFIG_KEYS, requireKey } from '../settings/config-file.js';
import { loadConfig, requireProfileName } from '../settings/load-config.js';
import { options, type OptionName, type OptionSpec, type Settings } from '../settings/options.js';
import { maskSecret } from '../settings/parsers.js';
import { parseOrThrow, resolveSettings } from '../settings/resolve.js';
import { readSecret } from '../terminal/prompt.js';

export type ConfigAction = 'set' | 'get' | 'list' | 'unset' | 'path' | 'profiles';

export interface ConfigOptions {
  profile?: string;
  showSecret?: boolean;
}

/** `transcribe config ...`: values go to stdout (for scripts), confirmations and warnings to stderr. */
export async function runConfig(context: Context, action: ConfigAction, args: string[], opts: ConfigOptions): Promise<ExitCodeValue> {
  const out = (line: string) => context.stdout.write(line + '\n');
  const note = (line: string) => context.stderr.write(`transcribe: ${line}\n`);
  // Reading a profile that does not exist is an error; writing one creates it.
  const writing = action === 'set' || action === 'unset';
  if (writing && opts.profile !== undefined) requireProfileName(opts.profile);
  const { layers, warnings, store } = loadConfig(context.env, writing ? undefined : opts.profile);
  warnings.forEach((warning) => note(`warning: ${warning}`));
  const where = opts.profile ? `profile "${opts.profile}" of ${store.path}` : store.path;

  switch (action) {
    case 'path':
      out(store.path);
      return ExitCode.ok;
    case 'profiles':
      Object.keys(store.read().data.profiles).forEach(out);
      return ExitCode.ok;
    case 'list': {
      const resolved = resolveSettings({}, context.env, layers);
      const rows = CONFIG_KEYS.map((key) => {
        const name = requireKey(key);
        const source = resolved.sources[name] === 'profile' ? `profile ${layers.profile?.name}` : resolved.sources[name];
        return [key, show(name, resolved.settings[name], opts.showSecret), `(${source})`];
      });
      const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
      rows.forEach(([key, value, source]) => out(`${key!.padEnd(widths[0]!)}  ${value!.padEnd(widths[1]!)}  ${source}`.trimEnd()));
      return ExitCode.ok;
    }
    case 'get': {
      const name = requireKey(requireArg(args[0], 'config get <key>'));
      const value = resolveSettings({}, context.env, layers).settings[name];
      if (value !== undefined) out(show(name, value, opts.showSecret));
      return ExitCode.ok;
    }
    case 'unset': {
      const name = requireKey(requireArg(args[0], 'config unset <key>'));
      const found = await store.unset(name, opts.profile);
      note(found ? `removed ${options[name].key} from ${where}` : `${options[name].key} was not set in ${where}`);
      return ExitCode.ok;
    }
    case 'set': {
      const name = requireKey(requireArg(args[0], 'config set <key> <value>'));
      const spec = options[name] as OptionSpec<unknown>;
      let raw = args[1];
      if (raw === undefined) {
        if (name !== 'apiKey') throw new UsageError(`config set ${spec.key} needs a value`, `transcribe config set ${spec.key} <value>`);
        raw = await readSecret(context.stdin, context.stderr, 'Deepgram API key (input hidden): ');
      } else if (name === 'apiKey') {
        note('warning: the key is now in your shell history; `transcribe config set api-key` without a value asks for it instead');
      }
      const parsed = parseOrThrow(spec, raw, `config key ${spec.key}`);
      // The key is stored bare (a pasted "Token " prefix stripped); other values as the user wrote them.
      await store.set(name, name === 'apiKey' ? (parsed as string) : raw.trim(), opts.profile);
      note(`set ${spec.key}${name === 'apiKey' ? ` (${maskSecret(parsed as string)})` : ''} in ${where}`);
      return ExitCode.ok;
    }
  }
}

function requireArg(value: string | undefined, usage: string): string {
  if (value === undefined) throw new UsageError('missing the key', `transcribe ${usage} (keys: ${CONFIG_KEYS.join(', ')})`);
  return value;
}

/** A setting as text: lists joined by commas, `max` for unlimited speed, the API key masked, a URL's user:password dropped. */
export function show(name: OptionName, value: Settings[OptionName], showSecret = false): string {
  if (value === undefined) return '';
  if (name === 'apiKey' && !showSecret) return maskSecret(String(value));
  if (name === 'apiUrl' && !showSecret) return displayUrl(String(value));
  if (value === Number.POSITIVE_INFINITY) return 'max';
  if (value instanceof Map) return [...value].map(([number, name]) => `${number}=${name}`).join(',');
  if (Array.isArray(value)) return value.map((item) => (Array.isArray(item) ? item.join('=') : String(item))).join(',');
  return String(value);
}
