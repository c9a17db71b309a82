// The management API the `doctor`, `models` and `usage` commands read: GET /v1/auth/token (the key
// check), /v1/projects, /v1/projects/{id}/requests/{request_id} and /v1/models, in the shapes of
// test/fixtures/deepgram/manage-*.json. Authenticated like every other endpoint (401 otherwise).
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { defaultErrorBody, type ErrorBody } from './errors.js';
import type { ManagementOptions, ManagementRequestLog } from './types.js';

/** The repository's root: this file also runs compiled, from dist-bench/ (npm run bench), where no fixture is. */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(repositoryRoot(), 'test', 'fixtures', 'deepgram', name), 'utf8')) as Record<string, unknown>;

export const MANAGEMENT_FIXTURES = {
  projects: fixture('manage-projects.json') as { projects: { project_id: string; name: string }[] },
  authToken: fixture('manage-auth-token.json'),
  request: fixture('manage-request.json') as { request: Record<string, unknown> & { response: { details: Record<string, unknown> } } },
  models: fixture('manage-models.json'),
};

/** The fixture's project: the one every valid key sees. */
export const TEST_PROJECT_ID = MANAGEMENT_FIXTURES.projects.projects[0]!.project_id;

/** Roles that include reading usage (Deepgram: member and above), or the scope itself. */
const READS_USAGE = ['usage:read', 'member', 'admin', 'owner'];

/** Our wording: Deepgram's exact text for a missing scope is not in the fixtures. */
export const INSUFFICIENT_SCOPE: ErrorBody = {
  err_code: 'INSUFFICIENT_PERMISSIONS',
  err_msg: 'This API key does not have the scope usage:read required for this request.',
};

export function isManagementPath(pathname: string): boolean {
  return pathname === '/v1/auth/token' || pathname === '/v1/models' || pathname === '/v1/projects' || pathname.startsWith('/v1/projects/');
}

function scopesOf(options: ManagementOptions): string[] {
  if (options.scopes) return options.scopes;
  return options.key === 'no-usage-scope' ? ['usage:write'] : ['member'];
}

function requestDetails(requestId: string, options: ManagementOptions): object | undefined {
  const billed = options.requests?.[requestId];
  if (!billed) return undefined;
  const base = MANAGEMENT_FIXTURES.request.request;
  const details: Record<string, unknown> = { ...base.response.details, usd: billed.usd, duration: billed.duration, total_audio: billed.duration };
  const request = {
    ...base,
    request_id: requestId,
    created: billed.created ?? base.created,
    response: { ...base.response, details: { ...details, config: { ...(details.config as object), model: billed.model ?? 'nova-3' } } },
  };
  return options.bareRequest ? request : { request };
}

/** What to answer: status and JSON body. Checks in Deepgram's order: path (404), key (401), scope (403). */
function answer(method: string, pathname: string, authorized: boolean, options: ManagementOptions): { status: number; body: object } {
  if (method !== 'GET') return { status: 405, body: defaultErrorBody(405) };
  if (!authorized || options.key === 'invalid') return { status: 401, body: defaultErrorBody(401) };
  const scopes = scopesOf(options);
  if (pathname === '/v1/auth/token') return { status: 200, body: { ...MANAGEMENT_FIXTURES.authToken, scopes } };
  if (pathname === '/v1/projects') return { status: 200, body: MANAGEMENT_FIXTURES.projects };
  if (pathname === '/v1/models') return { status: 200, body: MANAGEMENT_FIXTURES.models };
  const match = /^\/v1\/projects\/([^/]+)\/requests\/([^/]+)$/.exec(pathname);
  if (match && decodeURIComponent(match[1]!) === TEST_PROJECT_ID) {
    if (!scopes.some((scope) => READS_USAGE.includes(scope))) return { status: 403, body: INSUFFICIENT_SCOPE };
    const details = requestDetails(decodeURIComponent(match[2]!), options);
    return details ? { status: 200, body: details } : { status: 404, body: { err_code: 'NOT_FOUND', err_msg: 'Request not found.' } };
  }
  return { status: 404, body: defaultErrorBody(404) };
}

export function serveManagement(
  request: IncomingMessage,
  response: ServerResponse,
  authorized: boolean,
  options: ManagementOptions,
  log: ManagementRequestLog[],
): void {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const requestId = randomUUID();
  log.push({ method: request.method ?? '', path: url.pathname, query: url.search, authorization: request.headers.authorization, at: Date.now() });
  request.resume();
  const { status, body } = answer(request.method ?? '', url.pathname, authorized, options);
  const send = (): void => {
    if (response.destroyed) return;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'dg-request-id': requestId };
    if (status >= 400) headers['dg-error'] = (body as ErrorBody).err_msg;
    response.writeHead(status, headers);
    response.end(JSON.stringify(status >= 400 ? { ...body, request_id: requestId } : body));
  };
  if (options.delayMs) setTimeout(send, options.delayMs).unref();
  else send();
}
