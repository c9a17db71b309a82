import { chmodSync, copyFileSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLE_WAV } from '../support/audio.js';
import { scriptFromText, startDeepgramServer, type DeepgramServer } from '../support/deepgram-server/index.js';
import { collect, runCli, startCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp.js';
import { missing } from '../support/system-tools.js';
import { makeSpeech, startVirtmic } from '../support/virtmic/index.js';
import { sqlite } from '../support/sqlite.js';

const SCRIPT = scriptFromText('Hello from transcribe. The budget review is on Monday. The quick brown fox jumps.', { startAt: 0.5, wordSec: 0.3 });
const LINES = ['Hello from transcribe.', 'The budget review is on Monday.', 'The quick brown fox jumps.'];

/** Each test runs the CLI many times (about 1-2 s a run on a busy 2-core machine). */
const SLOW = 120_000;

let server: DeepgramServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function env(data: string, extra: Record<string, string> = {}) {
  server ??= await startDeepgramServer({ script: SCRIPT });
  return { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url, TRANSCRIBE_DATA_DIR: data, ...extra };
}

async function transcribe(data: string, args: string[] = [], extra: Record<string, string> = {}) {
  return runCli(['file', SAMPLE_WAV, '--speed', 'max', ...args], { env: await env(data, extra) });
}

function history(data: string, args: string[], extra: Record<string, string> = {}) {
  return runCli(['history', ...args], { env: { TRANSCRIBE_DATA_DIR: data, ...extra } });
}

describe('transcribe history: every session archived', { timeout: SLOW }, () => {
  it('history show re-renders a session exactly as the run wrote it, in every format', async () => {
    const data = tempDir('transcribe-data-');
    const out = tempDir('transcribe-history-out-');
    for (const format of ['text', 'json', 'srt', 'vtt']) {
      const run = await transcribe(data, ['--output', join(out, `run.${format}`), '--format', format, '--diarize']);
      expect(run).toMatchObject({ code: 0, stderr: '' });
    }
    const list = await history(data, ['--format', 'json']);
    const ids = list.stdout
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as { id: number }).id);
    expect(ids).toEqual([4, 3, 2, 1]);
    for (const [index, format] of ['text', 'json', 'srt', 'vtt'].entries()) {
      const shown = await history(data, ['show', String(index + 1), '--format', format]);
      expect(shown.stderr).toBe('');
      let written = readFileSync(join(out, `run.${format}`), 'utf8');
      // Interim results are not archived: the run's NDJSON without them.
      if (format === 'json')
        written = written
          .split('\n')
          .filter((line) => !line.includes('"type":"interim"'))
          .join('\n');
      expect(shown.stdout).toBe(written);
    }
    expect(readFileSync(join(out, 'run.text'), 'utf8')).toBe(LINES.map((line) => `Speaker 0: ${line}\n`).join(''));
  });

  it('the archive is 0600 in a 0700 directory; history path says where', async () => {
    const data = join(tempDir('transcribe-data-'), 'nested', 'transcribe');
    expect(await transcribe(data)).toMatchObject({ code: 0, stderr: '', stdout: LINES.join('\n') + '\n' });
    expect(statSync(data).mode & 0o777).toBe(0o700);
    expect(statSync(join(data, 'history.db')).mode & 0o777).toBe(0o600);
    expect(await history(data, ['path'])).toMatchObject({ code: 0, stdout: join(data, 'history.db') + '\n' });
    chmodSync(join(data, 'history.db'), 0o644);
    expect(await transcribe(data)).toMatchObject({ code: 0, stderr: '' });
    expect(statSync(join(data, 'history.db')).mode & 0o777).toBe(0o600);
  });

  it('history lists sessions; search finds lines, ranked, with filters; json; no escape codes in a pipe', async () => {
    const data = tempDir('transcribe-data-');
    await transcribe(data);
    await transcribe(data, ['--speakers', '0=Ana']);
    const list = await history(data, []);
    expect(list.stdout).toMatch(
      /^ {4}2 {2}\d{4}-\d\d-\d\d \d\d:\d\d {5}0:08 {2}~\$0\.0011 {2}hello\.wav {2}(Ana: )?Hello from transcribe\.\n {4}1 {2}\d{4}-\d\d-\d\d \d\d:\d\d {5}0:08 {2}~\$0\.0011 {2}hello\.wav {2}Hello from transcribe\.\n$/,
    );
    const found = await history(data, ['search', 'budget']);
    expect(found).toMatchObject({ code: 0, stderr: '' });
    expect(found.stdout.split('\n').filter(Boolean).sort()).toEqual([
      '    1     0:02  -  The budget review is on Monday.',
      '    2     0:02  Ana  The budget review is on Monday.',
    ]);
    expect(found.stdout).not.toContain('\u001b');
    const ana = await history(data, ['search', 'BUDGET monday', '--speaker', 'ana', '--format', 'json']);
    expect(
      ana.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([expect.objectContaining({ session: 2, speaker: 'Ana', text: 'The budget review is on Monday.', start: 2.4 })]);
    expect((await history(data, ['search', 'budget', '--since', '1h', '--limit', '1'])).stdout.split('\n')).toHaveLength(2);
    expect((await history(data, ['search', 'budget', '--until', '2000-01-01'])).stdout).toBe('');
    expect((await history(data, ['search', 'budget', '--source', 'nothing-like-it'])).stdout).toBe('');
  });

  it('a search with FTS5 syntax in it is searched as words, never a crash', async () => {
    const data = tempDir('transcribe-data-');
    await transcribe(data);
    for (const query of ['"budget', 'budget AND (', 'NEAR(budget', '*', 'budget:', "review' OR 1=1 --"]) {
      const result = await history(data, ['search', query]);
      expect({ query, code: result.code, stderr: result.stderr }).toEqual({ query, code: 0, stderr: '' });
    }
    expect((await history(data, ['search', '"budget'])).stdout).toContain('The budget review');
    expect((await history(data, ['search', 'budget', 'Monday'])).stdout).toBe('    1     0:02  -  The budget review is on Monday.\n');
  });

  it('--no-history, TRANSCRIBE_HISTORY=false and history = false in the config keep nothing', async () => {
    const data = tempDir('transcribe-data-');
    expect(await transcribe(data, ['--no-history'])).toMatchObject({ code: 0, stderr: '' });
    expect(await transcribe(data, [], { TRANSCRIBE_HISTORY: 'false' })).toMatchObject({ code: 0, stderr: '' });
    const config = tempDir('transcribe-config-');
    expect(await runCli(['config', 'set', 'history', 'false'], { env: { TRANSCRIBE_CONFIG_DIR: config } })).toMatchObject({ code: 0 });
    expect(await transcribe(data, [], { TRANSCRIBE_CONFIG_DIR: config })).toMatchObject({ code: 0, stderr: '' });
    expect(() => statSync(join(data, 'history.db'))).toThrow();
    expect(await history(data, [])).toMatchObject({ code: 0, stdout: '', stderr: `transcribe: no session archived yet (${join(data, 'history.db')})\n` });
  });
});

describe('an archive that cannot be used costs one warning line, never the transcript', { timeout: SLOW }, () => {
  const warning = (reason: string) =>
    `transcribe: warning: the history archive is unavailable: ${reason}; the transcript goes on without it (--no-history skips it)\n`;

  it('locked by another process (a fresh lock): warned after 2 s; a stale lock (a killed process) is removed', async () => {
    const data = tempDir('transcribe-data-');
    await transcribe(data);
    const db = join(data, 'history.db');
    mkdirSync(`${db}.lock`);
    expect(await transcribe(data)).toEqual({ code: 0, signal: null, stdout: LINES.join('\n') + '\n', stderr: warning(`${db} is locked by another process`) });
    const past = new Date(Date.now() - 60_000);
    utimesSync(`${db}.lock`, past, past);
    expect(await transcribe(data)).toMatchObject({ code: 0, stderr: '', stdout: LINES.join('\n') + '\n' });
    expect((await history(data, ['--format', 'json'])).stdout.trimEnd().split('\n')).toHaveLength(2);
  });

  it('a corrupt file, a directory in its place, a data directory that cannot be made', async () => {
    const data = tempDir('transcribe-data-');
    writeFileSync(join(data, 'history.db'), 'not a database, just some text that is long enough to have a header '.repeat(20));
    expect(await transcribe(data)).toEqual({
      code: 0,
      signal: null,
      stdout: LINES.join('\n') + '\n',
      stderr: warning(`cannot use ${join(data, 'history.db')} (file is not a database)`),
    });
    const other = tempDir('transcribe-data-');
    mkdirSync(join(other, 'history.db'));
    expect(await transcribe(other)).toMatchObject({
      code: 0,
      stdout: LINES.join('\n') + '\n',
      stderr: warning(`cannot open ${join(other, 'history.db')} (EISDIR)`),
    });
    const file = join(tempDir('transcribe-data-'), 'a-file');
    writeFileSync(file, '');
    expect(await transcribe(join(file, 'transcribe'))).toMatchObject({
      code: 0,
      stdout: LINES.join('\n') + '\n',
      stderr: warning(`cannot create ${join(file, 'transcribe')} (ENOTDIR)`),
    });
  });
});

describe('crash safety: SIGKILL mid-stream', { timeout: SLOW }, () => {
  it('keeps every final written before the kill, the database intact, and the next run archives', async () => {
    const data = tempDir('transcribe-data-');
    const child = startCli(['file', SAMPLE_WAV, '--speed', '1'], { env: await env(data) });
    const done = collect(child);
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (stdout.split('\n').length < 3) return;
        clearInterval(timer);
        resolve();
      }, 20);
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill('SIGKILL');
    expect(await done).toMatchObject({ signal: 'SIGKILL', stdout: `${LINES[0]}\n${LINES[1]}\n` });
    const db = join(data, 'history.db');
    // A kill inside a transaction leaves the lock directory: it is stale once 10 s old (here, made so).
    const past = new Date(Date.now() - 60_000);
    try {
      utimesSync(`${db}.lock`, past, past);
    } catch {
      // no transaction was open
    }
    expect(await history(data, ['show', '1'])).toMatchObject({ code: 0, stderr: '', stdout: `${LINES[0]}\n${LINES[1]}\n` });
    const check = new (sqlite().Database)(db);
    expect(check.all('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    check.close();
    expect(await transcribe(data)).toMatchObject({ code: 0, stderr: '' });
    const list = (await history(data, [])).stdout;
    expect(list).toMatch(/^ {4}2 .* hello\.wav {2}Hello from transcribe\.\n {4}1 .* hello\.wav \(unfinished\) {2}Hello from transcribe\.\n$/);
  });
});

describe('reading while a session is being archived', { timeout: SLOW }, () => {
  it('history search finds what a running session has said so far', async () => {
    const data = tempDir('transcribe-data-');
    const child = startCli(['file', SAMPLE_WAV, '--speed', '1'], { env: await env(data) });
    const done = collect(child);
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    while (!stdout.includes('\n')) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const found = await history(data, ['search', 'transcribe']);
    expect(found).toMatchObject({ code: 0, stderr: '', stdout: '    1     0:00  -  Hello from transcribe.\n' });
    expect(await done).toMatchObject({ code: 0, stderr: '' });
  });
});

describe('history rm, export, retention, --batch, hostile text', { timeout: SLOW }, () => {
  it('rm by id and --older-than; history-days deletes old sessions at start; export is NDJSON', async () => {
    const data = tempDir('transcribe-data-');
    await transcribe(data);
    const batch = await transcribe(data, ['--batch']);
    expect(batch).toMatchObject({ code: 0, stderr: '' });
    expect((await history(data, ['show', '2'])).stdout).toBe(batch.stdout);
    await transcribe(data);
    const db = new (sqlite().Database)(join(data, 'history.db'));
    db.run("UPDATE sessions SET started_at = '2020-01-01T00:00:00.000Z' WHERE id = 1");
    db.close();
    const exported = (await history(data, ['export', '--since', '2021-01-01'])).stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; id?: number });
    expect(exported.filter((event) => event.type === 'session').map((event) => event.id)).toEqual([2, 3]);
    expect(exported.map((event) => event.type).slice(0, 3)).toEqual(['session', 'open', 'final']);
    expect(await history(data, ['rm', '2'])).toMatchObject({ code: 0, stderr: 'transcribe: removed 1 session\n' });
    expect(await history(data, ['show', '2'])).toMatchObject({
      code: 2,
      stderr: 'transcribe: there is no archived session 2 — see the ids with transcribe history\n',
    });
    expect(await history(data, ['rm'])).toMatchObject({ code: 2 });
    expect(await history(data, ['rm', '--older-than', '90d'])).toMatchObject({ code: 0, stderr: 'transcribe: removed 1 session\n' });
    expect((await history(data, ['search', 'budget', '--format', 'json'])).stdout.trimEnd().split('\n')).toHaveLength(1);
    const db2 = new (sqlite().Database)(join(data, 'history.db'));
    db2.run("UPDATE sessions SET started_at = '2020-01-01T00:00:00.000Z' WHERE id = 3");
    db2.close();
    await transcribe(data, ['--history-days', '30']);
    expect(
      (await history(data, ['--format', 'json'])).stdout
        .trimEnd()
        .split('\n')
        .map((line) => (JSON.parse(line) as { id: number }).id),
    ).toEqual([4]);
  });

  it('escape codes in archived text never reach the terminal', async () => {
    const data = tempDir('transcribe-data-');
    await transcribe(data);
    const db = new (sqlite().Database)(join(data, 'history.db'));
    db.run('INSERT INTO lines (session_id, start, end, channel, speaker, text) VALUES (1, 9, 10, 0, ?, ?)', ['\u001b[2J', 'budget \u001b]0;pwned\u0007 here']);
    db.run('UPDATE sessions SET first_words = ?, source = ? WHERE id = 1', ['\u001b[31mred', '\u001b[2J']);
    db.close();
    const found = await history(data, ['search', 'pwned']);
    expect(found.stdout).toBe('    1     0:09  \\x1b[2J  budget \\x1b]0;pwned\\x07 here\n');
    const list = await history(data, []);
    expect(list.stdout).not.toContain('\u001b');
    expect(list.stdout).toContain('\\x1b[31mred');
  });
});

describe('every kind of session is archived', { timeout: SLOW }, () => {
  it('each file of a many-files run is its own session', async () => {
    const data = tempDir('transcribe-data-');
    const inputs = tempDir('transcribe-history-in-');
    for (const name of ['a.wav', 'b.wav']) copyFileSync(SAMPLE_WAV, join(inputs, name));
    const run = await runCli(['file', inputs, '--speed', 'max', '--output-dir', join(tempDir('transcribe-history-out-'), 'out')], { env: await env(data) });
    expect(run.code).toBe(0);
    const sessions = (await history(data, ['--format', 'json'])).stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { command: string; source: string; first_words: string });
    expect(sessions.map((session) => [session.command, session.source, session.first_words]).sort()).toEqual([
      ['file', join(inputs, 'a.wav'), LINES[0]],
      ['file', join(inputs, 'b.wav'), LINES[0]],
    ]);
  });

  it('a many-files run says once, on its own stderr, that the archive is unavailable', async () => {
    const data = tempDir('transcribe-data-');
    writeFileSync(join(data, 'history.db'), 'not a database, just some text that is long enough to have a header '.repeat(20));
    const inputs = tempDir('transcribe-history-in-');
    for (const name of ['a.wav', 'b.wav']) copyFileSync(SAMPLE_WAV, join(inputs, name));
    const run = await runCli(['file', inputs, '--speed', 'max', '--output-dir', join(tempDir('transcribe-history-out-'), 'out')], { env: await env(data) });
    expect(run.code).toBe(0);
    const warnings = run.stderr.split('\n').filter((line) => line.includes('history archive'));
    expect(warnings).toEqual([
      `transcribe: warning: the history archive is unavailable: cannot use ${join(data, 'history.db')} (file is not a database); the transcript goes on without it (--no-history skips it)`,
    ]);
  });

  it.skipIf(missing('pulseaudio', 'pactl', 'arecord', 'sox', 'espeak-ng'))('live: the microphone session, as it was printed', async () => {
    const data = tempDir('transcribe-data-');
    const mic = startVirtmic();
    try {
      const speech = makeSpeech(tempDir('transcribe-speech-'));
      server = await startDeepgramServer({ script: SCRIPT, idleTimeoutMs: 10_000 });
      const child = startCli(['live'], { env: { ...mic.env, ...(await env(data)) } });
      const result = collect(child, 60_000);
      await server.waitForConnections(1, 10_000);
      await mic.play(speech.padded);
      const deadline = performance.now() + 20_000;
      while ((server.connections[0]?.audioSeconds ?? 0) < SCRIPT.at(-1)!.end + 0.5 && performance.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      child.kill('SIGINT');
      const { code, stdout } = await result;
      expect(code).toBe(130);
      expect(stdout).not.toBe('');
      const session = JSON.parse((await history(data, ['--format', 'json'])).stdout) as { command: string; source: string; exit_code: number };
      expect(session).toMatchObject({ command: 'live', source: 'default microphone', exit_code: 130 });
      expect((await history(data, ['show', '1'])).stdout).toBe(stdout);
    } finally {
      mic.stop();
    }
  });
});
