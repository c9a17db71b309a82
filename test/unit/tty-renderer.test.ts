import { describe, expect, it } from 'vitest';
import { eraseRows, stringWidth } from '../../src/terminal/interim-line.js';
import { FALLBACK_COLUMNS, knownSize, layoutColumns } from '../../src/terminal/size.js';
import { createRenderer } from '../../src/terminal/renderer.js';
import { TtyRenderer } from '../../src/terminal/tty-renderer.js';

/** A terminal that records what is written; it throws on a runaway loop instead of hanging the test. */
class FakeTerminal {
  readonly isTTY = true;
  writes: string[] = [];
  constructor(public columns: number | undefined) {}
  write(text: string): boolean {
    if (this.writes.length > 10_000) throw new Error('runaway: more than 10,000 writes');
    this.writes.push(text);
    return true;
  }
  // What ora's clear() calls on a real terminal.
  cursorTo(x: number): void {
    this.write(`\x1b[${x + 1}G`);
  }
  moveCursor(dx: number, dy: number): void {
    this.write(`\x1b[${dx}C\x1b[${-dy}A`);
  }
  clearLine(): void {
    this.write('\x1b[0K');
  }
  /** What was written since the last call. */
  take(): string {
    const text = this.writes.join('');
    this.writes = [];
    return text;
  }
}

describe('terminal sizes', () => {
  it.each([
    [80, 80],
    [1, 1],
    [0, undefined],
    [undefined, undefined],
    [-1, undefined],
    [Number.NaN, undefined],
    [Number.POSITIVE_INFINITY, undefined],
    [2.5, undefined],
  ])('a terminal reporting %s is known as %s', (reported, known) => {
    expect(knownSize(reported)).toBe(known);
    expect(layoutColumns({ ...(reported === undefined ? {} : { columns: reported }) })).toBe(known ?? FALLBACK_COLUMNS);
  });
});

describe('TtyRenderer on a terminal that reports 0 columns', () => {
  it('lays the interim line out for 80 columns and erases the one row it drew', () => {
    const terminal = new FakeTerminal(0);
    const renderer = new TtyRenderer(terminal, false);
    const text = 'x'.repeat(100);
    renderer.interim(text);
    expect(terminal.take()).toBe('…' + 'x'.repeat(78));
    renderer.clearInterim();
    expect(terminal.take()).toBe(eraseRows(1));
  });

  it.each([0, undefined])('starts and stops the spinner (columns %s)', async (columns) => {
    const terminal = new FakeTerminal(columns);
    const renderer = new TtyRenderer(terminal, false);
    await renderer.startSpinner('Connecting to Deepgram…');
    await new Promise((resolve) => setTimeout(resolve, 250)); // frames clear the frame before them
    renderer.notice('a notice');
    renderer.stopSpinner(); // at 0 columns this cleared Infinity rows, forever
    renderer.dispose();
    const written = terminal.take();
    expect(written).toContain('Connecting to Deepgram…');
    expect(written).toContain('a notice\n');
    // Each clear goes up no more rows than the one-row spinner took.
    expect(written).not.toContain('\x1b[1A');
  });
});

describe('TtyRenderer on narrow terminals', () => {
  const cases: [string, number, string][] = [
    ['hello', 1, ''],
    ['hello', 2, '…'],
    ['hi', 3, 'hi'],
    ['日本語', 1, ''],
    ['日本語', 2, '…'],
    ['日本語', 3, '…'],
    ['日本語', 4, '…語'],
    ['a日', 3, '…'],
    ['a日', 4, 'a日'],
    ['👍🏽👍🏽', 3, '…'],
    ['👍🏽👍🏽', 4, '…👍🏽'],
    ['👨‍👩‍👧x', 3, '…x'],
    ['🇯🇵🇫🇷', 4, '…🇫🇷'],
    ['e\u0301te\u0301', 3, '…e\u0301'],
    // Control characters from a server would move the cursor where erasing cannot follow.
    ['one\ntwo', 10, 'one two'],
    ['tab\there', 10, 'tab here'],
    ['\x1b[2J\x1b[31mred', 10, 'red'],
    ['bell\x07\x9b', 10, 'bell  '],
  ];
  it.each(cases)('%j in %i columns is drawn as %j, within one row, and erased', (text, columns, shown) => {
    const terminal = new FakeTerminal(columns);
    const renderer = new TtyRenderer(terminal, false);
    renderer.interim(text);
    const drawn = terminal.take();
    expect(drawn).toBe(shown);
    expect(stringWidth(drawn)).toBeLessThan(columns); // the cursor never reaches the last column: no wrap
    renderer.clearInterim();
    expect(terminal.take()).toBe(shown ? eraseRows(1) : '');
  });

  it('erases a line drawn at 2 columns after the terminal narrowed to 1', () => {
    const terminal = new FakeTerminal(3);
    const renderer = new TtyRenderer(terminal, false);
    renderer.interim('日本語');
    expect(terminal.take()).toBe('…');
    terminal.columns = 1;
    renderer.clearInterim();
    expect(terminal.take()).toBe(eraseRows(1));
  });

  it('shows the progress alone when the interim text has no room', () => {
    const terminal = new FakeTerminal(8);
    const renderer = new TtyRenderer(terminal, false);
    renderer.progress('01:23/10:00');
    expect(terminal.take()).toBe('[01:23…');
    renderer.interim('hello');
    expect(terminal.take()).toBe(eraseRows(1) + '[01:23…');
  });
});

describe('TERM=dumb: a terminal that cannot move its cursor', () => {
  it('gets plain lines: no spinner, no interim line, no escape codes', async () => {
    const terminal = new FakeTerminal(80);
    const renderer = await createRenderer(terminal, false, 'dumb');
    await renderer.startSpinner('Connecting to Deepgram');
    renderer.interim('hello wor');
    renderer.progress('00:01/00:05');
    renderer.clearInterim();
    renderer.notice('transcribe: warning: x');
    renderer.status('transcribe: reconnecting (attempt 1)...');
    renderer.stopSpinner();
    renderer.dispose();
    expect(terminal.take()).toBe('transcribe: warning: x\ntranscribe: reconnecting (attempt 1)...\n');
  });
});

describe('a tentative interim line (Flux eager end of turn)', () => {
  it('without colours: marked by a trailing ellipsis, gone when the turn resumes', () => {
    const terminal = new FakeTerminal(80);
    const renderer = new TtyRenderer(terminal, false);
    renderer.interim('So, what now?', true);
    expect(terminal.take()).toBe('So, what now? …');
    renderer.interim('So, what now?');
    expect(terminal.take()).toBe(`${eraseRows(1)}So, what now?`);
    renderer.dispose();
  });

  it('with colours: dim and italic, where a plain interim line is only dim', () => {
    const terminal = new FakeTerminal(80);
    const renderer = new TtyRenderer(terminal, true);
    renderer.interim('Maybe done', true);
    expect(terminal.take()).toBe('\x1b[2m\x1b[3mMaybe done\x1b[23m\x1b[22m');
    renderer.interim('Maybe done, or not');
    expect(terminal.take()).toBe(`${eraseRows(1)}\x1b[2mMaybe done, or not\x1b[22m`);
    renderer.dispose();
  });
});
