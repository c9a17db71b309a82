import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';

/** Directories not yet removed: those made in a test (or its beforeEach), and those of the file. */
const forTest = new Set<string>();
const forFile = new Set<string>();

/**
 * A fresh private directory (mode 0700) in the temp directory, removed for you:
 * - made in a test or a beforeEach: after that test;
 * - made at module level, in a describe body or in a beforeAll: after the test file.
 * Name it `transcribe-<what>-`: the run fails if one is left (test/support/temp-root.ts).
 * The hooks that remove them are registered for every file by test/support/temp-hooks.ts.
 */
export function tempDir(prefix = 'transcribe-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  (expect.getState().currentTestName === undefined ? forFile : forTest).add(dir);
  return dir;
}

/** Removes the directories of the test that just ended (`'test'`) or of the whole file (`'file'`). */
export function removeTempDirs(scope: 'test' | 'file'): void {
  for (const set of scope === 'test' ? [forTest] : [forTest, forFile]) {
    for (const dir of set) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    set.clear();
  }
}
