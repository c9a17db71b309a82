import { describe, expect, it } from 'vitest';
import { startDeepgramServer } from '../support/deepgram-server/index.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp.js';

// The built binary. Sessions come from the archive (another branch); until its adapter is wired in
// src/usage/source.ts, usage has nothing to count. Billed amounts and the table: test/unit/usage-command.test.ts.
describe('transcribe usage (binary)', () => {
  it('with nothing archived, says so and asks Deepgram nothing (exit 0)', async () => {
    const server = await startDeepgramServer();
    try {
      const result = await runCli(['usage', '--month'], {
        env: { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url, XDG_DATA_HOME: tempDir('transcribe-usage-data-') },
      });
      expect(result).toEqual({
        code: 0,
        signal: null,
        stdout: '',
        stderr: 'transcribe: no archived sessions to count: live and file sessions are counted once the archive keeps them\n',
      });
      expect(server.managementRequests).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it.each<[string[], string]>([
    [['--since', 'yesterday'], 'transcribe: invalid value "yesterday" for --since — give a date (2026-01-31) or a span back from now (7d, 12h, 2w)\n'],
    [['--month', '--since', '7d'], 'transcribe: --month and --since both set the start — use one of them\n'],
    [['--format', 'csv'], 'transcribe: invalid value "csv" for --format — use text or json\n'],
    [
      ['--prices', 'nova-3'],
      'transcribe: invalid value "nova-3" for --prices: "nova-3" has no "=": expected MODEL=USD_PER_MINUTE, e.g. nova-3=0.0077 — see transcribe usage --help\n',
    ],
  ])('refuses %j (exit 2)', async (args, stderr) => {
    expect(await runCli(['usage', ...args])).toEqual({ code: 2, signal: null, stdout: '', stderr });
  });
});
