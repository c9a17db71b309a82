import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { optionsMarkdown } from '../../src/settings/options-doc.js';
import { buildProgram, EXIT_CODES_HELP } from '../../src/cli.js';
import { ExitCode } from '../../src/errors.js';
import type { Context } from '../../src/context.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
// The design and performance notes that moved out of the README: their flags must exist too.
const docs = ['architecture.md', 'performance.md'].map((name) => readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8'));

describe('README', () => {
  it('has the options table generated from src/settings/options.ts (npm run docs)', () => {
    const section = readme.match(/<!-- options:start -->\n([\s\S]*?)\n<!-- options:end -->/)?.[1];
    expect(section).toBe(optionsMarkdown());
  });

  it('mentions only flags that exist (docs/ too)', () => {
    const program = buildProgram({} as Context, () => {});
    const commands = [program, ...program.commands, ...program.commands.flatMap((command) => command.commands)];
    const known = new Set(['--help', ...commands.flatMap((command) => command.options.map((option) => option.long!))]);
    // Flags of other programs (arecord, sox, grep, node) that the README quotes.
    const theirs = ['--period-time', '--buffer', '--line-buffered', '--cpu-prof', '--max-semi-space-size'];
    const mentioned = new Set([readme, ...docs].flatMap((text) => text.match(/(?<![\w-])--[a-z][a-z-]*/g) ?? []));
    expect([...mentioned].filter((flag) => !known.has(flag) && !theirs.includes(flag))).toEqual([]);
  });

  it('documents every exit code, in the README and in --help alike', () => {
    const codes = Object.values(ExitCode).sort((a, b) => a - b);
    const table = readme.slice(readme.indexOf('## Exit codes'));
    const inReadme = new Map([...table.matchAll(/^\| (\d+) \| (.*) \|$/gm)].map(([, code, text]) => [Number(code), text!]));
    // --help: "  <code>  <text>", continued on lines indented further.
    const inHelp = new Map(
      [...EXIT_CODES_HELP.matchAll(/^ {2}(\d+) +(.*(?:\n {7}.*)*)/gm)].map(([, code, text]) => [Number(code), text!.replace(/\s+/g, ' ')]),
    );
    expect([...inReadme.keys()]).toEqual(codes);
    expect([...inHelp.keys()]).toEqual(codes);
    // The causes the two must both name (the help is shorter, not different).
    const causes: Record<number, string[]> = {
      1: ['--output', '--save-audio', 'stdout', 'config'],
      2: ['--force', 'API key', 'config', '400'],
      3: ['401', '402', '403'],
      4: ['decoder', 'recorder'],
      5: ['unreachable', '429/5xx', 'dropped', 'within 10 s'],
      129: ['SIGHUP'],
      130: ['Ctrl+C', 'SIGTERM'],
    };
    for (const [code, words] of Object.entries(causes)) {
      for (const word of words) {
        expect(inReadme.get(Number(code)), `README, exit ${code}`).toContain(word);
        expect(inHelp.get(Number(code)), `--help, exit ${code}`).toContain(word);
      }
    }
  });
});
