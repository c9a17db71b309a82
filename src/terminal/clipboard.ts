/**
 * Copying to the clipboard with OSC 52: the terminal itself sets its clipboard, so it works over
 * SSH and needs no xsel/xclip/pbcopy. Written to the terminal (stderr); terminals that do not
 * support it ignore it (tmux needs `set -g set-clipboard on`).
 */

/** The most text one copy carries (UTF-8 bytes, before base64): terminals cap the sequence (xterm, tmux: about 100 kB). */
export const MAX_CLIPBOARD_BYTES = 64 * 1024;

/** The escape sequence that puts `text` on the clipboard, and how much of it went in (its end, at a line start when cut). */
export function osc52(text: string): { sequence: string; cut: boolean } {
  let bytes = Buffer.from(text, 'utf8');
  const cut = bytes.length > MAX_CLIPBOARD_BYTES;
  if (cut) {
    bytes = bytes.subarray(bytes.length - MAX_CLIPBOARD_BYTES);
    const newline = bytes.indexOf(0x0a);
    // Start at a whole line, or else at a whole character (never inside a UTF-8 sequence).
    let start = newline >= 0 ? newline + 1 : 0;
    while (newline < 0 && start < bytes.length && (bytes[start]! & 0xc0) === 0x80) start++;
    bytes = bytes.subarray(start);
  }
  return { sequence: `\x1b]52;c;${bytes.toString('base64')}\x07`, cut };
}
