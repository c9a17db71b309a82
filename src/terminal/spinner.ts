import type { Ora } from 'ora';
import { knownSize, layoutColumns } from './size.js';
import type { TerminalStream } from './tty-renderer.js';

/**
 * ora draws on this view of the terminal, never on the terminal itself: ora divides by
 * `columns ?? 80`, so a terminal reporting 0 columns made it clear `Infinity` rows in a
 * synchronous loop that no signal could interrupt. Here the width is always one we can lay out for.
 */
function oraView(stream: TerminalStream): NodeJS.WritableStream {
  const view = {
    isTTY: true,
    get columns() {
      return layoutColumns(stream);
    },
    get rows() {
      return knownSize(stream.rows);
    },
    write: (text: string) => stream.write(text),
    // What ora's clear() needs, as the escape codes node:readline writes for them.
    cursorTo: (x: number) => stream.write(`\x1b[${x + 1}G`),
    moveCursor: (dx: number, dy: number) => stream.write(move(dx, 'C', 'D') + move(dy, 'B', 'A')),
    clearLine: (dir: number) => stream.write(dir < 0 ? '\x1b[1K' : dir > 0 ? '\x1b[0K' : '\x1b[2K'),
    // ora waits for 'drain' when a write returns false.
    once: (event: 'drain', listener: () => void) => (stream.once?.(event, listener), view),
    removeListener: (event: 'drain', listener: () => void) => (stream.removeListener?.(event, listener), view),
  };
  return view as unknown as NodeJS.WritableStream;
}

function move(by: number, forward: string, back: string): string {
  if (by === 0) return '';
  return `\x1b[${Math.abs(by)}${by > 0 ? forward : back}`;
}

/** A running spinner; its colour follows ours (ora's own chalk ignores NO_COLOR and --no-color). */
export async function startOra(stream: TerminalStream, text: string, color: boolean): Promise<Ora> {
  const { default: ora } = await import('ora');
  // discardStdin off: stdin may be the audio we are transcribing.
  return ora({ text, stream: oraView(stream), discardStdin: false, color: color ? 'cyan' : false, isEnabled: true }).start();
}
