import { managementTarget, openManagementApi, type SttModel } from '../account/management.js';
import { isFresh, modelNames, readModelsCache, writeModelsCache } from '../account/models-cache.js';
import { modelsNdjson, modelsTable } from '../account/models-format.js';
import type { Context } from '../context.js';
import { ExitCode, UsageError, type ExitCodeValue } from '../errors.js';
import { escapeControls } from '../escape-controls.js';
import { loadConfig } from '../settings/load-config.js';
import { resolveSettings, type Flags } from '../settings/resolve.js';

export interface ModelsFlags extends Flags {
  format?: string;
  refresh?: boolean;
  offline?: boolean;
  names?: boolean;
}

export type ListFormat = 'text' | 'json';

export function parseListFormat(raw: string | undefined): ListFormat {
  if (raw === undefined || raw === 'text' || raw === 'json') return raw ?? 'text';
  throw new UsageError(`invalid value "${raw}" for --format`, 'use text or json');
}

/**
 * `transcribe models`: Deepgram's speech-to-text models and their languages, from GET /v1/models,
 * kept a day in the cache directory (`--refresh` asks again; `--offline` reads only the cache,
 * which is what completion does).
 */
export async function runModels(context: Context, flags: ModelsFlags, profile?: string): Promise<ExitCodeValue> {
  const format = parseListFormat(flags.format);
  if (flags.refresh && flags.offline) throw new UsageError('--refresh and --offline contradict each other', 'drop one of them');
  const models = flags.offline ? cachedOnly(context) : await current(context, flags, profile);
  if (flags.names)
    context.stdout.write(
      modelNames(models)
        .map((name) => `${name}\n`)
        .join(''),
    );
  else context.stdout.write(format === 'json' ? modelsNdjson(models) : modelsTable(models));
  return ExitCode.ok;
}

function cachedOnly(context: Context): SttModel[] {
  const cache = readModelsCache(context.env);
  if (!cache) throw new UsageError('no cached model list', 'run transcribe models once (it keeps the list for a day)');
  return cache.models;
}

async function current(context: Context, flags: ModelsFlags, profile?: string): Promise<SttModel[]> {
  const config = loadConfig(context.env, profile);
  const resolved = resolveSettings(flags, context.env, config.layers, 'models');
  const { settings } = resolved;
  const now = Date.now();
  const cache = readModelsCache(context.env);
  if (cache && !flags.refresh && isFresh(cache, settings.apiUrl, now)) return cache.models;
  const { target, warnings } = managementTarget(settings, resolved.describe('apiKey'));
  for (const warning of [...config.warnings, ...resolved.warnings, ...warnings]) context.stderr.write(`transcribe: warning: ${escapeControls(warning)}\n`);
  const api = await openManagementApi(target);
  const models = await api.models();
  try {
    writeModelsCache(context.env, settings.apiUrl, models, now);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    context.stderr.write(`transcribe: warning: the model list could not be cached (${escapeControls(reason)}); completion and suggestions go without it\n`);
  }
  return models;
}
