import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import setupTempRoot from '../support/temp-root.js';
import { tempDir } from '../support/temp.js';

describe('tempDir() removes what it made', () => {
  const fileDir = tempDir('transcribe-unit-file-');
  let allDir = '';
  let eachDir = '';
  let testDir = '';
  let firstEachDir = '';
  beforeAll(() => {
    allDir = tempDir('transcribe-unit-all-');
  });
  beforeEach(() => {
    eachDir = tempDir('transcribe-unit-each-');
  });

  it('makes private directories in the run temp directory', () => {
    testDir = tempDir('transcribe-unit-test-');
    firstEachDir = eachDir;
    for (const dir of [fileDir, allDir, eachDir, testDir]) expect(existsSync(dir) && dir.startsWith(tmpdir())).toBe(true);
  });

  it('removes those of a test (and its beforeEach) after it, keeps those of the file', () => {
    expect([existsSync(testDir), existsSync(firstEachDir), existsSync(fileDir), existsSync(allDir)]).toEqual([false, false, true, true]);
    expect(existsSync(eachDir)).toBe(true);
  });
});

describe('the run check (test/support/temp-root.ts)', () => {
  const saved = { tmp: process.env.TMPDIR, exitCode: process.exitCode };
  afterEach(() => {
    process.env.TMPDIR = saved.tmp;
    process.exitCode = saved.exitCode;
  });

  it('passes when nothing is left, and removes its directory', () => {
    const teardown = setupTempRoot();
    const root = tmpdir();
    mkdirSync(join(root, 'not-ours')); // other tools' entries are not ours to judge
    process.env.TMPDIR = saved.tmp;
    expect(teardown).not.toThrow();
    expect(existsSync(root)).toBe(false);
  });

  it('fails listing what a test left, and still removes its directory', () => {
    const teardown = setupTempRoot();
    const root = tmpdir();
    const leaked = mkdtempSync(join(root, 'transcribe-leak-'));
    mkdirSync(join(root, 'virtmic-x'));
    process.env.TMPDIR = saved.tmp;
    expect(teardown).toThrow(
      `the tests left 2 temp entries behind (make them with tempDir() from test/support/temp.ts):\n  ${leaked.slice(root.length + 1)}\n  virtmic-x`,
    );
    expect(process.exitCode).toBe(1);
    expect(existsSync(root)).toBe(false);
  });
});
