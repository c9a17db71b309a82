import { execFileSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectedLines, scriptFromText, startDeepgramServer, type DeepgramServer } from '../support/deepgram-server/index.js';
import { BIN, cliEnv } from '../support/run-cli.js';
import { missing } from '../support/system-tools.js';
import { TmuxScreen } from '../support/tmux.js';
import { makeSpeech, startVirtmic, type Virtmic } from '../support/virtmic/index.js';
import { tempDir } from '../support/temp.js';

const SCRIPT = scriptFromText('Hello world. This is a test of the live transcription pipeline.', { startAt: 1.0, wordSec: 0.3 });
const FINALS = expectedLines(SCRIPT, { endpointingMs: 300 });
const WIDTH = 24;

describe.skipIf(missing('tmux', 'pulseaudio', 'arecord', 'espeak-ng'))(
  'transcribe live on a terminal (apt-get install -y tmux pulseaudio alsa-utils espeak-ng)',
  () => {
    let mic: Virtmic;
    let speech: { padded: string };
    let server: DeepgramServer | undefined;
    let screen: TmuxScreen | undefined;
    beforeAll(() => {
      mic = startVirtmic();
      speech = makeSpeech(tempDir('transcribe-speech-'));
    });
    afterAll(() => mic?.stop());
    afterEach(async () => {
      screen?.kill();
      await server?.close();
    });

    it('interim text rewritten in place and cut to the width, finals on their own lines, Ctrl+C ends with 130', async () => {
      server = await startDeepgramServer({ script: SCRIPT });
      const env = cliEnv({ ...mic.env, DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url, TERM: 'xterm-256color' });
      screen = TmuxScreen.start(`"${process.execPath}" "${BIN}" live`, { width: WIDTH, height: 14, env });
      const wrap = (line: string) => (line.match(new RegExp(`.{1,${WIDTH}}`, 'g')) ?? ['']).map((row) => row.trimEnd());
      const finalRows = FINALS.flatMap(wrap);
      const snapshots: string[][] = [];
      const deadline = performance.now() + 20_000;
      await server.waitForConnections(1, 10_000);
      const playing = mic.play(speech.padded); // real speech, so the silent-microphone warning stays away
      while (performance.now() < deadline && (server.connections[0]?.audioSeconds ?? 0) < SCRIPT.at(-1)!.end + 0.6) {
        snapshots.push(screen.capture());
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      execFileSync('tmux', ['send-keys', '-t', screen.name, 'C-c']); // in raw mode (keys are read) a byte, handled as SIGINT
      for (let i = 0; i < 60 && !screen.capture().some((line) => line.startsWith('EXIT=')); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      await playing;
      // Raw mode: the terminal does not echo the Ctrl+C; the interim and status lines are erased.
      expect(screen.capture()).toEqual([...finalRows, 'EXIT=130']);
      const interims = new Set<string>();
      for (const snapshot of snapshots) {
        // The status line (under the interim line, whose row stays when empty) is steering.test.ts's subject.
        const lines = /^(listening|PAUSED|reconnecting)\b/.test(snapshot.at(-1) ?? '') ? snapshot.slice(0, -1) : snapshot;
        while (lines.length && !lines.at(-1)) lines.pop();
        const finished = lines.slice(0, -1);
        expect(finished).toEqual(finalRows.slice(0, finished.length));
        const last = lines.at(-1);
        if (last !== undefined && last !== finalRows[finished.length]) interims.add(last);
      }
      const seen = [...interims].filter((line) => !line.includes('Connecting'));
      expect(seen.every((line) => line.length < WIDTH)).toBe(true);
      expect(seen.some((line) => line.startsWith('…'))).toBe(true); // a wide interim shown as its tail
    }, 40_000);
  },
);
