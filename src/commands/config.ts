import { formatServe } from '../serve/address.js';
import type { Context } from '../context.js';
import { displayUrl } from '../display-url.js';
import { escapeControls } from '../escape-controls.js';
import { ExitCode, UsageError, type ExitCodeValue } from '../errors.js';
import { CONFIG_KEYS, requireKey } from '../settings/config-file.js';
import { loadConfig, requireProfileName } from '../settings/load-config.js';
import { options, type OptionName, type OptionSpec, type Settings } from '../settings/options.js';
import { maskSecret } from '../settings/parsers.js';
import { parseOrThrow, resolveSettings } from '../settings/resolve.js';
import { closest } from '../settings/suggest.js';
import { readSecret } from '../terminal/prompt.js';

export const CONFIG_ACTIONS = ['set', 'get', 'list', 'unset', 'path', 'profiles'] as const;
export type ConfigAction = (typeof CONFIG_ACTIONS)[number];
/** Words people reach for that are spelled differently here. */
const SYNONYMS: Record<string, ConfigAction> = { show: 'list', ls: 'list', delete: 'unset', remove: 'unset', rm: 'unset', where: 'path' };

/** `config sett`, `config show`: a usage error with the likely subcommand, never a fall-through to list. */
export function unknownConfigAction(word: string): UsageError {
  const guess = Object.hasOwn(SYNONYMS, word) ? SYNONYMS[word] : closest(word, CONFIG_ACTIONS);
  return new UsageError(
    `unknown config subcommand "${word}"${guess ? ` (did you mean ${guess}?)` : ''}`,
    `subcommands: ${CONFIG_ACTIONS.join(', ')} (transcribe config --help)`,
  );
}

export interface ConfigOptions {
  profile?: string;
  showSecret?: boolean;
}

/** `transcribe config ...`: values go to stdout (for scripts), confirmations and warnings to stderr. */
export async function runConfig(context: Context, action: ConfigAction, args: string[], opts: ConfigOptions): Promise<ExitCodeValue> {
  const out = (line: string) => context.stdout.write(line + '\n');
  const note = (line: string) => context.stderr.write(`transcribe: ${escapeControls(line)}\n`);
  // Reading a profile that does not exist is an error; writing one creates it.
  const writing = action === 'set' || action === 'unset';
  if (writing && opts.profile !== undefined) requireProfileName(opts.profile);
  const { layers, data, warnings, store } = loadConfig(context.env, writing ? undefined : opts.profile);
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
      resolved.warnings.forEach((warning) => note(`warning: ${warning}`));
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
      const resolved = resolveSettings({}, context.env, layers);
      resolved.warnings.forEach((warning) => note(`warning: ${warning}`));
      const value = resolved.settings[name];
      if (value !== undefined) out(show(name, value, opts.showSecret));
      return ExitCode.ok;
    }
    case 'unset': {
      const key = requireArg(args[0], 'config unset <key>');
      // A key this version does not know (left by an older or newer one) can be removed too.
      if (!data.unknown.some((one) => one.key === key && one.profile === opts.profile)) requireKey(key);
      const found = await store.unset(key, opts.profile);
      note(found ? `removed ${key} from ${where}` : `${key} was not set in ${where}`);
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
      if (spec.env && context.env[spec.env])
        note(`warning: ${spec.env} is set in this environment and takes precedence over the stored value until it is unset`);
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
  if (name === 'apiKey' && !showSecret) return maskSecret(value as string);
  if (name === 'apiUrl' && !showSecret) return displayUrl(value as string);
  if (value === Number.POSITIVE_INFINITY) return 'max';
  if (value instanceof Map) return [...value].map(([number, name]) => `${number}=${name}`).join(',');
  if (Array.isArray(value)) return value.map((item) => (Array.isArray(item) ? item.join('=') : String(item))).join(',');
  if (typeof value === 'object') return formatServe(value); // --serve's host:port
  return String(value);
}
