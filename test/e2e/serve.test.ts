import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_WAV } from '../support/audio.js';
import { cuttingProxy, launchChromium } from '../support/browser.js';
import { scriptFromText, startDeepgramServer, type DeepgramServer, type ScriptWord } from '../support/deepgram-server/index.js';
import { collect, runCli, startCli, type CliResult } from '../support/run-cli.js';
import { missing } from '../support/system-tools.js';
import { tempDir } from '../support/temp.js';

// The callbacks given to page.evaluate run in the browser; the project's types are Node's (no DOM lib).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const window: any;
declare const document: any;
declare const getComputedStyle: any;
declare const MutationObserver: any;
declare const navigator: any;
declare const Navigator: any;
/* eslint-enable @typescript-eslint/no-explicit-any */

const SCRIPT = scriptFromText('Hello from transcribe. This sample was made with espeak. The quick brown fox jumps.', { startAt: 0.5, wordSec: 0.3 });
const DIALOGUE: ScriptWord[] = [
  ...scriptFromText('Hello there, Bo.', { startAt: 0.5, wordSec: 0.3, speaker: 0, pauseAfterSentenceSec: 0 }),
  ...scriptFromText('Hi, Ana.', { startAt: 1.4, wordSec: 0.3, speaker: 1 }),
  ...scriptFromText('How are you?', { startAt: 3.5, wordSec: 0.3, speaker: 0 }),
];
const XSS = scriptFromText('Look <script>window.pwned=1</script> here. Then <img src=x onerror=window.pwned=2> too. <b>bold</b> &amp; done.', {
  startAt: 0.5,
  wordSec: 0.3,
});

let browser: BrowserContext;
let deepgram: DeepgramServer | undefined;
let running: ChildProcess | undefined;
const shots = tempDir('transcribe-serve-shots-');

/** Screenshots are written to the test's temp dir; TRANSCRIBE_SCREENSHOTS=<dir> also keeps a copy there to look at. */
async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  const path = join(shots, name);
  await page.screenshot({ path, ...options });
  const keep = process.env.TRANSCRIBE_SCREENSHOTS;
  if (keep) {
    mkdirSync(keep, { recursive: true });
    copyFileSync(path, join(keep, name));
  }
}

/** `transcribe file <wav> --serve 127.0.0.1:0 --serve-keep ...` against the local server; resolves with the page's URL. */
async function serveFile(
  script: ScriptWord[],
  args: string[],
  interimIntervalSec = 1,
): Promise<{ url: string; result: Promise<CliResult>; stop(): Promise<CliResult> }> {
  deepgram = await startDeepgramServer({ script, interimIntervalSec });
  const child = startCli(['file', SAMPLE_WAV, '--serve', '127.0.0.1:0', '--serve-keep', ...args], {
    env: { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: deepgram.url },
  });
  running = child;
  const result = collect(child, 60_000);
  const url = await captionsUrl(child);
  return {
    url,
    result,
    async stop() {
      child.kill('SIGINT');
      return result;
    },
  };
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

async function finalsOf(page: Page): Promise<string[][]> {
  return page.$$eval('#finals li', (items) => items.map((item) => [...item.children].map((child) => child.textContent ?? '')));
}

async function waitForEnd(page: Page): Promise<void> {
  await page.waitForSelector('#status[data-state="ended"]', { timeout: 30_000 });
}

beforeAll(async () => {
  if (!missing('chromium')) browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  running?.kill('SIGKILL');
  running = undefined;
  await deepgram?.close();
  deepgram = undefined;
});

describe.skipIf(missing('chromium'))('--serve in a real browser (headless chromium)', () => {
  it('the page: finals in order with names and times, the interim text in place then replaced by the final; the overlay shows interim words', async () => {
    const serving = await serveFile(DIALOGUE, ['--speakers', '0=Ana,1=Bo', '--speed', '1'], 0.1);
    const page = await browser.newPage();
    const overlay = await browser.newPage();
    // Every interim text either page ever showed, recorded as the pages change.
    const record = (selector: string) => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      new MutationObserver(() => {
        for (const node of document.querySelectorAll(selector)) if (node.textContent) seen.push(node.textContent);
      }).observe(document, { subtree: true, childList: true, characterData: true });
    };
    await page.addInitScript(record, '#interims .text');
    await overlay.addInitScript(record, '.line.interim');
    const response = await page.goto(serving.url);
    expect(response!.headers()['content-security-policy']).toContain("default-src 'none'; script-src 'self'");
    await overlay.goto(serving.url + 'overlay');
    await waitForEnd(page);
    expect(await finalsOf(page)).toEqual([
      ['00:00:00', 'Ana', 'Hello there, Bo.'],
      ['00:00:01', 'Bo', 'Hi, Ana.'],
      ['00:00:03', 'Ana', 'How are you?'],
    ]);
    const interims = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(interims.length).toBeGreaterThan(0);
    expect(interims.every((text) => 'Hello there, Bo. Hi, Ana. How are you?'.includes(text))).toBe(true);
    expect(await page.$$('#interims > *')).toHaveLength(0);
    expect((await overlay.evaluate(() => (window as unknown as { seen: string[] }).seen)).length).toBeGreaterThan(0);
    expect(await overlay.$$eval('.line', (lines) => lines.map((line) => line.textContent))).toEqual(['Bo: Hi, Ana.', 'Ana: How are you?']);

    const download = page.waitForEvent('download');
    await page.click('[data-download="txt"]');
    expect(readFileSync(await (await download).path(), 'utf8')).toBe(
      '[00:00:00] Ana: Hello there, Bo.\n[00:00:01] Bo: Hi, Ana.\n[00:00:03] Ana: How are you?\n',
    );
    const downloaded = async (kind: string) => {
      const next = page.waitForEvent('download');
      await page.click(`[data-download="${kind}"]`);
      const file = await next;
      return [file.suggestedFilename(), readFileSync(await file.path(), 'utf8')];
    };
    expect(await downloaded('srt')).toEqual([
      'transcript.srt',
      '1\n00:00:00,500 --> 00:00:01,400\nAna: Hello there, Bo.\n\n2\n00:00:01,400 --> 00:00:02,000\nBo: Hi, Ana.\n\n3\n00:00:03,500 --> 00:00:04,400\nAna: How are you?\n\n',
    ]);
    expect(await downloaded('vtt')).toEqual([
      'transcript.vtt',
      'WEBVTT\n\n00:00:00.500 --> 00:00:01.400\nAna: Hello there, Bo.\n\n00:00:01.400 --> 00:00:02.000\nBo: Hi, Ana.\n\n00:00:03.500 --> 00:00:04.400\nAna: How are you?\n\n',
    ]);
    await page.fill('#search', 'o');
    expect(await page.textContent('#matches')).toBe('4 matches');
    expect(await page.$$eval('mark', (marks) => marks.map((mark) => mark.parentElement!.parentElement!.querySelector('.who')!.textContent))).toEqual([
      'Ana',
      'Ana',
      'Ana',
      'Ana',
    ]);
    await page.fill('#search', '');
    // The header's search box lines up with the transcript's lines below it.
    const lefts = await page.evaluate(() => [
      document.querySelector('#search').getBoundingClientRect().left,
      document.querySelector('#finals li').getBoundingClientRect().left,
    ]);
    expect(lefts[0]).toBe(lefts[1]);
    await screenshot(page, 'page.png');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.setViewportSize({ width: 390, height: 700 });
    await screenshot(page, 'page-phone-dark.png');
    const edges = await page.evaluate(() => [
      document.querySelector('#search').getBoundingClientRect().right,
      document.querySelector('#finals li').getBoundingClientRect().right,
    ]);
    expect(edges[0]).toBe(edges[1]);
    const result = await serving.stop();
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Ana: Hello there, Bo.\nBo: Hi, Ana.\nAna: How are you?\n');
  }, 60_000);

  it('the overlay: the last two lines, large, on a transparent page; query options apply', async () => {
    const serving = await serveFile(SCRIPT, ['--speed', 'max']);
    const overlay = await browser.newPage();
    await overlay.goto(serving.url + 'overlay?size=40&color=%23ffeb3b&position=top');
    await overlay.waitForFunction(() => document.querySelectorAll('.line').length === 2 && document.body.textContent!.includes('fox'));
    expect(await overlay.$$eval('.line', (lines) => lines.map((line) => line.textContent))).toEqual([
      'This sample was made with espeak.',
      'The quick brown fox jumps.',
    ]);
    const style = await overlay.$eval('#captions', (box) => [
      getComputedStyle(box).fontSize,
      getComputedStyle(box).color,
      getComputedStyle(document.body).backgroundColor,
    ]);
    expect(style).toEqual(['40px', 'rgb(255, 235, 59)', 'rgba(0, 0, 0, 0)']);
    await overlay.goto(serving.url + 'overlay');
    await overlay.waitForFunction(() => document.body.textContent!.includes('fox'));
    // Shown over a stand-in for video: the page itself is transparent.
    await overlay.evaluate(() => (document.documentElement.style.background = 'linear-gradient(135deg, #3a6186, #89253e)'));
    // A caption that wraps is split evenly: no last row holding one orphaned word.
    const rows = await overlay.$$eval('.line', (lines) =>
      lines.map((line) => {
        const range = document.createRange();
        range.selectNodeContents(line);
        return [...range.getClientRects()].map((rect) => Math.round(rect.width));
      }),
    );
    expect(rows.flat().length).toBeGreaterThan(2); // the first line wraps at this size
    for (const widths of rows) expect(Math.min(...widths) / Math.max(...widths)).toBeGreaterThan(0.6);
    await screenshot(overlay, 'overlay.png');
    expect((await serving.stop()).code).toBe(0);
  }, 60_000);

  it('Copy puts what was said on the clipboard, also where the clipboard API is missing (plain http to another machine)', async () => {
    const serving = await serveFile(SCRIPT, ['--speed', 'max']);
    await browser.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(serving.url).origin });
    const expected = '[00:00:00] Hello from transcribe.\n[00:00:02] This sample was made with espeak.\n[00:00:05] The quick brown fox jumps.\n';
    const page = await browser.newPage();
    await page.goto(serving.url);
    await waitForEnd(page);
    await page.evaluate(() => navigator.clipboard.writeText('before'));
    await page.click('#copy');
    await page.waitForFunction(() => document.getElementById('copy').textContent === 'Copied', undefined, { polling: 50 });
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(expected);
    // Not a secure context: no navigator.clipboard; the page falls back to a selected text area.
    const insecure = await browser.newPage();
    await insecure.addInitScript(() => {
      window.clipboardForTest = navigator.clipboard;
      Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined });
    });
    await insecure.goto(serving.url);
    await waitForEnd(insecure);
    await insecure.evaluate(() => window.clipboardForTest.writeText('before'));
    await insecure.click('#copy');
    await insecure.waitForFunction(() => document.getElementById('copy').textContent === 'Copied', undefined, { polling: 50 });
    expect(await insecure.evaluate(() => window.clipboardForTest.readText())).toBe(expected);
    expect(await insecure.$$('textarea')).toHaveLength(0);
    expect((await serving.stop()).code).toBe(0);
  }, 60_000);

  it('a transcript holding <script>, <img onerror> and markup renders as text, on the page and the overlay', async () => {
    const serving = await serveFile(XSS, ['--speed', 'max']);
    const page = await browser.newPage();
    const overlay = await browser.newPage();
    await page.goto(serving.url);
    await overlay.goto(serving.url + 'overlay?lines=3');
    await waitForEnd(page);
    const result = await serving.stop();
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toEqual(['Look <script>window.pwned=1</script> here.', 'Then <img src=x onerror=window.pwned=2> too.', '<b>bold</b> &amp; done.']);
    expect((await finalsOf(page)).map((row) => row[1])).toEqual(lines);
    await overlay.waitForFunction(() => document.body.textContent!.includes('done.'));
    expect(await overlay.$$eval('.line', (items) => items.map((line) => line.textContent))).toEqual(lines);
    for (const target of [page, overlay]) {
      expect(await target.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
      expect(await target.$$('main img, main script, main b, #captions img, #captions script, #captions b')).toHaveLength(0);
    }
    await screenshot(page, 'page-xss.png');
  }, 60_000);

  it('the page follows the end, unless the reader scrolled up (then "Latest" brings it back)', async () => {
    const many = scriptFromText(Array.from({ length: 8 }, (_, i) => `Line number ${i + 1}.`).join(' '), {
      startAt: 0.3,
      wordSec: 0.2,
      pauseAfterSentenceSec: 0.35,
    });
    const serving = await serveFile(many, ['--speed', '1.5']);
    const follower = await browser.newPage();
    const reader = await browser.newPage();
    for (const page of [follower, reader]) {
      await page.setViewportSize({ width: 480, height: 240 });
      await page.goto(serving.url);
    }
    // Scrolled up once there is something to scroll (a page that fits is at its end).
    await reader.waitForFunction(() => document.documentElement.scrollHeight > window.innerHeight + 60);
    await reader.evaluate(() => window.scrollTo(0, 0));
    await waitForEnd(reader);
    await waitForEnd(follower);
    const position = (page: Page) => page.evaluate(() => [window.scrollY, document.documentElement.scrollHeight - window.innerHeight]);
    const [followerY, followerMax] = await position(follower);
    expect(followerMax).toBeGreaterThan(100);
    expect(followerY).toBe(followerMax);
    expect((await position(reader))[0]).toBe(0);
    expect(await reader.isVisible('#latest')).toBe(true);
    expect(await follower.isVisible('#latest')).toBe(false);
    await reader.click('#latest');
    await reader.waitForFunction(() => window.scrollY > 0 && window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2);
    expect((await finalsOf(follower)).map((row) => row[1])).toEqual(Array.from({ length: 8 }, (_, i) => `Line number ${i + 1}.`));
    expect((await serving.stop()).code).toBe(0);
  }, 60_000);

  it('a dropped SSE connection resumes from its last id: no line lost, none repeated', async () => {
    const serving = await serveFile(SCRIPT, ['--speed', '2']);
    const proxy = await cuttingProxy(Number(new URL(serving.url).port));
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${proxy.port}/`);
      await page.waitForSelector('#finals li');
      const before = (await finalsOf(page)).length;
      proxy.drop(1500); // events go on meanwhile: the browser misses them on the wire
      await page.waitForSelector('#status[data-state="reconnecting"]');
      await waitForEnd(page);
      const result = await serving.stop();
      expect(before).toBeLessThan(3);
      expect((await finalsOf(page)).map((row) => row[1])).toEqual(result.stdout.trimEnd().split('\n'));
      // The browser came back with the last id it had, and the server sent only what came after it.
      const resumed = proxy.exchanges.filter((exchange) => exchange.request.startsWith('GET /events') && /^last-event-id: \d+\r$/im.test(exchange.request));
      expect(resumed.length).toBeGreaterThan(0);
      for (const { request, response } of resumed) {
        const lastId = Number(/^last-event-id: (\d+)\r$/im.exec(request)![1]);
        expect(lastId).toBeGreaterThan(0);
        const ids = [...response.matchAll(/^id: (\d+)$/gm)].map((match) => Number(match[1]));
        if (ids.length > 0) expect(ids[0]).toBe(lastId + 1);
      }
      expect(resumed.some(({ response }) => /^id: /m.test(response))).toBe(true);
    } finally {
      await proxy.close();
    }
  }, 60_000);

  it('on another interface: a warning, a token in the printed URL, 401 without it; the page works with it', async () => {
    deepgram = await startDeepgramServer({ script: SCRIPT });
    const child = startCli(['file', SAMPLE_WAV, '--serve', '0.0.0.0:0', '--serve-keep', '--speed', 'max'], {
      env: { DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: deepgram.url },
    });
    running = child;
    const result = collect(child, 60_000);
    const url = new URL(await captionsUrl(child));
    const token = url.searchParams.get('token')!;
    expect(token).toMatch(/^[\w-]{22}$/);
    const base = `http://127.0.0.1:${url.port}`;
    for (const path of ['/', '/overlay', '/events', '/healthz', '/app.js', `/?token=${token}x`]) {
      const response = await fetch(base + path);
      expect([path, response.status]).toEqual([path, 401]);
      expect(await response.text()).toBe('this server needs the access token printed when it started (?token=...)\n');
    }
    const page = await browser.newPage();
    await page.goto(`${base}/?token=${token}`);
    await waitForEnd(page);
    expect(await page.$$eval('#finals li .text', (items) => items.map((item) => item.textContent))).toHaveLength(3);
    // The cookie the first request set lets the page come back without the token in its URL.
    expect((await page.goto(`${base}/overlay`))!.status()).toBe(200);
    child.kill('SIGINT');
    const { code, stderr } = await result;
    expect(code).toBe(0);
    expect(stderr).toContain('transcribe: warning: captions are served on 0.0.0.0, beyond this machine, over plain http');
    expect(stderr).not.toContain('test-key');
  }, 60_000);
});

describe('--serve: the port and the lifetime', () => {
  const env = () => ({ DEEPGRAM_API_KEY: 'test-key', DEEPGRAM_API_URL: deepgram!.url });

  it('a busy port: one line, exit 2, before any audio is sent', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      deepgram = await startDeepgramServer({ script: SCRIPT });
      const result = await runCli(['file', SAMPLE_WAV, '--serve', `127.0.0.1:${port}`, '--speed', 'max'], { env: env() });
      expect(result).toMatchObject({
        code: 2,
        stdout: '',
        stderr: `transcribe: cannot serve captions on 127.0.0.1:${port}: the port is in use — choose another with --serve HOST:PORT (port 0 picks a free one)\n`,
      });
      expect(deepgram.connections).toHaveLength(0);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('the transcript is the same with --serve; the server stays 3 s past the end, then the run exits 0', async () => {
    deepgram = await startDeepgramServer({ script: SCRIPT });
    const started = performance.now();
    const result = await runCli(['file', SAMPLE_WAV, '--serve', '127.0.0.1:0', '--speed', 'max'], { env: env() });
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ code: 0, stdout: 'Hello from transcribe.\nThis sample was made with espeak.\nThe quick brown fox jumps.\n' });
    expect(result.stderr).toMatch(/^transcribe: captions at http:\/\/127\.0\.0\.1:\d+\/ \(overlay: http:\/\/127\.0\.0\.1:\d+\/overlay\)\n$/);
    expect(elapsed).toBeGreaterThan(3000);
  });

  it('Ctrl+C ends the run without the 3 s grace period: exit 130', async () => {
    deepgram = await startDeepgramServer({ script: SCRIPT });
    const child = startCli(['file', SAMPLE_WAV, '--serve', '127.0.0.1:0', '--speed', '1'], { env: env() });
    running = child;
    const result = collect(child, 30_000);
    await captionsUrl(child);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const interrupted = performance.now();
    child.kill('SIGINT');
    expect((await result).code).toBe(130);
    expect(performance.now() - interrupted).toBeLessThan(2500);
  });

  it('--serve and --batch: a usage error', async () => {
    deepgram = await startDeepgramServer({ script: SCRIPT });
    const result = await runCli(['file', SAMPLE_WAV, '--batch', '--serve'], { env: env() });
    expect(result).toMatchObject({ code: 2, stderr: 'transcribe: --serve shows a session as it streams, not --batch — drop one of them\n' });
  });
});
