import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import { completionScript } from '../../src/commands/completion.js';
import type { Context } from '../../src/context.js';
import { BATCH_ONLY, longFlag, runFlags, runFlagsFor, type RunFlagScope, type RunFlagSpec } from '../../src/settings/run-flags.js';

describe('per-run flags: declared once, read by commander, completion and file', () => {
  const program = buildProgram({} as Context, () => {});
  const commandOf = (scope: RunFlagScope) => (scope === 'global' ? program : program.commands.find((one) => one.name() === scope)!);

  it.each<[RunFlagScope, string[]]>([
    ['global', ['--profile', '--verbose', '--no-color']],
    ['file', ['--batch', '--paragraphs', '--utterances', '--utterance-split']],
    ['live', ['--list-devices', '--check']],
  ])('%s: %j, each a flag of that command with its help', (scope, flags) => {
    expect(runFlagsFor(scope).map(([, spec]) => longFlag(spec))).toEqual(flags);
    const declared = commandOf(scope).options;
    for (const [, spec] of runFlagsFor(scope)) {
      const option = declared.find((one) => one.long === longFlag(spec));
      expect(option?.description, longFlag(spec)).toBe(spec.help);
    }
  });

  it('nine of them', () => expect(Object.keys(runFlags)).toHaveLength(9));

  it('the batch-only ones come from the table', () => {
    expect(BATCH_ONLY).toEqual([
      ['paragraphs', '--paragraphs'],
      ['utterances', '--utterances'],
      ['utteranceSplit', '--utterance-split'],
    ]);
  });

  it.each(['bash', 'fish'])('%s completion offers every one', (shell) => {
    const script = completionScript(shell);
    for (const spec of Object.values(runFlags)) {
      const flag = longFlag(spec);
      expect(script, flag).toMatch(shell === 'bash' ? new RegExp(`[\\s"]${flag}[\\s"]`) : ` -l ${flag.slice(2)} `);
    }
    if (shell === 'fish')
      expect(script).toContain("complete -c transcribe -l profile -r -f -a '(transcribe config profiles 2>/dev/null)' -d 'settings profile'");
  });

  it('a flag added to the table reaches completion with no second list to edit', () => {
    const table = runFlags as Record<string, RunFlagSpec>;
    table.dryRun = { flags: '--dry-run', scope: 'file', help: 'h', brief: 'only say what would be sent' };
    try {
      expect(completionScript('bash')).toMatch(/ --dry-run /);
      expect(completionScript('fish')).toContain("complete -c transcribe -n '__fish_seen_subcommand_from file' -l dry-run -d 'only say what would be sent'");
    } finally {
      delete table.dryRun;
    }
  });

  it('--paragraphs and --utterances exclude each other', () => {
    const paragraphs = commandOf('file').options.find((one) => one.long === '--paragraphs')!;
    expect((paragraphs as unknown as { conflictsWith: string[] }).conflictsWith).toEqual(['utterances']);
  });
});
