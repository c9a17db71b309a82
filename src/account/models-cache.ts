// Deepgram's model list, kept a day in the user's cache directory, so that `--model` completion and
// "did you mean" read a file and never the network. Written 0600 in a 0700 directory, atomically.
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { displayUrl } from '../display-url.js';
import type { SttModel } from './management.js';
import { parseModels } from './parse-answers.js';

export const MODELS_MAX_AGE_MS = 24 * 3600 * 1000;
const MAX_CACHE_BYTES = 1 << 20;

/** `$XDG_CACHE_HOME/transcribe` (~/.cache/transcribe); ~/Library/Caches/transcribe on macOS; %LOCALAPPDATA%\transcribe\Cache on Windows. */
export function cacheDir(env: Record<string, string | undefined>, platform: NodeJS.Platform = process.platform): string {
  const home = env.HOME || homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'transcribe');
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'transcribe', 'Cache');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'transcribe');
}

export const modelsCachePath = (env: Record<string, string | undefined>): string => join(cacheDir(env), 'models.json');

export interface CachedModels {
  /** Where the list came from (no user:password): a self-hosted server has other models. */
  apiUrl: string;
  fetchedAt: number;
  models: SttModel[];
}

/** The cached list, or undefined when there is none or it is unreadable (never an error: it is only a cache). */
export function readModelsCache(env: Record<string, string | undefined>): CachedModels | undefined {
  try {
    if (statSync(modelsCachePath(env)).size > MAX_CACHE_BYTES) return undefined;
    const raw = readFileSync(modelsCachePath(env));
    const data = JSON.parse(raw.toString('utf8')) as { apiUrl?: unknown; fetchedAt?: unknown; stt?: unknown };
    if (typeof data.apiUrl !== 'string' || typeof data.fetchedAt !== 'number') return undefined;
    // Stored in the API's own shape, so one parser checks both.
    return { apiUrl: data.apiUrl, fetchedAt: data.fetchedAt, models: parseModels({ stt: data.stt }) };
  } catch {
    return undefined;
  }
}

/** The --api-url as stored: no user:password, no trailing slash. */
const sourceOf = (apiUrl: string): string => displayUrl(apiUrl).replace(/\/$/, '');

export function isFresh(cache: CachedModels, apiUrl: string, now: number): boolean {
  return cache.apiUrl === sourceOf(apiUrl) && now - cache.fetchedAt >= 0 && now - cache.fetchedAt < MODELS_MAX_AGE_MS;
}

/** Replaces the cache atomically (a temp file with a random name, exclusive, then rename). Throws on failure: the caller warns. */
export function writeModelsCache(env: Record<string, string | undefined>, apiUrl: string, models: SttModel[], now: number): void {
  const dir = cacheDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stt = models.map((model) => ({
    canonical_name: model.canonicalName,
    architecture: model.architecture,
    languages: model.languages,
    streaming: model.streaming,
    batch: model.batch,
  }));
  const body = JSON.stringify({ apiUrl: sourceOf(apiUrl), fetchedAt: now, stt }) + '\n';
  const temporary = join(dir, `.models.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, body);
  } finally {
    closeSync(fd);
  }
  try {
    chmodSync(temporary, 0o600); // whatever the umask
    renameSync(temporary, modelsCachePath(env));
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Every word `--model` may take from this list: full names and families (`nova-3-general`, `nova-3`). */
export function modelNames(models: readonly SttModel[]): string[] {
  const names = new Set<string>();
  for (const model of models) {
    names.add(model.canonicalName);
    if (model.architecture) names.add(model.architecture);
  }
  return [...names].sort();
}
