// Server text reaches a terminal (transcripts, close reasons, error bodies): it must not carry
// escape sequences that clear the screen, set the title or write the clipboard (OSC 52).

/** C0 controls but tab, DEL, and C1 controls (U+0080-U+009F: a lone U+009B is a CSI on many terminals). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const LINE_BREAK = /\r\n|[\r\n]/g;

/**
 * The text with every C0/C1 control character removed, except tab. A line break becomes a space,
 * so that words do not run together and one message stays one line.
 */
export function sanitizeServerText(text: string): string {
  return text.replace(LINE_BREAK, ' ').replace(CONTROL, '');
}

/** The first `max` characters of server text, sanitized: for logs and error messages. */
export function serverSnippet(text: string, max = 200): string {
  // Sanitized before it is cut (controls removed shorten it), from a bounded prefix.
  const clean = sanitizeServerText(text.slice(0, max + 4096));
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
