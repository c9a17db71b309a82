/** Colour on stderr only for a TTY, and never with NO_COLOR, FORCE_COLOR=0 or --no-color. */
export function colorEnabled(stderr: { isTTY?: boolean }, env: Record<string, string | undefined>, flag: boolean): boolean {
  if (!flag || env.NO_COLOR !== undefined || env.FORCE_COLOR === '0' || env.TERM === 'dumb') return false;
  return stderr.isTTY === true;
}
