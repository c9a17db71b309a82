import { audioOptions } from './options-audio.js';
import { connectionOptions } from './options-connection.js';
import { deepgramOptions } from './options-deepgram.js';
import { outputOptions } from './options-output.js';
import type { CommandName, OptionSpec } from './option-spec.js';

export type { CommandName, OptionGroup, OptionSpec } from './option-spec.js';

/**
 * The one options table: it drives the commander flags, environment variables, config keys,
 * validation, completion and the README table. Declared by group in options-*.ts; listed here in
 * the order help, `config list` and the README show them.
 */
export const options = {
  apiKey: connectionOptions.apiKey,
  apiUrl: connectionOptions.apiUrl,
  allowInsecure: connectionOptions.allowInsecure,
  model: deepgramOptions.model,
  language: deepgramOptions.language,
  smartFormat: deepgramOptions.smartFormat,
  punctuate: deepgramOptions.punctuate,
  diarize: deepgramOptions.diarize,
  keyterm: deepgramOptions.keyterm,
  endpointing: deepgramOptions.endpointing,
  utteranceEnd: deepgramOptions.utteranceEnd,
  multichannel: deepgramOptions.multichannel,
  param: deepgramOptions.param,
  eotThreshold: deepgramOptions.eotThreshold,
  eagerEotThreshold: deepgramOptions.eagerEotThreshold,
  eotTimeout: deepgramOptions.eotTimeout,
  languageHint: deepgramOptions.languageHint,
  manualTurns: deepgramOptions.manualTurns,
  reconnectTimeout: connectionOptions.reconnectTimeout,
  replayBuffer: connectionOptions.replayBuffer,
  encoding: audioOptions.encoding,
  sampleRate: audioOptions.sampleRate,
  channels: audioOptions.channels,
  recorder: audioOptions.recorder,
  device: audioOptions.device,
  capture: audioOptions.capture,
  systemDevice: audioOptions.systemDevice,
  echoFilter: outputOptions.echoFilter,
  speed: audioOptions.speed,
  output: outputOptions.output,
  format: outputOptions.format,
  timestamps: outputOptions.timestamps,
  speakers: outputOptions.speakers,
  channelNames: outputOptions.channelNames,
  force: outputOptions.force,
  outputDir: outputOptions.outputDir,
  jobs: connectionOptions.jobs,
  include: outputOptions.include,
  exclude: outputOptions.exclude,
  from: outputOptions.from,
  shard: outputOptions.shard,
  saveAudio: outputOptions.saveAudio,
  serve: outputOptions.serve,
  serveKeep: outputOptions.serveKeep,
  prices: deepgramOptions.prices,
  stopAfter: audioOptions.stopAfter,
  stopOnSilence: audioOptions.stopOnSilence,
  history: outputOptions.history,
  historyDays: outputOptions.historyDays,
};

export type Options = typeof options;
export type OptionName = keyof Options;
type ValueOf<S> = S extends { defaultValue: infer T } ? T : S extends OptionSpec<infer T> ? T | undefined : never;
/** Resolved settings: options with a default are always set. */
export type Settings = { [K in OptionName]: ValueOf<Options[K]> };

export function optionsFor(command: CommandName): [OptionName, OptionSpec<unknown>][] {
  return (Object.entries(options) as [OptionName, OptionSpec<unknown>][]).filter(([, spec]) => spec.commands.includes(command));
}

export function isRepeatable(spec: OptionSpec<unknown>): boolean {
  return spec.parseItem !== undefined;
}
