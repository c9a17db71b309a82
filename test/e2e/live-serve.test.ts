import type { ChildProcess } from 'node:child_process';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { expectedLines, scriptFromText, startDeepgramServer, type DeepgramServer } from '../support/deepgram-server/index.js';
import { collect, startCli } from '../support/run-cli.js';
import { missing } from '../support/system-tools.js';
import { startVirtmic, type Virtmic } from '../support/virtmic/index.js';

// The callbacks given to page.waitForFunction run in the browser; the project's types are Node's (no DOM lib).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;

// `transcribe live --serve` on the virtual microphone (a private PulseAudio: silence in real time;
// the local server "hears" the script on the audio timeline, whatever the audio holds).
const SCRIPT = scriptFromText('Hello world. This is live on a page.', { startAt: 1.0, wordSec: 0.3 });
const LINES = expectedLines(SCRIPT, { endpointingMs: 300 });

async function health(url: string): Promise<{ transcribing: boolean } | 'down'> {
  try {
    return (await (await fetch(new URL('/healthz', url))).json()) as { transcribing: boolean };
  } catch {
    return 'down';
  }
}

async function until<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function captionsUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stderr!.on('data', (text: string | Buffer) => {
      seen += String(text);
      const match = /captions at (\S+) \(overlay/.exec(seen);
      if (match) resolve(match[1]!);
    });
    child.on('close', () => reject(new Error(`exited before serving: ${seen}`)));
  });
}

const shownFinals = (page: Page) => page.$$eval('#finals li .text', (items) => items.map((item) => item.textContent ?? ''));

describe.skipIf(missing('chromium', 'pulseaudio', 'pactl', 'arecord'))('transcribe live --serve (virtual microphone, headless chromium)', () => {
  let mic: Virtmic | undefined;
  let browser: BrowserContext;
  let deepgram: DeepgramServer | undefined;
  let running: ChildProcess | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    running?.kill('SIGKILL');
    running = undefined;
    mic?.stop();
    mic = undefined;
    await deepgram?.close();
    deepgram = undefined;
  });

  async function startLive(args: string[]) {
    mic = startVirtmic();
    deepgram = await startDeepgramServer({ script: SCRIPT, idleTimeoutMs: 20_000 });
    const child = startCli(['live', '--recorder', 'arecord', '--serve', '127.0.0.1:0', ...args], {
      env: { ...mic.env, DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: deepgram.url },
    });
    running = child;
    const result = collect(child, 60_000);
    const url = await captionsUrl(child);
    const page = await browser.newPage();
    await page.goto(url);
    return { child, result, url, page };
  }

  it('the page shows the finals while live runs; when the microphone goes away the server stays 3 s for the last lines, then exit 4', async () => {
    const { child, result, url, page } = await startLive([]);
    await page.waitForFunction((count) => document.querySelectorAll('#finals li').length === count, LINES.length, { timeout: 30_000 });
    expect(await shownFinals(page)).toEqual(LINES);
    expect(child.exitCode).toBeNull();
    expect(await health(url)).toMatchObject({ transcribing: true });
    mic!.stop(); // the audio server dies: the recorder ends without being asked, the session ends
    const ended = await until(
      'the session to end',
      () => health(url),
      (value) => value !== 'down' && !value.transcribing,
    );
    expect(ended).toMatchObject({ transcribing: false });
    const endedAt = performance.now();
    await page.waitForSelector('#status[data-state="ended"]', { timeout: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await health(url)).toMatchObject({ transcribing: false }); // still up 2 s past the end
    const { code, stdout } = await result;
    expect(performance.now() - endedAt).toBeGreaterThan(2500);
    expect(code).toBe(4);
    expect(stdout).toBe(LINES.join('\n') + '\n');
    expect(await health(url)).toBe('down');
  }, 60_000);

  it('--serve-keep: after Ctrl+C the session ends and the page stays until a second Ctrl+C', async () => {
    const { child, result, url, page } = await startLive(['--serve-keep']);
    await page.waitForFunction((count) => document.querySelectorAll('#finals li').length === count, LINES.length, { timeout: 30_000 });
    let stderr = '';
    child.stderr!.on('data', (text: string | Buffer) => (stderr += String(text)));
    child.kill('SIGINT');
    await until(
      'the session to end',
      () => health(url),
      (value) => value !== 'down' && !value.transcribing,
    );
    await until(
      'the keep message',
      async () => stderr,
      (text) => text.includes('the session ended; the captions stay at'),
    );
    await page.waitForSelector('#status[data-state="ended"]', { timeout: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 4000)); // past the 3 s a session without --serve-keep gets
    expect(child.exitCode).toBeNull();
    expect(await health(url)).toMatchObject({ transcribing: false });
    // A page opened now still gets the whole transcript.
    const late = await browser.newPage();
    await late.goto(url);
    await late.waitForSelector('#status[data-state="ended"]', { timeout: 10_000 });
    expect(await shownFinals(late)).toEqual(LINES);
    const interrupted = performance.now();
    child.kill('SIGINT');
    const { code, stdout } = await result;
    expect(performance.now() - interrupted).toBeLessThan(2500);
    expect(code).toBe(130);
    expect(stdout).toBe(LINES.join('\n') + '\n');
  }, 60_000);
});
