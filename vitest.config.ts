import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // e2e tests spawn the built CLI and local servers; keep the 2-core machines unsaturated.
    maxWorkers: 2,
    // A private TMPDIR for the run, and a failure if a test leaves a temp entry in it; tempDir() cleans up.
    globalSetup: ['test/support/temp-root.ts'],
    setupFiles: ['test/support/temp-hooks.ts'],
  },
});
