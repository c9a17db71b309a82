import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Abort } from '../../src/many/abort.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Whether `value` can still be reached once `use` has finished with it. */
async function kept(use: (value: object) => Promise<unknown>): Promise<boolean> {
  let ref: WeakRef<object> | undefined;
  await (async () => {
    const value = { payload: new Array(1000).fill('x') };
    ref = new WeakRef(value);
    await use(value);
  })();
  for (let i = 0; i < 5 && ref!.deref() !== undefined; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  return ref!.deref() !== undefined;
}

describe('Abort: the run-wide stop every file listens to', () => {
  it('until(): the result of a finished file is not kept by the run (10,000 files grew the heap by 20 MB)', async () => {
    const abort = new Abort();
    expect(await kept((value) => abort.until(Promise.resolve(value)))).toBe(false);
    expect(await kept((value) => abort.until(Promise.reject(value)).catch(() => undefined))).toBe(false);
    expect(abort.listening).toBe(0);
  });

  it('until(): "interrupted" at once when the run is aborted, also when it already was', async () => {
    const abort = new Abort();
    const pending = abort.until(new Promise(() => {}));
    abort.now('SIGINT');
    expect(await pending).toBe('interrupted');
    expect(await abort.until(new Promise(() => {}))).toBe('interrupted');
    expect(await abort.until(Promise.resolve(3))).toBe(3);
  });

  it('subscribe(): each listener hears a stop twice (a stream stops waiting for its last words); unsubscribed ones do not', () => {
    const abort = new Abort();
    const heard: string[] = [];
    abort.subscribe((signal) => heard.push(`a ${signal}`));
    const off = abort.subscribe((signal) => heard.push(`b ${signal}`));
    off();
    abort.now('SIGHUP');
    expect(heard).toEqual(['a SIGHUP', 'a SIGHUP']);
  });
});
