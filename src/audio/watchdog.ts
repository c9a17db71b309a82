import { spawn } from 'node:child_process';
import { childEnv } from './child-env.js';

export interface Watchdog {
  /** The guarded process has exited: the watchdog goes (before its pid could be reused). */
  release(): void;
}

/**
 * Kills `pid` when this process dies, however it dies (SIGKILL included). The recorder runs in its
 * own process group (Ctrl+C must not reach it before we have stopped cleanly), so nothing else
 * stops it: a silent microphone never makes it write, and only a write to our closed pipe would
 * end it. The watchdog, a shell waiting on a pipe that only we hold open, sees end-of-file when we
 * are gone. POSIX only; on Windows the recorder is not detached.
 */
export function startWatchdog(pid: number | undefined, env: Record<string, string | undefined>): Watchdog {
  if (pid === undefined || process.platform === 'win32') return { release() {} };
  const script = 'read -r _; kill -KILL "$1" 2>/dev/null';
  const dog = spawn('/bin/sh', ['-c', script, 'transcribe-watchdog', String(pid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
    env: childEnv(env),
  });
  dog.on('error', () => {}); // no /bin/sh: no watchdog, as before
  dog.stdin?.on('error', () => {});
  dog.unref(); // neither the watchdog nor its pipe keeps us running
  (dog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return {
    release() {
      if (dog.exitCode === null && dog.signalCode === null) dog.kill('SIGKILL');
    },
  };
}
