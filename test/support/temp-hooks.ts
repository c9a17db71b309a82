import { afterAll, afterEach } from 'vitest';
import { removeTempDirs } from './temp.js';

// vitest setupFiles: registered first, these run after every other afterEach/afterAll of a file
// (after hooks run in reverse order), so a test's own cleanup (a CLI stopped, a server closed) comes first.
afterEach(() => removeTempDirs('test'));
afterAll(() => removeTempDirs('file'));
