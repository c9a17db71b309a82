import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pcmOfWav, SAMPLE_WAV, wavOf } from '../support/audio.js';
import { scriptFromText, startDeepgramServer, type DeepgramServer } from '../support/deepgram-server/index.js';
import { runCli } from '../support/run-cli.js';
import { sqlite } from '../support/sqlite.js';
import { tempDir } from '../support/temp.js';

// Each file is a second long: one sentence within it, so every file's session has a line to index.
const SCRIPT = scriptFromText('The quick brown fox jumps.', { startAt: 0.1, wordSec: 0.1 });
const FILES = 300;
const PRELOAD = new URL('../support/max-rss.mjs', import.meta.url).href;

let server: DeepgramServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Runs `transcribe file <FILES one-second WAVs> --batch`; resolves with the CLI's peak RSS in MB and its data directory. */
async function manyFiles(extra: string[]): Promise<{ peakMb: number; data: string }> {
  const dir = tempDir('transcribe-many-memory-');
  const wav = wavOf(pcmOfWav(SAMPLE_WAV).subarray(0, 32_000), { sampleRate: 16_000, channels: 1, bits: 16 });
  mkdirSync(join(dir, 'in'));
  for (let i = 0; i < FILES; i++) writeFileSync(join(dir, 'in', `f${i}.wav`), wav);
  const data = tempDir('transcribe-data-');
  const rssFile = join(dir, 'max-rss');
  server ??= await startDeepgramServer({ script: SCRIPT });
  const env = {
    DEEPGRAM_API_KEY: 'test-key',
    DEEPGRAM_API_URL: server.url,
    TRANSCRIBE_DATA_DIR: data,
    NODE_OPTIONS: `--import ${PRELOAD}`,
    MAX_RSS_FILE: rssFile,
  };
  const run = await runCli(['file', 'in', '--batch', '--output-dir', 'out', '--jobs', '16', ...extra], { cwd: dir, env, timeoutMs: 90_000 });
  expect(run.stderr).toContain(`transcribe: ${FILES} done\n`);
  expect(run.code).toBe(0);
  return { peakMb: Number(readFileSync(rssFile, 'utf8')) / 1024, data };
}

describe('many files: what the archive costs in memory', { timeout: 240_000 }, () => {
  it('archiving every file as its own session costs under 40 MB of peak RSS, and every session is kept and searchable', async () => {
    const without = await manyFiles(['--no-history']);
    const archived = await manyFiles([]);
    // The archive's share: its worker thread and SQLite's WebAssembly, 23-25 MB here. It was 73-84 MB
    // while V8 also recompiled SQLite with its optimising compiler (docs/performance.md, "Many files").
    expect(archived.peakMb - without.peakMb, `peak RSS ${archived.peakMb.toFixed(1)} MB, ${without.peakMb.toFixed(1)} MB without the archive`).toBeLessThan(40);
    const db = new (sqlite().Database)(join(archived.data, 'history.db'), { readOnly: true });
    try {
      expect(db.get('SELECT count(*) AS n, count(ended_at) AS ended, count(DISTINCT source) AS sources FROM sessions')).toEqual({
        n: FILES,
        ended: FILES,
        sources: FILES,
      });
      expect(db.get("SELECT count(DISTINCT session_id) AS n FROM lines_fts JOIN lines ON lines.id = lines_fts.rowid WHERE lines_fts MATCH 'fox'")).toEqual({
        n: FILES,
      });
    } finally {
      db.close();
    }
  });
});
