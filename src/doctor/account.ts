// The Deepgram side of `doctor`: the --api-url, the API's round trip, the key (project, scopes).
import { ForbiddenError, managementTarget, mayReadUsage, openManagementApi, type KeyDetails, type ManagementApi } from '../account/management.js';
import { isDeepgramHosted } from '../deepgram/credentials.js';
import { displayUrl } from '../display-url.js';
import { NetworkError, TranscribeError, UsageError } from '../errors.js';
import type { Settings } from '../settings/options.js';
import { fail, ok, skip, warn, type CheckResult } from './verdict.js';

/** Doctor waits this long for an answer; a round trip over SLOW_MS is a warning. */
export const DOCTOR_TIMEOUT_MS = 5000;
export const SLOW_MS = 1000;

type AccountSettings = Pick<Settings, 'apiKey' | 'apiUrl' | 'allowInsecure'>;

const asFailure = (check: string, error: TranscribeError): CheckResult => fail(check, error.message, error.hint ?? '', error.exitCode);

/** key, api and url lines, in that order. */
export async function accountChecks(settings: AccountSettings, keySource: string, now: () => number = () => performance.now()): Promise<CheckResult[]> {
  let prepared;
  try {
    prepared = managementTarget(settings, keySource, DOCTOR_TIMEOUT_MS);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    // No key for Deepgram's hosts, or a key that would go unencrypted to another machine.
    const noKey = settings.apiKey === undefined;
    return [
      noKey ? asFailure('key', error) : skip('key', 'not checked: the API URL is refused'),
      skip('api', 'not checked'),
      noKey ? urlResult(settings, []) : asFailure('url', error),
    ];
  }
  const url = urlResult(settings, prepared.warnings);
  const api = await openManagementApi(prepared.target);
  const started = now();
  let details: KeyDetails;
  try {
    details = await api.keyDetails();
  } catch (error) {
    if (!(error instanceof TranscribeError)) throw error;
    const rtt = Math.round(now() - started);
    if (error instanceof NetworkError) return [skip('key', 'not checked: the API did not answer'), asFailure('api', error), url];
    const reached = apiResult(rtt);
    if (error instanceof ForbiddenError) return [warn('key', 'Deepgram refused the key check itself (HTTP 403): it may still transcribe'), reached, url];
    if (error instanceof UsageError && !isDeepgramHosted(settings.apiUrl))
      return [skip('key', 'no management API at this URL (self-hosted?): the key is checked when a session starts'), reached, url];
    return [asFailure('key', error), reached, url];
  }
  const reached = apiResult(Math.round(now() - started));
  return [await keyResult(api, details), reached, url];
}

function apiResult(rttMs: number): CheckResult {
  const text = `reachable, round trip ${rttMs} ms`;
  return rttMs > SLOW_MS ? warn('api', `${text}: slow`, 'live captions lag by at least the round trip; check your network') : ok('api', text);
}

async function keyResult(api: ManagementApi, details: KeyDetails): Promise<CheckResult> {
  const usage = mayReadUsage(details.scopes) === false ? ' (no usage:read: transcribe usage shows estimates only)' : '';
  const scopes = details.scopes.length ? `scopes ${details.scopes.join(', ')}${usage}` : 'scopes not reported';
  let project = details.projectId ? `project ${details.projectId}` : 'project unknown';
  try {
    const projects = await api.projects();
    const own = projects.find((one) => one.id === details.projectId) ?? (details.projectId ? undefined : projects[0]);
    if (own) project = `project "${own.name}" (${own.id})`;
  } catch (error) {
    if (!(error instanceof TranscribeError)) throw error;
    // The key is valid (the check answered); the name is a nicety.
  }
  return ok('key', `valid: ${project}, ${scopes}`);
}

function urlResult(settings: AccountSettings, warnings: string[]): CheckResult {
  const shown = displayUrl(settings.apiUrl);
  if (warnings.length > 0) return warn('url', warnings.join('; '), 'use https:// or wss://, and no user:password in the URL');
  if (isDeepgramHosted(settings.apiUrl)) return ok('url', `${shown} (Deepgram's hosted API)`);
  const self = `${shown} (self-hosted or a proxy; --batch and the management API use its http(s) twin)`;
  return new URL(settings.apiUrl).pathname.length > 1
    ? warn('url', `${self}, with a path`, 'a Deepgram server answers at its root: drop the path')
    : ok('url', self);
}
