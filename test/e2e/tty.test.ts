import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLE_WAV } from '../support/audio.js';
import { expectedLines, scriptFromText, startDeepgramServer, type DeepgramServer } from '../support/deepgram-server/index.js';
import { BIN, cliEnv } from '../support/run-cli.js';
import { missing } from '../support/system-tools.js';
import { TmuxScreen } from '../support/tmux.js';

const SCRIPT = scriptFromText('Hello from transcribe. This sample was made with espeak. The quick brown fox jumps.', { startAt: 0.5, wordSec: 0.3 });
const FINALS = expectedLines(SCRIPT, { endpointingMs: 300 });

let server: DeepgramServer | undefined;
let screen: TmuxScreen | undefined;
afterEach(async () => {
  screen?.kill();
  await server?.close();
});

describe.skipIf(missing('tmux'))('transcribe file on a terminal (apt-get install -y tmux)', () => {
  it('rewrites the interim line in place, cuts it to the width, and leaves only finals on screen', async () => {
    server = await startDeepgramServer({ script: SCRIPT });
    const env = cliEnv({ DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url, TERM: 'xterm-256color' });
    // 20 columns: "This sample was made with" does not fit and must be shown as its tail.
    screen = TmuxScreen.start(`"${process.execPath}" "${BIN}" file "${SAMPLE_WAV}"`, { width: 20, height: 12, env });
    const snapshots: string[][] = [];
    const deadline = performance.now() + 20_000;
    while (performance.now() < deadline) {
      const lines = screen.capture();
      snapshots.push(lines);
      if (lines.some((line) => line.startsWith('EXIT='))) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Finals wrap like any output; the terminal shows them as width-20 rows.
    const wrap = (line: string) => (line.match(/.{1,20}/g) ?? ['']).map((row) => row.trimEnd());
    const finalRows = FINALS.flatMap(wrap);
    expect(snapshots.at(-1)).toEqual([...finalRows, 'EXIT=0']);
    const interims = new Set<string>();
    for (const lines of snapshots) {
      if (lines.at(-1)?.startsWith('EXIT=')) continue;
      // Everything above the last row is finished text; the last row is a final row or the one interim line.
      const finished = lines.slice(0, -1);
      expect(finished).toEqual(finalRows.slice(0, finished.length));
      const last = lines.at(-1);
      if (last !== undefined && last !== finalRows[finished.length]) interims.add(last);
    }
    expect([...interims].every((line) => line.length <= 19)).toBe(true);
    // What the server's interims say at 1 s audio steps; the spinner may also have been caught.
    const seen = [...interims].filter((line) => !line.includes('Connecting'));
    expect(seen).toEqual(['Hello', 'This sample', '…mple was made with', 'The quick']);
  }, 30_000);

  it.each([[[]], [['--batch']]])('file - %j with stdin the terminal: refused at once (it waited in silence), exit 2', async (extra) => {
    const env = cliEnv({ DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: 'http://127.0.0.1:9', TERM: 'xterm-256color' });
    screen = TmuxScreen.start(`"${process.execPath}" "${BIN}" file - ${extra.join(' ')}`, { width: 200, height: 6, env });
    const deadline = performance.now() + 10_000;
    while (performance.now() < deadline && !screen.capture().some((line) => line.startsWith('EXIT='))) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(screen.capture()).toEqual([
      'transcribe: stdin is a terminal, not audio — pipe the audio in (cat talk.mp3 | transcribe file -), or give the file name instead of -',
      'EXIT=2',
    ]);
  });

  it('stays clean when the terminal is narrowed while an interim line is shown', async () => {
    server = await startDeepgramServer({ script: SCRIPT });
    const env = cliEnv({ DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url, TERM: 'xterm-256color' });
    screen = TmuxScreen.start(`"${process.execPath}" "${BIN}" file "${SAMPLE_WAV}"`, { width: 40, height: 16, env });
    const deadline = performance.now() + 20_000;
    // Narrow the window while "This sample was made with" (an interim of the second utterance) is on screen.
    while (performance.now() < deadline && !screen.capture().some((line) => line.startsWith('This sample was made'))) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    screen.resize(12, 16);
    while (performance.now() < deadline && !screen.capture().some((line) => line.startsWith('EXIT='))) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const rows = FINALS.flatMap((line) => (line.match(/.{1,12}/g) ?? ['']).map((row) => row.trimEnd()));
    // Narrowing reflows the rows already printed, and tmux pushes the top ones into its scrollback
    // (with copies of the interim line as it was: the terminal's own history, out of any program's
    // reach). On screen, nothing but finished text may be left: the tail of the finals, re-wrapped.
    const visible = screen.capture();
    expect(visible.length).toBeGreaterThanOrEqual(6);
    expect(visible).toEqual([...rows, 'EXIT=0'].slice(-visible.length));
  }, 30_000);
});
