import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isLoopback } from './address.js';

/** A random access token for a server reachable from other machines: 128 bits, URL-safe. */
export function newToken(): string {
  return randomBytes(16).toString('base64url');
}

/** Per port: two servers on one host must not overwrite each other's cookie. */
export function cookieName(port: number): string {
  return `transcribe_token_${port}`;
}

export interface AccessRequest {
  url: string;
  host: string | undefined;
  cookie: string | undefined;
}

export type AccessDecision = { allowed: true; setCookie?: string } | { allowed: false; status: 401 | 403; reason: string };

/**
 * Who may read the transcript. Bound to loopback: any request whose Host names this machine (a
 * page of another site that rebinds its own name to 127.0.0.1 sends its name: 403). Bound to
 * another interface: the token, from `?token=` (then kept as an HttpOnly cookie, so the page's
 * own requests carry it) or from that cookie; else 401. Pure.
 */
export function checkAccess(request: AccessRequest, options: { token: string | undefined; port: number }): AccessDecision {
  if (options.token === undefined) {
    const hostname = (request.host ?? '').replace(/:\d+$/, '');
    return isLoopback(hostname) ? { allowed: true } : { allowed: false, status: 403, reason: 'this server answers only to 127.0.0.1 and localhost' };
  }
  const query = new URL(request.url, 'http://x').searchParams.get('token');
  const name = cookieName(options.port);
  if (query !== null && sameSecret(query, options.token)) {
    return { allowed: true, setCookie: `${name}=${options.token}; HttpOnly; SameSite=Strict; Path=/` };
  }
  const fromCookie = cookieValue(request.cookie, name);
  if (fromCookie !== undefined && sameSecret(fromCookie, options.token)) return { allowed: true };
  return { allowed: false, status: 401, reason: 'this server needs the access token printed when it started (?token=...)' };
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const equals = part.indexOf('=');
    if (equals > 0 && part.slice(0, equals).trim() === name) return part.slice(equals + 1).trim();
  }
  return undefined;
}

/** Constant-time comparison: the time taken says nothing about how much of a guess was right. */
function sameSecret(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
