import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { optionsMarkdown } from '../../src/settings/options-doc.js';
import { buildProgram } from '../../src/cli.js';
import type { Context } from '../../src/context.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('has the options table generated from src/settings/options.ts (npm run docs)', () => {
    const section = readme.match(/<!-- options:start -->\n([\s\S]*?)\n<!-- options:end -->/)?.[1];
    expect(section).toBe(optionsMarkdown());
  });

  it('mentions only flags that exist', () => {
    const program = buildProgram({} as Context, () => {});
    const commands = [program, ...program.commands, ...program.commands.flatMap((command) => command.commands)];
    const known = new Set(['--help', ...commands.flatMap((command) => command.options.map((option) => option.long!))]);
    // Flags of other programs (arecord, sox, grep, node) that the README quotes.
    const theirs = ['--period-time', '--buffer', '--line-buffered', '--cpu-prof', '--max-semi-space-size'];
    const mentioned = new Set(readme.match(/(?<![\w-])--[a-z][a-z-]*/g));
    expect([...mentioned].filter((flag) => !known.has(flag) && !theirs.includes(flag))).toEqual([]);
  });

  it('documents every exit code', () => {
    for (const code of [0, 1, 2, 3, 4, 5, 130]) expect(readme).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'));
  });
});
