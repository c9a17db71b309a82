// Management answers checked field by field: a server may send anything, and what is shown comes
// from here only (server text sanitized and cut).
import { NetworkError } from '../errors.js';
import { serverSnippet } from '../deepgram/sanitize.js';
import type { BilledRequest, KeyDetails, Project, SttModel } from './management.js';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown, max = 100): string | undefined => (typeof value === 'string' && value.trim() ? serverSnippet(value.trim(), max) : undefined);
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.map((item) => text(item)).filter((item): item is string => item !== undefined) : [];

const MODEL_WORD = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,79}$/;
const modelWord = (value: unknown): string | undefined => (typeof value === 'string' && MODEL_WORD.test(value) ? value : undefined);

function unexpected(what: string): NetworkError {
  return new NetworkError(
    `Deepgram's answer to ${what} was not what its API documents`,
    'check --api-url: is it a Deepgram server? run with --verbose for details',
  );
}

/** GET /v1/auth/token: read leniently (Deepgram documents only "details about your key"). */
export function parseKeyDetails(body: unknown): KeyDetails {
  if (!isObject(body)) throw unexpected('the key check');
  const projectId = text(body.project_uuid) ?? text(body.project_id);
  return { scopes: strings(body.scopes), ...(projectId ? { projectId } : {}) };
}

/** GET /v1/projects: `{ projects: [{ project_id, name }] }`. */
export function parseProjects(body: unknown): Project[] {
  if (!isObject(body) || !Array.isArray(body.projects)) throw unexpected('the project list');
  return body.projects.flatMap((item): Project[] => {
    const id = isObject(item) ? text(item.project_id) : undefined;
    return id && isObject(item) ? [{ id, name: text(item.name) ?? '' }] : [];
  });
}

/** A request's details: `{ request: {...} }` as documented now, or the bare object of older answers. */
export function parseBilledRequest(body: unknown): BilledRequest | undefined {
  const request = isObject(body) && isObject(body.request) ? body.request : body;
  const details = isObject(request) && isObject(request.response) ? request.response.details : undefined;
  if (!isObject(details)) return undefined;
  const { usd, duration } = details;
  if (typeof usd !== 'number' || !Number.isFinite(usd) || usd < 0) return undefined;
  return { usd, ...(typeof duration === 'number' && Number.isFinite(duration) && duration >= 0 ? { durationSec: duration } : {}) };
}

/** GET /v1/models: its speech-to-text models (`stt`); entries without a name are left out. */
export function parseModels(body: unknown): SttModel[] {
  if (!isObject(body) || !Array.isArray(body.stt)) throw unexpected('the model list');
  return body.stt.flatMap((item): SttModel[] => {
    if (!isObject(item)) return [];
    // Names reach shell completion: letters, digits and . _ : - only (never a $ or a quote).
    const canonicalName = modelWord(item.canonical_name);
    if (!canonicalName) return [];
    return [
      {
        canonicalName,
        architecture: modelWord(item.architecture) ?? '',
        languages: strings(item.languages),
        streaming: item.streaming === true,
        batch: item.batch === true,
      },
    ];
  });
}
