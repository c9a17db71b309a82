import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BIN, cliEnv, ROOT } from '../support/run-cli.js';

/** Runs the CLI with stdout on /dev/full: every write fails with ENOSPC. */
function toFullDisk(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const full = openSync('/dev/full', 'w');
  const child = spawn(process.execPath, [BIN, ...args], { env: cliEnv(), cwd: ROOT, stdio: ['ignore', full, 'pipe'] });
  closeSync(full);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

const LOST = 'transcribe: cannot write to stdout (ENOSPC) — check where stdout goes: free disk space, the device\n';

describe('stdout that cannot be written, for the commands that print something other than a transcript', () => {
  it.each([[['config', 'list']], [['--version']], [['--help']], [['completion', 'bash']], [['config', 'path']]])(
    '%j > /dev/full: one line, exit 1 (not a silent exit 0)',
    async (args) => {
      expect(await toFullDisk(args)).toEqual({ code: 1, stderr: LOST });
    },
  );
});
