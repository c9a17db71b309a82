import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What the tests and the CLI name their temp entries; any of them left at the end is a leak. */
const OURS = /^(transcribe|virtmic)-/;

/**
 * vitest globalSetup: the whole run (test workers, and the CLIs, servers and tools they spawn)
 * gets a private temp directory through TMPDIR. At the end, a `transcribe-*` or `virtmic-*`
 * entry left in it fails the run, listed; the directory is removed either way.
 * Tests make their temp directories with tempDir() (test/support/temp.ts), which cleans up.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'transcribe-tests-'));
  // Traversable, not listable: a test that runs the CLI as another user (nobody) reaches its own files.
  chmodSync(root, 0o711);
  process.env.TMPDIR = root; // os.tmpdir() reads it on every call; workers and children inherit it
  return () => {
    const left = readdirSync(root).filter((name) => OURS.test(name));
    rmSync(root, { recursive: true, force: true });
    if (left.length === 0) return;
    process.exitCode = 1;
    throw new Error(
      `the tests left ${left.length} temp entr${left.length === 1 ? 'y' : 'ies'} behind (make them with tempDir() from test/support/temp.ts):\n  ${left.sort().join('\n  ')}`,
    );
  };
}
