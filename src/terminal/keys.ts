/** The keys of a steered live session (README: "Keys while it runs"). */
export type Key = 'pause' | 'mark' | 'copy-line' | 'copy-all' | 'stop' | 'help' | 'interrupt';

const KEYS: Record<string, Key> = { ' ': 'pause', m: 'mark', c: 'copy-line', C: 'copy-all', q: 'stop', '?': 'help', '\x03': 'interrupt' };

/**
 * The keys in what a raw-mode terminal sent. Escape sequences (arrows, function keys, a paste's
 * brackets) are skipped whole: the `C` that ends "cursor right" is not a copy. Pure.
 */
export function keysOf(chunk: string): Key[] {
  const keys: Key[] = [];
  for (let i = 0; i < chunk.length; i++) {
    if (chunk[i] === '\x1b') {
      i = endOfEscape(chunk, i);
      continue;
    }
    const key = KEYS[chunk[i]!];
    if (key) keys.push(key);
  }
  return keys;
}

/** The index of the last character of the escape sequence starting at `start`. */
function endOfEscape(chunk: string, start: number): number {
  const kind = chunk[start + 1];
  let end = start + 1; // Alt+key: ESC and the key
  if (kind === 'O') end = start + 2; // SS3: one more character
  if (kind === '[') {
    // CSI: parameters, then one final character in @..~.
    end = start + 2;
    while (end < chunk.length && !/[@-~]/.test(chunk[end]!)) end++;
  }
  return Math.min(end, chunk.length - 1);
}

type KeyInput = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

/**
 * Reads keys from a terminal in raw mode (so Ctrl+C arrives as a key, not SIGINT). Returns the
 * function that puts the terminal back (idempotent), which every way out must call; Node also
 * restores the terminal's mode when the process exits, a crash included.
 */
export function readKeys(stdin: KeyInput, onKey: (key: Key) => void): () => void {
  const onData = (chunk: Buffer | string) => {
    for (const key of keysOf(chunk.toString())) onKey(key);
  };
  // A terminal that went away (SIGHUP) fails reads and setRawMode with EIO, as 'error' events: nothing to do about them.
  const ignore = () => {};
  stdin.on('error', ignore);
  stdin.setRawMode!(true);
  stdin.on('data', onData);
  stdin.resume();
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    stdin.off('data', onData);
    try {
      stdin.setRawMode!(false);
    } catch {
      // the terminal is gone
    }
    stdin.pause();
  };
}

/** Keys are read only when both stdin and stderr are a terminal: never from a pipe, never where no one sees the status. */
export function canReadKeys(stdin: KeyInput, stderr: { isTTY?: boolean }): boolean {
  return stdin.isTTY === true && stderr.isTTY === true && typeof stdin.setRawMode === 'function';
}
