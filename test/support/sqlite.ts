import { createRequire } from 'node:module';

/** node-sqlite3-wasm, for tests that look inside (or tamper with) an archive. */
export function sqlite(): typeof import('node-sqlite3-wasm') {
  return createRequire(import.meta.url)('node-sqlite3-wasm') as typeof import('node-sqlite3-wasm');
}
