import {
  parseApiKey,
  parseApiUrl,
  parseBoolean,
  parseEncoding,
  parseEndpointing,
  parseInteger,
  parseParam,
  parseOutputFile,
  parseFormat,
  parseNameMap,
  parseRecorder,
  parseTimestamps,
  parseSpeed,
  parseString,
  parseShard,
  parseDuration,
  parseCapture,
  parseDecimalRange,
  parseLanguageHint,
} from './parsers.js';
import { parseServe } from '../serve/address.js';
import { parsePrices } from '../usage/prices.js';

export type CommandName = 'file' | 'live' | 'doctor' | 'models' | 'usage';
export type OptionGroup = 'Connection' | 'Deepgram' | 'Audio' | 'Output';

/**
 * One declared option: it drives the commander flag, the environment variable, validation and
 * the README table. `key` is the flag's long name and (later) the config key.
 */
export interface OptionSpec<T> {
  key: string;
  /** commander flag syntax, e.g. `--model <name>`; booleans list both forms. */
  flags: readonly string[];
  /** Absent for a per-run option. */
  env?: string;
  help: string;
  group: OptionGroup;
  commands: readonly CommandName[];
  parse: (raw: string) => T;
  defaultValue?: T;
  /** Shown in help and README instead of the value. */
  defaultLabel?: string;
  secret?: boolean;
  /** Repeatable options parse each flag occurrence alone (a keyterm may contain a comma). */
  parseItem?: (raw: string) => unknown;
  /**
   * A flag of one run, never a setting: no config key, no environment variable. `--from` or
   * `--output-dir` stored once would turn every later `transcribe file` into a many-files run.
   */
  perRun?: true;
}

function option<T>(spec: OptionSpec<T> & { defaultValue: T }): OptionSpec<T> & { defaultValue: T };
function option<T>(spec: OptionSpec<T>): OptionSpec<T>;
function option<T>(spec: OptionSpec<T>): OptionSpec<T> {
  return spec;
}

/** Repeatable options: each occurrence is parsed alone; the environment gives a comma-separated list. */
function list<T>(spec: Omit<OptionSpec<T[]>, 'parse'> & { parseItem: (raw: string) => T }): OptionSpec<T[]> & { defaultValue: T[] } {
  const parse = (raw: string) =>
    raw
      .split(',')
      .filter((item) => item.trim())
      .map(spec.parseItem);
  return { ...spec, parse, defaultValue: [] };
}

const STREAMING: readonly CommandName[] = ['file', 'live'];
/** Everything that talks to Deepgram: the streaming commands and the account ones. */
const DEEPGRAM: readonly CommandName[] = [...STREAMING, 'doctor', 'models', 'usage'];

export const options = {
  apiKey: option({
    key: 'api-key',
    flags: ['--api-key <key>'],
    env: 'DEEPGRAM_API_KEY',
    group: 'Connection',
    commands: DEEPGRAM,
    help: 'Deepgram API key (prefer the environment variable: flags end up in shell history)',
    parse: parseApiKey,
    secret: true,
  }),
  apiUrl: option({
    key: 'api-url',
    flags: ['--api-url <url>'],
    env: 'DEEPGRAM_API_URL',
    group: 'Connection',
    commands: DEEPGRAM,
    help: 'Deepgram base URL; http:// or ws:// for a self-hosted server',
    parse: parseApiUrl,
    defaultValue: 'https://api.deepgram.com',
  }),
  allowInsecure: option({
    key: 'allow-insecure',
    flags: ['--allow-insecure', '--no-allow-insecure'],
    env: 'TRANSCRIBE_ALLOW_INSECURE',
    group: 'Connection',
    commands: DEEPGRAM,
    help: 'send the API key over plain http:// or ws:// to another machine (this machine needs no opt-in)',
    parse: parseBoolean,
    defaultValue: false,
  }),
  model: option({
    key: 'model',
    flags: ['--model <name>'],
    env: 'TRANSCRIBE_MODEL',
    group: 'Deepgram',
    commands: STREAMING,
    help: 'Deepgram model (nova-3, nova-3-medical, nova-2-meeting, ...)',
    parse: parseString,
    defaultValue: 'nova-3',
  }),
  language: option({
    key: 'language',
    flags: ['--language <code>'],
    env: 'TRANSCRIBE_LANGUAGE',
    group: 'Deepgram',
    commands: STREAMING,
    help: 'BCP-47 language (en, en-US, de, ...) or multi',
    parse: parseString,
    defaultValue: 'en',
  }),
  smartFormat: option({
    key: 'smart-format',
    flags: ['--smart-format', '--no-smart-format'],
    env: 'TRANSCRIBE_SMART_FORMAT',
    group: 'Deepgram',
    commands: STREAMING,
    help: 'punctuation, capitals, numerals and dates formatted',
    parse: parseBoolean,
    defaultValue: true,
  }),
  punctuate: option({
    key: 'punctuate',
    flags: ['--punctuate', '--no-punctuate'],
    env: 'TRANSCRIBE_PUNCTUATE',
    group: 'Deepgram',
    commands: STREAMING,
    help: 'punctuation and capitals only (with --no-smart-format)',
    parse: parseBoolean,
    defaultValue: false,
  }),
  diarize: option({
    key: 'diarize',
    flags: ['--diarize', '--no-diarize'],
    env: 'TRANSCRIBE_DIARIZE',
    group: 'Deepgram',
    commands: STREAMING,
    help: 'ask Deepgram to tell speakers apart',
    parse: parseBoolean,
    defaultValue: false,
  }),
  keyterm: list({
    key: 'keyterm',
    flags: ['--keyterm <term>'],
    env: 'TRANSCRIBE_KEYTERM',
    group: 'Deepgram',
    commands: STREAMING,
    help: 'boost a word or phrase (repeatable; nova-3, flux)',
    parseItem: parseString,
  }),
  endpointing: option({
    key: 'endpointing',
    flags: ['--endpointing <ms>'],
    env: 'TRANSCRIBE_ENDPOINTING',
    group: 'Deepgram',
    commands: STREAMING,
    help: 'silence in ms that ends an utterance, or false',
    parse: parseEndpointing,
    defaultValue: 300,
  }),
  utteranceEnd: option({
    key: 'utterance-end',
    flags: ['--utterance-end <ms>'],
    env: 'TRANSCRIBE_UTTERANCE_END',
    group: 'Deepgram',
    commands: STREAMING,
    help: 'gap in ms between words that ends an utterance in noise (1000-5000)',
    parse: parseInteger(1000, 5000),
    defaultValue: 1000,
  }),
  multichannel: option({
    key: 'multichannel',
    flags: ['--multichannel', '--no-multichannel'],
    env: 'TRANSCRIBE_MULTICHANNEL',
    group: 'Deepgram',
    commands: STREAMING,
    help: 'transcribe each channel separately, labelled [ch0], [ch1]...',
    parse: parseBoolean,
    defaultValue: false,
  }),
  param: list({
    key: 'param',
    flags: ['--param <key=value>'],
    env: 'TRANSCRIBE_PARAM',
    group: 'Deepgram',
    commands: STREAMING,
    help: 'any other Deepgram query parameter (repeatable)',
    parseItem: parseParam,
  }),
  eotThreshold: option({
    key: 'eot-threshold',
    flags: ['--eot-threshold <0.5-1.0>'],
    env: 'TRANSCRIBE_EOT_THRESHOLD',
    group: 'Deepgram',
    commands: STREAMING,
    help: "Flux: how sure the model must be that a turn ended (Deepgram's default 0.7; higher waits longer)",
    parse: parseDecimalRange(0.5, 1),
  }),
  eagerEotThreshold: option({
    key: 'eager-eot-threshold',
    flags: ['--eager-eot-threshold <0.3-0.9>'],
    env: 'TRANSCRIBE_EAGER_EOT_THRESHOLD',
    group: 'Deepgram',
    commands: STREAMING,
    help: 'Flux: show a tentative end of turn this early (at most --eot-threshold); off unless set',
    parse: parseDecimalRange(0.3, 0.9),
  }),
  eotTimeout: option({
    key: 'eot-timeout',
    flags: ['--eot-timeout <ms>'],
    env: 'TRANSCRIBE_EOT_TIMEOUT',
    group: 'Deepgram',
    commands: STREAMING,
    help: "Flux: end a turn after this much silence whatever the model thinks (500-60000; Deepgram's default 5000)",
    parse: parseInteger(500, 60_000),
  }),
  languageHint: list({
    key: 'language-hint',
    flags: ['--language-hint <code>'],
    env: 'TRANSCRIBE_LANGUAGE_HINT',
    group: 'Deepgram',
    commands: STREAMING,
    help: 'flux-general-multi: a language to expect (repeatable; en es fr de hi ru pt ja it nl)',
    parseItem: parseLanguageHint,
  }),
  manualTurns: option({
    key: 'manual-turns',
    flags: ['--manual-turns', '--no-manual-turns'],
    env: 'TRANSCRIBE_MANUAL_TURNS',
    group: 'Deepgram',
    commands: ['live'],
    help: 'Flux, on a terminal: a turn ends only when you press space (for dictation)',
    parse: parseBoolean,
    defaultValue: false,
  }),
  reconnectTimeout: option({
    key: 'reconnect-timeout',
    flags: ['--reconnect-timeout <seconds>'],
    env: 'TRANSCRIBE_RECONNECT_TIMEOUT',
    group: 'Connection',
    commands: STREAMING,
    help: 'keep reconnecting after a drop for this long; 0 never reconnects',
    parse: parseInteger(0, 86_400),
    defaultValue: 120,
  }),
  replayBuffer: option({
    key: 'replay-buffer',
    flags: ['--replay-buffer <seconds>'],
    env: 'TRANSCRIBE_REPLAY_BUFFER',
    group: 'Connection',
    commands: STREAMING,
    help: 'audio kept to send again after a drop (about 32 kB a second at 16 kHz mono)',
    parse: parseInteger(1, 3600),
    defaultValue: 60,
  }),
  encoding: option({
    key: 'encoding',
    flags: ['--encoding <encoding>'],
    env: 'TRANSCRIBE_ENCODING',
    group: 'Audio',
    commands: ['file'],
    help: 'raw input encoding (linear16); containers are detected',
    parse: parseEncoding,
  }),
  sampleRate: option({
    key: 'sample-rate',
    flags: ['--sample-rate <hz>'],
    env: 'TRANSCRIBE_SAMPLE_RATE',
    group: 'Audio',
    commands: STREAMING,
    help: 'sample rate of raw input (file), or to record at (live: 16000)',
    parse: parseInteger(1000, 384_000),
  }),
  channels: option({
    key: 'channels',
    flags: ['--channels <n>'],
    env: 'TRANSCRIBE_CHANNELS',
    group: 'Audio',
    commands: STREAMING,
    help: 'channel count of raw input, or to record',
    parse: parseInteger(1, 32),
    defaultLabel: '1',
  }),
  recorder: option({
    key: 'recorder',
    flags: ['--recorder <name>'],
    env: 'TRANSCRIBE_RECORDER',
    group: 'Audio',
    commands: ['live'],
    help: 'arecord, sox or rec (default: arecord on Linux when installed, else rec, else sox)',
    parse: parseRecorder,
  }),
  device: option({
    key: 'device',
    flags: ['--device <name>'],
    env: 'TRANSCRIBE_DEVICE',
    group: 'Audio',
    commands: ['live'],
    help: 'microphone to record from (see --list-devices); default: the system default',
    parse: parseString,
  }),
  capture: option({
    key: 'capture',
    flags: ['--capture <what>'],
    env: 'TRANSCRIBE_CAPTURE',
    group: 'Audio',
    commands: ['live'],
    help: 'mic, system (what the computer plays) or both (two channels: 0=You, 1=Others)',
    parse: parseCapture,
    defaultValue: 'mic' as const,
  }),
  systemDevice: option({
    key: 'system-device',
    flags: ['--system-device <name>'],
    env: 'TRANSCRIBE_SYSTEM_DEVICE',
    group: 'Audio',
    commands: ['live'],
    help: "system audio source for --capture system|both (see --list-devices); default: the output's monitor",
    parse: parseString,
  }),
  echoFilter: option({
    key: 'echo-filter',
    flags: ['--echo-filter', '--no-echo-filter'],
    env: 'TRANSCRIBE_ECHO_FILTER',
    group: 'Output',
    commands: ['live'],
    help: "with --capture both: print words the microphone picked up from the speakers once, as the system's",
    parse: parseBoolean,
    defaultValue: true,
  }),
  speed: option({
    key: 'speed',
    flags: ['--speed <x>'],
    env: 'TRANSCRIBE_SPEED',
    group: 'Audio',
    commands: ['file'],
    help: 'pace files at x times real time (a decimal, at least 0.1); max for self-hosted servers',
    parse: parseSpeed,
    defaultValue: 1,
  }),
  output: option({
    key: 'output',
    flags: ['--output <file>'],
    env: 'TRANSCRIBE_OUTPUT',
    group: 'Output',
    commands: STREAMING,
    help: 'write the transcript to this file instead of stdout (text and json append)',
    parse: parseOutputFile('without --output the transcript goes to stdout'),
  }),
  format: option({
    key: 'format',
    flags: ['--format <format>'],
    env: 'TRANSCRIBE_FORMAT',
    group: 'Output',
    commands: STREAMING,
    help: "text, json (NDJSON events), srt or vtt; default: from --output's extension, else text",
    parse: parseFormat,
  }),
  timestamps: option({
    key: 'timestamps',
    flags: ['--timestamps [mode]'],
    env: 'TRANSCRIBE_TIMESTAMPS',
    group: 'Output',
    commands: STREAMING,
    help: 'prefix each line with when it was said: offset (from the start) or wall (clock time)',
    parse: parseTimestamps,
    defaultValue: 'off',
  }),
  speakers: option({
    key: 'speakers',
    flags: ['--speakers <names>'],
    env: 'TRANSCRIBE_SPEAKERS',
    group: 'Output',
    commands: STREAMING,
    help: 'names for diarized speakers, e.g. "0=Ana,1=Bo" (implies --diarize)',
    parse: parseNameMap,
  }),
  channelNames: option({
    key: 'channel-names',
    flags: ['--channel-names <names>'],
    env: 'TRANSCRIBE_CHANNEL_NAMES',
    group: 'Output',
    commands: STREAMING,
    help: 'names for channels, e.g. "0=Agent,1=Caller" (implies --multichannel)',
    parse: parseNameMap,
  }),
  force: option({
    key: 'force',
    flags: ['--force', '--no-force'],
    env: 'TRANSCRIBE_FORCE',
    group: 'Output',
    commands: STREAMING,
    help: 'replace an existing .srt or .vtt --output file, or --save-audio file',
    parse: parseBoolean,
    defaultValue: false,
  }),
  outputDir: option({
    key: 'output-dir',
    flags: ['--output-dir <dir>'],
    perRun: true,
    group: 'Output',
    commands: ['file'],
    help: 'several files: one transcript per input here, <name>.<txt|ndjson|srt|vtt>, mirroring the input tree',
    parse: parseString,
  }),
  jobs: option({
    key: 'jobs',
    flags: ['--jobs <n>'],
    env: 'TRANSCRIBE_JOBS',
    group: 'Connection',
    commands: ['file'],
    help: 'several files: at most n requests in flight (fewer while Deepgram answers 429)',
    parse: parseInteger(1, 1000),
    defaultLabel: '4, or 8 with --batch',
  }),
  include: list({
    key: 'include',
    flags: ['--include <glob>'],
    perRun: true,
    group: 'Output',
    commands: ['file'],
    help: "several files: take only inputs matching this glob (repeatable; '*.mp3' matches names, 'a/**' paths)",
    parseItem: parseString,
  }),
  exclude: list({
    key: 'exclude',
    flags: ['--exclude <glob>'],
    perRun: true,
    group: 'Output',
    commands: ['file'],
    help: 'several files: skip inputs matching this glob (repeatable)',
    parseItem: parseString,
  }),
  from: option({
    key: 'from',
    flags: ['--from <list>'],
    perRun: true,
    group: 'Output',
    commands: ['file'],
    help: 'several files: read the paths to transcribe from this file, one per line (- for stdin)',
    parse: parseString,
  }),
  shard: option({
    key: 'shard',
    flags: ['--shard <k/n>'],
    perRun: true,
    group: 'Output',
    commands: ['file'],
    help: 'several files: do only slice k of n, split by path (one slice per machine)',
    parse: (raw: string) => (parseShard(raw), raw.trim()),
  }),
  saveAudio: option({
    key: 'save-audio',
    flags: ['--save-audio <file.wav>'],
    env: 'TRANSCRIBE_SAVE_AUDIO',
    group: 'Output',
    commands: STREAMING,
    help: 'also save exactly the audio sent to Deepgram as a WAV file',
    parse: parseOutputFile("a WAV file's header is rewritten as it grows"),
  }),
  serve: option({
    key: 'serve',
    flags: ['--serve [host:port]'],
    env: 'TRANSCRIBE_SERVE',
    group: 'Output',
    commands: STREAMING,
    help: 'live captions in a browser: a page, an overlay and Server-Sent Events (bare: 127.0.0.1:7123; another interface needs a token)',
    parse: parseServe,
    defaultValue: false,
    defaultLabel: 'off',
  }),
  serveKeep: option({
    key: 'serve-keep',
    flags: ['--serve-keep', '--no-serve-keep'],
    env: 'TRANSCRIBE_SERVE_KEEP',
    group: 'Output',
    commands: STREAMING,
    help: 'with --serve: keep serving after the session ends, until Ctrl+C (else 3 s more)',
    parse: parseBoolean,
    defaultValue: false,
  }),
  prices: option({
    key: 'prices',
    flags: ['--prices <list>'],
    env: 'TRANSCRIBE_PRICES',
    group: 'Deepgram',
    commands: ['usage'],
    help: 'your price per audio minute in USD, for the estimate, e.g. "nova-3=0.0077,nova-2=0.0058" (over the shipped table)',
    parse: parsePrices,
  }),
  stopAfter: option({
    key: 'stop-after',
    flags: ['--stop-after <duration>'],
    env: 'TRANSCRIBE_STOP_AFTER',
    group: 'Audio',
    commands: ['live'],
    help: 'end the session by itself after this long, as Ctrl+C does but exit 0 (90s, 15m, 1h; a number is seconds)',
    parse: parseDuration,
  }),
  stopOnSilence: option({
    key: 'stop-on-silence',
    flags: ['--stop-on-silence <seconds>'],
    env: 'TRANSCRIBE_STOP_ON_SILENCE',
    group: 'Audio',
    commands: ['live'],
    help: 'end the session by itself after this long below -50 dBFS (not counted while paused), exit 0',
    parse: parseDuration,
  }),
  history: option({
    key: 'history',
    flags: ['--history', '--no-history'],
    env: 'TRANSCRIBE_HISTORY',
    group: 'Output',
    commands: STREAMING,
    help: 'keep this session in the local archive (transcribe history; stored on this machine only)',
    parse: parseBoolean,
    defaultValue: true,
  }),
  historyDays: option({
    key: 'history-days',
    flags: ['--history-days <n>'],
    env: 'TRANSCRIBE_HISTORY_DAYS',
    group: 'Output',
    commands: STREAMING,
    help: 'delete archived sessions older than n days when a session starts',
    parse: parseInteger(1, 100_000),
    defaultLabel: 'keep all',
  }),
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
