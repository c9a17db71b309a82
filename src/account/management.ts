// Deepgram's management API, as `doctor`, `models` and `usage` need it: the key check, the key's
// projects, one request's billed amount, the models. The transport (the SDK, or fetch where the
// SDK has no method) is in sdk-management.ts and loaded only when a command needs it.
import { checkTransport, credentials } from '../deepgram/credentials.js';
import { AuthError } from '../errors.js';
import type { KeyDescription } from '../deepgram/handshake-errors.js';
import type { Settings } from '../settings/options.js';

export interface KeyDetails {
  /** What the key may do (`member`, `usage:read`...), as Deepgram reports them; empty when it does not say. */
  scopes: string[];
  /** The project the key belongs to, when Deepgram says. */
  projectId?: string;
}

export interface Project {
  id: string;
  name: string;
}

export interface BilledRequest {
  usd: number;
  /** Audio seconds Deepgram counted, when it says. */
  durationSec?: number;
}

export interface SttModel {
  /** What `--model` takes: `nova-3-general`. */
  canonicalName: string;
  /** The family (`nova-3`), also a valid `--model`. */
  architecture: string;
  languages: string[];
  streaming: boolean;
  batch: boolean;
}

export interface ManagementApi {
  /** GET /v1/auth/token: a 401 here is an invalid key. */
  keyDetails(): Promise<KeyDetails>;
  projects(): Promise<Project[]>;
  /** A finished request's billed amount; undefined when Deepgram does not have it (yet): 404. */
  billedRequest(projectId: string, requestId: string): Promise<BilledRequest | undefined>;
  models(): Promise<SttModel[]>;
}

/** Deepgram answered 403: the key is valid but its role may not do `what`. */
export class ForbiddenError extends AuthError {
  constructor(
    readonly what: string,
    serverMessage?: string,
  ) {
    super(
      `Deepgram refused ${what} to this API key (HTTP 403${serverMessage ? `: ${serverMessage.replace(/\.$/, '')}` : ''})`,
      what === 'usage'
        ? 'use a key whose role may read usage (usage:read; member and above have it), from the Deepgram console'
        : 'use a key whose role allows it (member and above), from the Deepgram console',
    );
  }
}

/** Roles that include reading usage (Deepgram: member and above), or the scope itself. */
const READS_USAGE = ['usage:read', 'member', 'admin', 'owner'];

/** Whether scopes as Deepgram reports them allow reading usage; undefined when none were reported. */
export function mayReadUsage(scopes: readonly string[]): boolean | undefined {
  return scopes.length === 0 ? undefined : scopes.some((scope) => READS_USAGE.includes(scope));
}

/** How a management call is made: where, with which key, how long to wait for an answer. */
export interface ManagementTarget {
  /** http(s) base URL (a ws(s) --api-url is turned into its http(s) twin). */
  baseUrl: string;
  apiKey?: string;
  key?: KeyDescription;
  timeoutMs: number;
}

/** The management API lives on the same host as the streaming API: ws:// becomes http://, wss:// https://. */
export function managementBaseUrl(apiUrl: string): string {
  return apiUrl.replace(/^ws(s?):/i, 'http$1:');
}

export const MANAGEMENT_TIMEOUT_MS = 10_000;

/**
 * Where management calls go, checked like the streaming code does before anything is sent: a key
 * is needed for Deepgram's hosts, and goes over plain http only to this machine or with
 * --allow-insecure. Returns the target and the warnings to show.
 */
export function managementTarget(
  settings: Pick<Settings, 'apiKey' | 'apiUrl' | 'allowInsecure'>,
  keySource: string,
  timeoutMs = MANAGEMENT_TIMEOUT_MS,
): { target: ManagementTarget; warnings: string[] } {
  const auth = credentials(settings.apiKey, keySource, settings.apiUrl);
  const warnings = checkTransport(settings.apiUrl, Boolean(auth.apiKey), settings.allowInsecure);
  return { target: { baseUrl: managementBaseUrl(settings.apiUrl), ...auth, timeoutMs }, warnings };
}

/** The SDK-backed client, loaded on first use (start-up never pays for the SDK). */
export async function openManagementApi(target: ManagementTarget): Promise<ManagementApi> {
  const { SdkManagementApi } = await import('./sdk-management.js');
  return new SdkManagementApi(target);
}
