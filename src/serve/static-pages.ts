import { readFileSync } from 'node:fs';

/** The files the pages are made of: served from memory, nothing from anywhere else. */
const FILES: Record<string, [file: string, type: string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/overlay': ['overlay.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/overlay.js': ['overlay.js', 'text/javascript; charset=utf-8'],
  '/transcript.js': ['transcript.js', 'text/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
  '/overlay.css': ['overlay.css', 'text/css; charset=utf-8'],
};

export interface StaticFile {
  body: Buffer;
  type: string;
}

/**
 * Reads the pages once. They sit next to this module: src/serve/pages in the source tree,
 * dist/pages in the bundle (scripts/build.mjs copies them there).
 */
export function loadPages(dir: URL = new URL('./pages/', import.meta.url)): Map<string, StaticFile> {
  const pages = new Map<string, StaticFile>();
  for (const [path, [file, type]] of Object.entries(FILES)) pages.set(path, { body: readFileSync(new URL(file, dir)), type });
  return pages;
}

/**
 * Every response: scripts and styles only from this server (no inline script, no eval), data only
 * from this server, never framed by another site, no referrer (the token is in the URL).
 */
export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};
