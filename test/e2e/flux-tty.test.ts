import { afterEach, describe, expect, it } from 'vitest';
import { pcmOfWav, SAMPLE_WAV } from '../support/audio.js';
import { scriptFromText, startDeepgramServer, type DeepgramServer } from '../support/deepgram-server/index.js';
import { BIN, cliEnv } from '../support/run-cli.js';
import { missing } from '../support/system-tools.js';
import { TmuxScreen } from '../support/tmux.js';

// Flux on a terminal: the turn so far is the interim line; an eager end of turn marks it as
// tentative (` …` without colours) until speech resumes; each turn ends as one line.
const SCRIPT = scriptFromText('Well, I think so. Yes.', { startAt: 0.5, wordSec: 0.3, gapSec: 0.3 });

let server: DeepgramServer | undefined;
let screen: TmuxScreen | undefined;
afterEach(async () => {
  screen?.kill();
  await server?.close();
});

describe.skipIf(missing('tmux'))('transcribe file --model flux-general-en on a terminal (apt-get install -y tmux)', () => {
  it('the turn as the interim line, tentative after an eager end of turn, taken back when speech resumes; one line per turn', async () => {
    server = await startDeepgramServer({ script: SCRIPT, reference: pcmOfWav(SAMPLE_WAV) });
    const env = cliEnv({ DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url, TERM: 'xterm-256color', NO_COLOR: '1' });
    const args = ['--model', 'flux-general-en', '--eager-eot-threshold', '0.5', '--speed', '0.5'];
    screen = TmuxScreen.start(`"${process.execPath}" "${BIN}" file "${SAMPLE_WAV}" ${args.join(' ')}`, { width: 60, height: 8, env });
    const interims: string[] = [];
    const deadline = performance.now() + 40_000;
    let lines: string[] = [];
    while (performance.now() < deadline) {
      lines = screen.capture();
      if (lines.some((line) => line.startsWith('EXIT='))) break;
      const last = lines.at(-1);
      if (last !== undefined && last !== interims.at(-1)) interims.push(last);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    expect(lines).toEqual(['Well, I think so.', 'Yes.', 'EXIT=0']);
    // In order: the first word, then "Well," marked tentative, then back (more words), and the turn's end.
    const tentative = interims.indexOf('Well, …');
    expect(tentative).toBeGreaterThan(-1);
    expect(interims.slice(tentative + 1).some((line) => line.startsWith('Well, I'))).toBe(true);
  }, 60_000);
});
