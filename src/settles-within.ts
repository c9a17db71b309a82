// One timed wait for the places that give a promise a deadline without failing it (a close, a reconnection).

/** True once `promise` resolves, false if `ms` pass first (a rejection passes through). */
export async function settlesWithin(promise: Promise<unknown> | undefined, ms: number): Promise<boolean> {
  if (!promise || ms === Infinity) return promise ? promise.then(() => true) : true;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}
