// Paths, flag values and config keys reach stderr inside our own messages. A file named with an
// escape sequence (`transcribe file *.mp3` in a downloaded folder) must not clear the screen, set
// the title or write the clipboard, and a newline in a name must not split a one-line error.

/**
 * C0 controls but tab, DEL, C1 controls, the Unicode line and paragraph separators, and the
 * bidirectional embeddings, overrides and isolates (they reorder what follows them on screen).
 */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r' };

/** The text with each of those characters shown as an escape (`\n`, `\x1b`, `\u202e`): still one line, and the name recognisable. */
export function escapeControls(text: string): string {
  return text.replace(INVISIBLE, (char) => {
    const code = char.charCodeAt(0);
    return NAMED[char] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}

/** Each line of a multi-line text (a stack trace, commander's error and its suggestion) escaped on its own. */
export function escapeControlsPerLine(text: string): string {
  return text.split('\n').map(escapeControls).join('\n');
}
