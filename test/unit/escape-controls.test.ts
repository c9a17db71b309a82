import { describe, expect, it } from 'vitest';
import { escapeControls } from '../../src/escape-controls.js';
import { AudioSourceError, formatError, UsageError } from '../../src/errors.js';
import { createRenderer } from '../../src/terminal/renderer.js';
import { TtyRenderer } from '../../src/terminal/tty-renderer.js';

const HOSTILE = 'x\x1b]0;PWNED\x07\x1b[2Jy\nz\u202egpm.wav';
const SHOWN = 'x\\x1b]0;PWNED\\x07\\x1b[2Jy\\nz\\u202egpm.wav';

describe('escapeControls: what a path or flag value shows in our own messages', () => {
  it.each([
    ['plain text, unicode and a tab', 'talk \u00e9t\u00e9 \u4f1a\u8bae\tx.wav', 'talk \u00e9t\u00e9 \u4f1a\u8bae\tx.wav'],
    ['a newline and a carriage return', 'a\nb\rc', 'a\\nb\\rc'],
    ['an escape sequence and BEL (set the title)', '\x1b]0;t\x07', '\\x1b]0;t\\x07'],
    ['NUL, DEL and a C1 CSI', '\x00\x7f\x9b2J', '\\x00\\x7f\\x9b2J'],
    ['line separators and a bidi override', '\u2028\u2029\u202eevil\u2066', '\\u2028\\u2029\\u202eevil\\u2066'],
    ['a hostile file name', HOSTILE, SHOWN],
  ])('%s', (_name, text, shown) => {
    expect(escapeControls(text)).toBe(shown);
  });
});

describe('messages that carry a path never reach the terminal raw', () => {
  it('formatError: message and hint escaped, still one line', () => {
    expect(formatError(new AudioSourceError(`no such file: ${HOSTILE}`, `try ${HOSTILE}`), false)).toBe(`transcribe: no such file: ${SHOWN} — try ${SHOWN}\n`);
    expect(formatError(new Error(HOSTILE), false)).toBe(
      `transcribe: internal error: ${SHOWN} — run again with --verbose for details, and report it if it persists\n`,
    );
  });

  it('formatError --verbose: the stack keeps its lines, without control characters', () => {
    const text = formatError(new UsageError(HOSTILE), true);
    expect(text.startsWith(`transcribe: ${SHOWN}\nUsageError: x\\x1b]0;PWNED`)).toBe(true);
    for (const raw of ['\x1b', '\x07', '\u202e']) expect(text).not.toContain(raw);
  });

  it('notices (warnings) on a plain stderr and on a terminal', async () => {
    const written: string[] = [];
    const plain = await createRenderer({ write: (text: string) => written.push(text) > 0 }, false);
    plain.notice(`transcribe: warning: ${HOSTILE}`);
    plain.status(`transcribe: ${HOSTILE}`);
    expect(written).toEqual([`transcribe: warning: ${SHOWN}\n`, `transcribe: ${SHOWN}\n`]);

    const screen: string[] = [];
    const tty = new TtyRenderer({ isTTY: true, columns: 80, write: (text: string) => screen.push(text) > 0 }, true);
    tty.notice(HOSTILE);
    tty.status(HOSTILE);
    tty.dispose();
    expect(screen).toEqual([`${SHOWN}\n`, `\x1b[2m${SHOWN}\x1b[22m\n`]);
  });
});
