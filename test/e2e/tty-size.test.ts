import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLE_WAV } from '../support/audio.js';
import { expectedLines, scriptFromText, startDeepgramServer, type DeepgramServer } from '../support/deepgram-server/index.js';
import { BIN, cliEnv, runCli } from '../support/run-cli.js';
import { missing } from '../support/system-tools.js';
import { TmuxScreen } from '../support/tmux.js';

const SCRIPT = scriptFromText('Hello from transcribe. This sample was made with espeak. The quick brown fox jumps.', { startAt: 0.5, wordSec: 0.3 });
const FINALS = expectedLines(SCRIPT, { endpointingMs: 300 });
const COMMAND = `"${process.execPath}" "${BIN}" file "${SAMPLE_WAV}"`;

let server: DeepgramServer | undefined;
let silent: { server: Server; sockets: Set<Socket>; url: string } | undefined;
let screen: TmuxScreen | undefined;
afterEach(async () => {
  screen?.kill();
  screen = undefined;
  await server?.close();
  server = undefined;
  for (const socket of silent?.sockets ?? []) socket.destroy();
  await new Promise((resolve) => (silent ? silent.server.close(resolve) : resolve(undefined)));
  silent = undefined;
});

/** Accepts connections and never answers: the CLI's spinner keeps spinning until it is stopped. */
async function startSilentServer(): Promise<string> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  silent = { server, sockets, url: `http://127.0.0.1:${port}` };
  return silent.url;
}

async function waitFor(what: (lines: string[]) => boolean, ms: number, escapes = false): Promise<string[]> {
  const deadline = performance.now() + ms;
  let lines = screen!.capture(false, escapes);
  while (!what(lines) && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 40));
    lines = screen!.capture(false, escapes);
  }
  return lines;
}

const exited = (lines: string[]) => lines.some((line) => /EXIT=\d+$/.test(line));
const spinning = (lines: string[]) => lines.some((line) => line.includes('Connecting to Deepgram…'));

describe.skipIf(missing('tmux'))('a terminal that reports 0 columns (serial consoles, `script`, `stty cols 0`)', () => {
  it('prints the transcript, lines laid out for 80 columns', async () => {
    server = await startDeepgramServer({ script: SCRIPT });
    const env = cliEnv({ DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: server.url, TERM: 'xterm-256color' });
    screen = TmuxScreen.start(COMMAND, { width: 80, height: 12, env, stty: 'cols 0' });
    const lines = await waitFor(exited, 20_000);
    // The pane is 80 wide, what we lay out for: the interim lines were erased without a trace.
    expect(lines).toEqual([...FINALS, 'EXIT=0']);
  }, 30_000);

  it('wraps --help for 80 columns, as when it is piped', async () => {
    const piped = await runCli(['file', '--help']);
    // A pane wider than 80, so that the terminal does not wrap what commander did not.
    screen = TmuxScreen.start(`"${process.execPath}" "${BIN}" file --help`, { width: 160, height: 20, env: cliEnv(), stty: 'cols 0' });
    await waitFor(exited, 10_000);
    expect(screen.capture(true)).toEqual([
      ...piped.stdout
        .trimEnd()
        .split('\n')
        .map((line) => line.trimEnd()),
      'EXIT=0',
    ]);
  }, 30_000);

  it.each([
    ['Ctrl+C', 'EXIT=130'],
    // SIGTERM is handled like Ctrl+C (130) today; 143 would be as prompt and as clean.
    ['SIGTERM', /^EXIT=(130|143)$/],
  ])(
    '%s while the spinner spins ends the run at once',
    async (how, exit) => {
      const env = cliEnv({ DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: await startSilentServer(), TERM: 'xterm-256color' });
      screen = TmuxScreen.start(COMMAND, { width: 80, height: 6, env, stty: 'cols 0' });
      expect(await waitFor(spinning, 10_000)).toContainEqual(expect.stringMatching(/^. Connecting to Deepgram…$/));
      await new Promise((resolve) => setTimeout(resolve, 400)); // several frames: each clears the one before
      const [cli] = screen.children();
      if (how === 'Ctrl+C') screen.sendKeys('C-c');
      else process.kill(cli!, 'SIGTERM');
      const sent = performance.now();
      const lines = await waitFor(exited, 5_000);
      expect(performance.now() - sent).toBeLessThan(3_000);
      expect(lines.at(-1)!.replace(/^\^C/, '')).toMatch(exit);
    },
    30_000,
  );
});

describe.skipIf(missing('tmux'))('the spinner on a terminal', () => {
  it.each([
    ['is cyan when colour is allowed', {}, true],
    ['has no colour with NO_COLOR', { NO_COLOR: '1' }, false],
    ['has no colour with --no-color', { ARGS: '--no-color' }, false],
  ])(
    '%s',
    async (_name, extra: Record<string, string>, coloured) => {
      const { ARGS, ...vars } = extra;
      // cliEnv turns colour off with NO_COLOR and FORCE_COLOR=0; here only what the case says.
      const env = cliEnv({
        DEEPGRAM_API_KEY: 'test-key',
        DEEPGRAM_API_URL: await startSilentServer(),
        TERM: 'xterm-256color',
        NO_COLOR: undefined,
        FORCE_COLOR: undefined,
        CI: undefined, // chalk (inside ora) turns colour off under CI=1, which .ci/run sets
        ...vars,
      });
      screen = TmuxScreen.start(COMMAND.replace(' file ', ` ${ARGS ?? ''} file `), { width: 80, height: 6, env });
      const lines = await waitFor(spinning, 10_000, true);
      const spinner = lines.find((line) => line.includes('Connecting to Deepgram…'));
      expect(spinner).toBeDefined();
      // tmux shows attributes as escape codes (-e): only the frame is coloured, cyan (36).
      expect(spinner!.includes('\x1b[36m')).toBe(coloured);
      expect(spinner!.includes('\x1b[')).toBe(coloured); // no attribute at all
      screen.sendKeys('C-c');
      // The terminal echoes ^C where the cursor is: on the spinner's row, unless the spinner erased it.
      expect((await waitFor(exited, 5_000)).at(-1)!.replace(/^\^C/, '')).toBe('EXIT=130');
    },
    30_000,
  );
});
