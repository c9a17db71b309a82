import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** At most one collection per this long. */
export const COLLECT_EVERY_MS = 2500;

/**
 * A many-files run makes its garbage mostly outside V8's heap (each file's read buffer, each
 * answer's body) and keeps objects alive across scavenges (every request lasts a quarter of a
 * second or more), while V8 schedules its full collections by the heap's own growth: at 10,000
 * files the peak RSS swung by 10-30 MB from run to run (142-169 MB; docs/performance.md).
 * One full collection at most every COLLECT_EVERY_MS, after a file is done, keeps it flat
 * (140-142 MB in five runs) at about one collection per 500 short files.
 *
 * Returns what to call when a file is done; `collect` is injected by tests.
 */
export function periodicCollector(now: () => number, collect: () => void = exposedGc(), everyMs = COLLECT_EVERY_MS): () => void {
  let last = now();
  return () => {
    if (now() - last < everyMs) return;
    last = now();
    collect();
  };
}

/** V8's own `gc()`: its flag makes every new context get one, so a fresh context hands it over. */
function exposedGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
