import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { optionsMarkdown } from '../../src/settings/options-doc.js';
import { options } from '../../src/settings/options.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('has the options table generated from src/settings/options.ts (npm run docs)', () => {
    const section = readme.match(/<!-- options:start -->\n([\s\S]*?)\n<!-- options:end -->/)?.[1];
    expect(section).toBe(optionsMarkdown());
  });

  it('mentions only flags that exist', () => {
    const known = new Set(['--help', '--version', '--verbose', '--no-color', '--profile', '--show-secret', ...Object.values(options).flatMap((spec) => spec.flags.map((flag) => flag.split(' ')[0]!))]);
    const mentioned = new Set(readme.match(/(?<![\w-])--[a-z][a-z-]*/g));
    expect([...mentioned].filter((flag) => !known.has(flag))).toEqual([]);
  });

  it('documents every exit code', () => {
    for (const code of [0, 1, 2, 3, 4, 5, 130]) expect(readme).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'));
  });
});
