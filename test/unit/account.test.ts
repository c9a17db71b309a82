import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { managementBaseUrl, managementTarget, mayReadUsage } from '../../src/account/management.js';
import { checkModelName } from '../../src/account/model-check.js';
import { cacheDir, isFresh, MODELS_MAX_AGE_MS, modelNames, readModelsCache, writeModelsCache } from '../../src/account/models-cache.js';
import { modelsTable } from '../../src/account/models-format.js';
import { parseBilledRequest, parseKeyDetails, parseModels, parseProjects } from '../../src/account/parse-answers.js';
import { doctorExitCode, fail, formatResult, ok, skip, warn } from '../../src/doctor/verdict.js';
import { MANAGEMENT_FIXTURES } from '../support/deepgram-server/index.js';
import { tempDir } from '../support/temp.js';

describe('management answers, checked field by field', () => {
  it('reads the fixtures', () => {
    expect(parseProjects(MANAGEMENT_FIXTURES.projects)).toEqual([{ id: '3f2504e0-4f89-11d3-9a0c-0305e82c3301', name: 'Transcribe test project' }]);
    expect(parseKeyDetails(MANAGEMENT_FIXTURES.authToken)).toEqual({ scopes: ['member'], projectId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301' });
    expect(parseBilledRequest(MANAGEMENT_FIXTURES.request)).toEqual({ usd: 0.0154, durationSec: 120 });
    expect(parseBilledRequest(MANAGEMENT_FIXTURES.request.request)).toEqual({ usd: 0.0154, durationSec: 120 });
    expect(modelNames(parseModels(MANAGEMENT_FIXTURES.models))).toContain('nova-3-medical');
  });
  it.each<[string, unknown]>([
    ['no details', { request: { response: {} } }],
    ['usd a string', { request: { response: { details: { usd: '1' } } } }],
    ['usd negative', { response: { details: { usd: -1 } } }],
    ['usd infinite', { response: { details: { usd: Infinity } } }],
    ['not an object', 'x'],
  ])('no billed amount: %s', (_, body) => expect(parseBilledRequest(body)).toBeUndefined());
  it('drops models whose names could not be typed or completed safely, and cleans server text', () => {
    const models = parseModels({
      stt: [
        { canonical_name: 'nova-3', architecture: 'nova-3', languages: ['en', 7, '\u001b[31mde'], streaming: true },
        { canonical_name: '$(touch x)', architecture: 'nova-3' },
        { canonical_name: 'a b' },
        { canonical_name: 'x'.repeat(200) },
        'junk',
        { architecture: 'nova-3' },
      ],
    });
    expect(models).toEqual([{ canonicalName: 'nova-3', architecture: 'nova-3', languages: ['en', '[31mde'], streaming: true, batch: false }]);
  });
  it.each([
    ['projects', () => parseProjects({ projects: 'x' }), "Deepgram's answer to the project list was not what its API documents"],
    ['models', () => parseModels([]), "Deepgram's answer to the model list was not what its API documents"],
    ['key', () => parseKeyDetails(null), "Deepgram's answer to the key check was not what its API documents"],
  ])('an answer of another shape (%s) is a clear error', (_, parse, message) => expect(parse).toThrow(message));
  it('projects without an id are left out', () => expect(parseProjects({ projects: [{ name: 'x' }, { project_id: 'p' }] })).toEqual([{ id: 'p', name: '' }]));
});

describe('where management calls go', () => {
  it.each([
    ['wss://api.deepgram.com', 'https://api.deepgram.com'],
    ['ws://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['https://dg.example/prefix', 'https://dg.example/prefix'],
  ])('%s -> %s', (url, base) => expect(managementBaseUrl(url)).toBe(base));
  it('checks the transport like the streaming code: no key over http to another machine without --allow-insecure', () => {
    const settings = { apiKey: 'k'.repeat(20), apiUrl: 'http://10.0.0.5:8080', allowInsecure: false };
    expect(() => managementTarget(settings, 'DEEPGRAM_API_KEY')).toThrow('refusing to send the API key unencrypted to 10.0.0.5:8080');
    expect(managementTarget({ ...settings, allowInsecure: true }, 'DEEPGRAM_API_KEY').warnings).toEqual([
      'the API key is sent unencrypted to 10.0.0.5:8080 (--allow-insecure): anyone on the network path can read it',
    ]);
    expect(managementTarget({ ...settings, apiUrl: 'http://localhost:8080' }, 'X').target).toEqual({
      baseUrl: 'http://localhost:8080',
      apiKey: 'k'.repeat(20),
      key: { source: 'X', masked: '****kkkk' },
      timeoutMs: 10_000,
    });
    expect(() => managementTarget({ apiKey: undefined, apiUrl: 'https://api.deepgram.com', allowInsecure: false }, 'X')).toThrow('no Deepgram API key');
  });
  it.each<[string[], boolean | undefined]>([
    [['member'], true],
    [['usage:read'], true],
    [['owner'], true],
    [['usage:write'], false],
    [['usage:write', 'keys:read'], false],
    [[], undefined],
  ])('mayReadUsage(%j) = %s', (scopes, may) => expect(mayReadUsage(scopes)).toBe(may));
});

describe('the model cache and "did you mean"', () => {
  const models = parseModels(MANAGEMENT_FIXTURES.models);
  it('lives in the platform cache directory', () => {
    expect(cacheDir({ XDG_CACHE_HOME: '/c', HOME: '/h' }, 'linux')).toBe('/c/transcribe');
    expect(cacheDir({ HOME: '/h' }, 'linux')).toBe('/h/.cache/transcribe');
    expect(cacheDir({ HOME: '/h' }, 'darwin')).toBe('/h/Library/Caches/transcribe');
  });
  it('is written 0600 in a 0700 directory, read back, fresh for a day and for its --api-url only', () => {
    const env = { XDG_CACHE_HOME: tempDir('transcribe-cache-unit-') };
    writeModelsCache(env, 'https://user:secret@api.deepgram.com', models, 1000);
    const file = join(env.XDG_CACHE_HOME, 'transcribe', 'models.json');
    expect((statSync(file).mode & 0o777).toString(8)).toBe('600');
    expect(readFileSync(file, 'utf8')).not.toContain('secret');
    const cache = readModelsCache(env)!;
    expect(cache.models).toEqual(models);
    expect(isFresh(cache, 'https://api.deepgram.com', 1000 + MODELS_MAX_AGE_MS - 1)).toBe(true);
    expect(isFresh(cache, 'https://api.deepgram.com', 1000 + MODELS_MAX_AGE_MS)).toBe(false);
    expect(isFresh(cache, 'http://localhost:8080', 2000)).toBe(false);
    writeFileSync(file, '{"apiUrl": 1');
    expect(readModelsCache(env)).toBeUndefined();
  });
  it.each<[string, string | undefined]>([
    ['nova-3', undefined],
    ['nova-3-medical', undefined],
    ['nova3', 'did you mean --model nova-3? (transcribe models lists them)'],
    ['nova-3-medicl', 'did you mean --model nova-3-medical? (transcribe models lists them)'],
    ['whisper-larg', 'did you mean --model whisper-large? (transcribe models lists them)'],
    ['acme-custom-model-7', undefined],
  ])('checkModelName(%s)', (model, hint) => {
    const env = { XDG_CACHE_HOME: tempDir('transcribe-cache-unit-') };
    writeModelsCache(env, 'https://api.deepgram.com', models, Date.now());
    const check = () => checkModelName(model, 'https://api.deepgram.com', env);
    if (hint === undefined) expect(check).not.toThrow();
    else expect(check).toThrow(expect.objectContaining({ hint, exitCode: 2 }) as Error);
    // No cache, or a stale one: never a suggestion.
    expect(() => checkModelName(model, 'https://api.deepgram.com', { XDG_CACHE_HOME: tempDir('transcribe-cache-unit-') })).not.toThrow();
    expect(() => checkModelName(model, 'https://api.deepgram.com', env, Date.now() + MODELS_MAX_AGE_MS + 1)).not.toThrow();
  });
  it('formats a table with aligned columns', () => {
    expect(modelsTable(models.slice(0, 2))).toBe(
      'MODEL           FAMILY  LIVE  LANGUAGES\nnova-3-general  nova-3  yes   en en-US en-GB de es fr multi\nnova-3-medical  nova-3  yes   en en-US\n',
    );
  });
});

describe('doctor lines', () => {
  it.each<[ReturnType<typeof ok>, boolean, string]>([
    [ok('key', 'valid'), false, 'ok    key         valid\n'],
    [warn('api', 'slow', 'check'), false, 'warn  api         slow — check\n'],
    [fail('recorder', 'none', 'install', 4), false, 'FAIL  recorder    none — install\n'],
    [skip('microphone', 'skipped'), false, 'skip  microphone  skipped\n'],
    [ok('key', 'valid'), true, '\x1b[32mok  \x1b[0m  key         valid\n'],
    [fail('url', 'bad\u001b]0;x\u0007', 'fix', 2), false, 'FAIL  url         bad\\x1b]0;x\\x07 — fix\n'],
  ])('%j (colour %s)', (result, color, line) => expect(formatResult(result, color)).toBe(line));
  it('exits with the first failure, 0 without', () => {
    expect(doctorExitCode([ok('a', ''), warn('b', ''), skip('c', '')])).toBe(0);
    expect(doctorExitCode([ok('a', ''), fail('b', '', '', 5), fail('c', '', '', 3)])).toBe(5);
  });
});
