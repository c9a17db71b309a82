import { Chalk } from 'chalk';

/** Colour on stderr only for a TTY, and never with NO_COLOR, FORCE_COLOR=0 or --no-color. */
export function colorEnabled(stderr: { isTTY?: boolean }, env: Record<string, string | undefined>, flag: boolean): boolean {
  if (!flag || env.NO_COLOR !== undefined || env.FORCE_COLOR === '0' || env.TERM === 'dumb') return false;
  return stderr.isTTY === true;
}

export function dimmer(color: boolean): (text: string) => string {
  const chalk = new Chalk({ level: color ? 1 : 0 });
  return (text) => chalk.dim(text);
}
