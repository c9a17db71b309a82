import { describe, expect, it } from 'vitest';
import { fluxUsageError, setAsideStored, type RunShape } from '../../src/settings/flux-rules.js';
import { resolveSettings, type ConfigLayers } from '../../src/settings/resolve.js';

const live: RunShape = { command: 'live' };
const file: RunShape = { command: 'file' };
const EN = { model: 'flux-general-en' };
const MULTI = { model: 'flux-general-multi' };
const NOVA = 'add --model flux-general-en (or flux-general-multi), or drop';
const OTHER = 'drop it, or choose another model such as nova-3';

function error(flags: Record<string, unknown>, run: RunShape, env: Record<string, string> = {}, config?: ConfigLayers): string | undefined {
  const found = fluxUsageError(resolveSettings(flags, env, config, run.command), run);
  return found && `${found.message} — ${found.hint}`;
}

describe('Flux settings without a Flux model', () => {
  it.each<[Record<string, unknown>, Record<string, string>, string]>([
    [{ eotThreshold: '0.8' }, {}, `--eot-threshold needs a Flux model — ${NOVA} --eot-threshold`],
    [{ eagerEotThreshold: '0.5' }, {}, `--eager-eot-threshold needs a Flux model — ${NOVA} --eager-eot-threshold`],
    [{ eotTimeout: '3000' }, {}, `--eot-timeout needs a Flux model — ${NOVA} --eot-timeout`],
    [{ languageHint: ['de'] }, {}, `--language-hint needs a Flux model — ${NOVA} --language-hint`],
    [{ manualTurns: true }, {}, `--manual-turns needs a Flux model — ${NOVA} --manual-turns`],
    [{}, { TRANSCRIBE_EOT_TIMEOUT: '3000' }, `--eot-timeout (from TRANSCRIBE_EOT_TIMEOUT) needs a Flux model — ${NOVA} --eot-timeout`],
  ])('%j %j', (flags, env, message) => expect(error(flags, live, env)).toBe(message));

  it.each<[string, Record<string, unknown>, RunShape, Record<string, string>]>([
    ['nothing Flux', {}, live, {}],
    ['--no-manual-turns is no Flux setting', { manualTurns: false }, live, {}],
    ['manual-turns stored for live does not stop a file run', {}, file, { TRANSCRIBE_MANUAL_TURNS: 'true' }],
    ['v1 options are fine', { diarize: true, language: 'de', multichannel: true, channels: '2' }, file, {}],
    ['--batch is fine', {}, { command: 'file', batch: true }, {}],
  ])('%s: no error', (_name, flags, run, env) => expect(error(flags, run, env)).toBeUndefined());
});

describe('what a Flux model refuses', () => {
  it.each<[Record<string, unknown>, RunShape, string]>([
    [
      EN,
      { command: 'file', batch: true },
      "flux-general-en does not take --batch: Deepgram's pre-recorded API has no Flux — drop --batch (the file is streamed), or choose another model such as nova-3",
    ],
    [{ ...EN, diarize: true }, live, `flux-general-en does not take --diarize: Flux does not tell speakers apart — ${OTHER}`],
    [{ ...EN, speakers: '0=Ana' }, file, `flux-general-en does not take --speakers: Flux does not tell speakers apart — ${OTHER}`],
    [{ ...EN, multichannel: true }, live, `flux-general-en does not take --multichannel: Flux takes one channel — ${OTHER}`],
    [{ ...EN, channelNames: '0=A,1=B' }, file, `flux-general-en does not take --channel-names: Flux takes one channel — ${OTHER}`],
    [{ ...EN, channels: '2' }, file, `flux-general-en does not take --channels 2: Flux takes one channel — ${OTHER}`],
    [{ ...EN, capture: 'both' }, live, `flux-general-en does not take --capture both: Flux takes one channel (both records two) — ${OTHER}`],
    [
      { ...MULTI, language: 'de' },
      live,
      `flux-general-multi does not take --language: flux-general-en is English and flux-general-multi finds the language itself (--language-hint helps it) — ${OTHER}`,
    ],
    [{ ...EN, smartFormat: true }, live, `flux-general-en does not take --smart-format: Flux always punctuates and formats — ${OTHER}`],
    [{ ...EN, smartFormat: false }, live, `flux-general-en does not take --smart-format: Flux always punctuates and formats — ${OTHER}`],
    [{ ...EN, punctuate: true }, file, `flux-general-en does not take --punctuate: Flux always punctuates and formats — ${OTHER}`],
    [
      { ...EN, endpointing: '500' },
      live,
      `flux-general-en does not take --endpointing: Flux ends turns itself (tune it with --eot-threshold or --eot-timeout) — ${OTHER}`,
    ],
    [
      { ...EN, utteranceEnd: '2000' },
      live,
      `flux-general-en does not take --utterance-end: Flux ends turns itself (tune it with --eot-threshold or --eot-timeout) — ${OTHER}`,
    ],
    [
      { ...EN, param: ['tag=x', 'vad_events=true'] },
      live,
      'Flux models (/v2/listen) refuse --param vad_events — drop it, or choose a non-Flux --model such as nova-3',
    ],
    [{ ...EN, languageHint: ['de'] }, live, '--language-hint needs flux-general-multi — use --model flux-general-multi, or drop --language-hint'],
    [
      { ...EN, manualTurns: true, eotThreshold: '0.9' },
      live,
      '--manual-turns ends turns only by hand (eot_threshold 1.0), so --eot-threshold cannot apply — drop one of them',
    ],
    [
      { ...EN, manualTurns: true, eagerEotThreshold: '0.4' },
      live,
      '--manual-turns ends turns only by hand (eot_threshold 1.0), so --eager-eot-threshold cannot apply — drop one of them',
    ],
    [
      { ...EN, eotThreshold: '0.6', eagerEotThreshold: '0.65' },
      live,
      '--eager-eot-threshold 0.65 is above --eot-threshold 0.6: a tentative end of turn must not need more confidence than the end itself — lower --eager-eot-threshold or raise --eot-threshold',
    ],
    [
      { ...EN, eagerEotThreshold: '0.8' },
      file,
      "--eager-eot-threshold 0.8 is above Deepgram's default --eot-threshold 0.7: a tentative end of turn must not need more confidence than the end itself — lower --eager-eot-threshold or raise --eot-threshold",
    ],
  ])('%j %j', (flags, run, message) => expect(error(flags, run)).toBe(message));

  it.each<[string, Record<string, unknown>, RunShape]>([
    ['the defaults (language en, smart-format on, endpointing 300...) do not count', EN, live],
    ['every turn setting', { ...EN, eotThreshold: '0.8', eagerEotThreshold: '0.5', eotTimeout: '3000', keyterm: ['Acme'] }, live],
    ['eager equal to the end', { ...EN, eotThreshold: '0.6', eagerEotThreshold: '0.6' }, live],
    ['language hints on multi', { ...MULTI, languageHint: ['de', 'en'] }, file],
    ['manual turns with a timeout', { ...EN, manualTurns: true, eotTimeout: '10000' }, live],
    ['turned off on purpose', { ...EN, diarize: false, multichannel: false }, live],
    ['one channel', { ...EN, channels: '1', capture: 'mic' }, live],
    ['shared parameters through --param', { ...EN, param: ['tag=x', 'redact=numbers', 'mip_opt_out=true'] }, file],
  ])('%s: no error', (_name, flags, run) => expect(error(flags, run)).toBeUndefined());

  it('explicit means flag, environment or config: the source is named', () => {
    expect(error(EN, live, { TRANSCRIBE_LANGUAGE: 'en' })).toBe(
      `flux-general-en does not take --language (from TRANSCRIBE_LANGUAGE): flux-general-en is English and flux-general-multi finds the language itself (--language-hint helps it) — ${OTHER}`,
    );
    const config: ConfigLayers = { path: '/c.json', base: { endpointing: 500 } };
    expect(error(EN, live, {}, config)).toBe(
      `flux-general-en does not take --endpointing (from the config file (/c.json)): Flux ends turns itself (tune it with --eot-threshold or --eot-timeout) — ${OTHER}`,
    );
    expect(error({}, live, { TRANSCRIBE_MODEL: 'flux-general-en', TRANSCRIBE_DIARIZE: 'true' })).toBe(
      `flux-general-en does not take --diarize (from TRANSCRIBE_DIARIZE): Flux does not tell speakers apart — ${OTHER}`,
    );
  });
});

describe('stored settings the model does not take are set aside, with a warning', () => {
  const aside = (flags: Record<string, unknown>, run: RunShape, env: Record<string, string>, config?: ConfigLayers) => {
    const resolved = resolveSettings(flags, env, config, run.command);
    setAsideStored(resolved, run);
    return { warnings: resolved.warnings, error: fluxUsageError(resolved, run)?.message, settings: resolved.settings };
  };

  it('Flux defaults in the config do not stop a nova-3 run', () => {
    const config: ConfigLayers = { path: '/c.json', base: { eotThreshold: 0.8, languageHint: ['de'] } };
    const { warnings, error, settings } = aside({}, live, {}, config);
    expect(warnings).toEqual([
      'eot-threshold (from the config file (/c.json)) does not apply to nova-3; ignored',
      'language-hint (from the config file (/c.json)) does not apply to nova-3; ignored',
    ]);
    expect({ error, eot: settings.eotThreshold, hints: settings.languageHint }).toEqual({ error: undefined, eot: undefined, hints: [] });
  });

  it('stored speakers and language do not stop a Flux run, and the diarization the names implied goes with them', () => {
    const { warnings, error, settings } = aside(EN, live, { TRANSCRIBE_SPEAKERS: '0=Ana', TRANSCRIBE_LANGUAGE: 'de' });
    expect(warnings).toEqual([
      'speakers (from TRANSCRIBE_SPEAKERS) does not apply to flux-general-en; ignored',
      'language (from TRANSCRIBE_LANGUAGE) does not apply to flux-general-en; ignored',
    ]);
    expect({ error, diarize: settings.diarize, speakers: settings.speakers, language: settings.language }).toEqual({
      error: undefined,
      diarize: false,
      speakers: undefined,
      language: 'en',
    });
  });

  it('a flag stays an error; a stored value that asks for nothing (diarize false) is no news', () => {
    expect(aside({ ...EN, diarize: true }, live, {}).error).toBe('flux-general-en does not take --diarize: Flux does not tell speakers apart');
    expect(aside(EN, live, { TRANSCRIBE_DIARIZE: 'false' }).warnings).toEqual([]);
  });
});
