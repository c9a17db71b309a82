import { options, type OptionSpec } from './options.js';

/** The README's options table, generated from the one options table so the two cannot drift. */
export function optionsMarkdown(): string {
  const rows = (Object.values(options) as OptionSpec<unknown>[]).map((spec) => {
    const flags = spec.flags.map((flag) => `\`${flag}\``).join(' / ');
    const env = spec.env === undefined ? 'this run only' : `\`${spec.env}\``;
    return `| ${flags} | ${env} | ${defaultOf(spec)} | ${spec.commands.join(', ')} | ${spec.help.replace(/\|/g, '\\|')} |`;
  });
  return ['| flag | environment | default | commands | what it does |', '|---|---|---|---|---|', ...rows].join('\n');
}

function defaultOf(spec: OptionSpec<unknown>): string {
  if (spec.defaultLabel !== undefined) return spec.defaultLabel;
  if (spec.defaultValue === undefined || (Array.isArray(spec.defaultValue) && spec.defaultValue.length === 0)) return '';
  if (typeof spec.defaultValue === 'boolean') return spec.defaultValue ? 'on' : 'off';
  return typeof spec.defaultValue === 'string' ? spec.defaultValue : JSON.stringify(spec.defaultValue);
}
