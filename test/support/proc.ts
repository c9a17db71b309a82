import { readdirSync, readFileSync } from 'node:fs';

// Linux /proc: what a process's children are, and what they were given.

export interface ProcessInfo {
  pid: number;
  ppid: number;
  comm: string;
  state: string;
}

export function processInfo(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const [state, ppid] = stat.slice(close + 2).split(' ');
    return { pid, ppid: Number(ppid), comm: stat.slice(stat.indexOf('(') + 1, close), state: state! };
  } catch {
    return undefined;
  }
}

/** Every live descendant of `pid`. */
export function descendants(pid: number): ProcessInfo[] {
  const all = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => processInfo(Number(name)))
    .filter((info): info is ProcessInfo => info !== undefined && info.state !== 'Z');
  const found: ProcessInfo[] = [];
  const parents = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const info of all) {
      if (parents.has(info.ppid) && !parents.has(info.pid)) {
        parents.add(info.pid);
        found.push(info);
        grew = true;
      }
    }
  }
  return found;
}

/** Gone, or a zombie nobody has reaped yet (it runs no more). */
export function isGone(pid: number): boolean {
  const info = processInfo(pid);
  return info === undefined || info.state === 'Z';
}

/** A process's environment as its name=value strings. */
export function environOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').filter(Boolean);
}

/** Polls until `find` returns something, or throws after `timeoutMs`. */
export async function waitFor<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
