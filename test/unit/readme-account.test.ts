import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import type { Context } from '../../src/context.js';
import { ExitCode } from '../../src/errors.js';
import { optionsFor } from '../../src/settings/options.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const start = readme.indexOf('## Your account: `transcribe models`, `doctor`, `usage`');
const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
/** The bullet that documents one command: `- **`name`** ...` up to the next bullet. */
const bullet = (name: string) => section.match(new RegExp(`^- \\*\\*\`${name}\`\\*\\*[\\s\\S]*?(?=\\n- |\\n\\n|(?![\\s\\S]))`, 'm'))?.[0] ?? '';

describe('README: the account commands', () => {
  const program = buildProgram({} as Context, () => {});
  it.each(['models', 'doctor', 'usage'] as const)('documents every flag of %s that the options table does not', (name) => {
    expect(start).toBeGreaterThan(0);
    const command = program.commands.find((one) => one.name() === name)!;
    const fromTable = new Set(optionsFor(name).flatMap(([, spec]) => spec.flags.map((flag) => flag.split(' ')[0])));
    const own = command.options.map((option) => option.long!).filter((flag) => !fromTable.has(flag));
    expect(own.length).toBeGreaterThan(0);
    for (const flag of own) expect(bullet(name), `${name} ${flag}`).toContain(`\`${flag}`);
  });

  it.each<[string, number[]]>([
    ['doctor', [2, 3, 5, 4, 1]],
    ['usage', [3, 5]],
  ])('the exit codes %s names are real and in the exit code table', (name, codes) => {
    const named = [...bullet(name).matchAll(/\b([0-9])\s+\(/g)].map((match) => Number(match[1]));
    expect(named).toEqual(codes);
    const known: number[] = Object.values(ExitCode);
    for (const code of named) {
      expect(known).toContain(code);
      expect(readme).toMatch(new RegExp(`^\\| ${code} \\| `, 'm'));
    }
  });
});
