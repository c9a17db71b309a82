import { describe, expect, it } from 'vitest';
import { SAMPLE_WAV } from '../support/audio.js';
import { scriptFromText, startDeepgramServer } from '../support/deepgram-server/index.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp.js';

// The built binary: sessions come from the history archive. Billed amounts and the table in detail: test/unit/usage-command.test.ts.
describe('transcribe usage (binary)', () => {
  it('counts the sessions the archive kept, and caches what Deepgram billed for them in it', async () => {
    const requests: Record<string, { usd: number; duration: number }> = {};
    const server = await startDeepgramServer({ script: scriptFromText('Hello there.', { startAt: 0.5 }), management: { requests } });
    try {
      const env = { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url, TRANSCRIBE_DATA_DIR: tempDir('transcribe-data-') };
      expect(await runCli(['file', SAMPLE_WAV, '--speed', 'max'], { env })).toMatchObject({ code: 0, stdout: 'Hello there.\n' });
      const requestId = server.connections[0]!.requestId;
      requests[requestId] = { usd: 0.0123, duration: 3 };
      const first = await runCli(['usage', '--since', '1d', '--format', 'json'], { env });
      expect(first).toMatchObject({ code: 0, stderr: '' });
      const rows = first.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ model: 'nova-3', sessions: 1, billed_usd: 0.0123, billed_requests: 1, requests: 1 });
      expect(rows[0]!.audio_seconds).toBeGreaterThan(0);
      expect(server.managementRequests.filter((request) => request.path.includes(requestId))).toHaveLength(1);
      // Asked once: the second run reads the amount the archive cached.
      delete requests[requestId];
      expect((await runCli(['usage', '--since', '1d', '--format', 'json'], { env })).stdout).toBe(first.stdout);
      expect(server.managementRequests.filter((request) => request.path.includes(requestId))).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

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
