/** The C0/C1 control characters (tab excepted) in `text`, as code points: what must never reach a terminal from the server. */
export function controlCharacters(text: string): number[] {
  return [...text].map((char) => char.codePointAt(0)!).filter((code) => (code < 0x20 && code !== 0x09 && code !== 0x0a) || (code >= 0x7f && code <= 0x9f));
}
