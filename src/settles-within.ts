import { systemClock, type Clock } from './audio/pacer.js';

// One timed wait for the places that give a promise a deadline without failing it (a close, a reconnection).

/** True once `promise` resolves, false if `ms` pass first (a rejection passes through). */
export async function settlesWithin(promise: Promise<unknown> | undefined, ms: number, clock: Clock = systemClock): Promise<boolean> {
  if (!promise || ms === Infinity) return promise ? promise.then(() => true) : true;
  let cancel = () => {};
  const late = new Promise<false>((resolve) => (cancel = clock.after(ms, () => resolve(false))));
  try {
    return await Promise.race([promise.then(() => true as const), late]);
  } finally {
    cancel();
  }
}
