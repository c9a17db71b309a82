// Shared helpers for `npm run bench`: paths, child processes, medians, WAV generation and the
// result table. Nothing here measures anything by itself.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/** The package root, found from here whether this runs from bench/ or dist-bench/bench/. */
export const ROOT = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
})();
export const CLI = join(ROOT, 'bin/transcribe.js');
export const HELLO_WAV = join(ROOT, 'samples/hello.wav');
/** 16 kHz mono 16-bit PCM: bytes per second of audio. */
export const BYTES_PER_SEC = 32_000;
export const API_KEY = 'bench-key';

export interface Row {
  measure: string;
  baseline: string;
  ours: string;
  /** ours / baseline, or '-' when there is no baseline. */
  ratio: string;
  goal: string;
  met: boolean;
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

export const fixed = (value: number, digits = 1): string => value.toFixed(digits);

export interface ChildResult {
  code: number | null;
  /** From just before spawn() to the 'exit' event, in the bench process. */
  wallMs: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end with piped stdout/stderr; `onSpawn` gets performance.now() taken just before spawn(). */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, onSpawn?: (at: number) => void): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    onSpawn?.(started);
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, wallMs: performance.now() - started, stdout, stderr }));
  });
}

/** Throws with the child's stderr unless it exited 0. */
export function mustSucceed(what: string, result: ChildResult): ChildResult {
  if (result.code !== 0) throw new Error(`${what} exited ${result.code}:\n${result.stderr.slice(-2000)}`);
  return result;
}

/** The environment the CLI gets: the local server, its key, no colours, no stray settings. */
export function cliEnv(serverUrl: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DEEPGRAM_API_KEY: API_KEY, DEEPGRAM_API_URL: serverUrl, NO_COLOR: '1' };
  for (const name of Object.keys(env)) if (name.startsWith('TRANSCRIBE_')) delete env[name];
  env.TRANSCRIBE_DATA_DIR = benchDataDir();
  return env;
}

let dataDir: string | undefined;
/** The runs are archived as a user's would be, but into a directory of this bench run, never the user's archive. */
export function benchDataDir(): string {
  if (!dataDir) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-data-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    dataDir = dir;
  }
  return dataDir;
}

/** The PCM samples of a canonical WAV file (the data chunk). */
function wavPcm(path: string): Buffer {
  const file = readFileSync(path);
  for (let at = 12; at + 8 <= file.length;) {
    const size = file.readUInt32LE(at + 4);
    if (file.toString('latin1', at, at + 4) === 'data') return file.subarray(at + 8, at + 8 + size);
    at += 8 + size + (size % 2);
  }
  throw new Error(`${path}: no data chunk`);
}

/** Writes a 16 kHz mono 16-bit WAV of exactly `seconds`, looping the speech in samples/hello.wav. */
export function writeLoopedWav(path: string, seconds: number): void {
  const pcm = wavPcm(HELLO_WAV);
  const dataBytes = seconds * BYTES_PER_SEC;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(16_000, 24);
  header.writeUInt32LE(BYTES_PER_SEC, 28);
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(dataBytes, 40);
  const block = Buffer.concat(Array.from({ length: 16 }, () => pcm)); // ~4 MB per write
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, header);
    for (let left = dataBytes; left > 0; left -= block.length) writeSync(fd, block, 0, Math.min(left, block.length));
  } finally {
    closeSync(fd);
  }
}

/** The result table, one row per measure, columns padded to fit. */
export function formatTable(rows: readonly Row[]): string {
  const head = ['measure', 'baseline (same run)', 'ours', 'ratio', 'goal', 'met'];
  const cells = rows.map((row) => [row.measure, row.baseline, row.ours, row.ratio, row.goal, row.met ? 'yes' : 'NO']);
  const widths = head.map((title, i) => Math.max(title.length, ...cells.map((line) => (line[i] as string).length)));
  const line = (values: string[]): string => `| ${values.map((value, i) => value.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(head), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

/** Progress goes to stderr so that stdout is the table alone. */
export const progress = (text: string): void => void process.stderr.write(`bench: ${text}\n`);

interface HyperfineJson {
  results: { times: number[] }[];
}

/**
 * hyperfine -N over `rounds` rounds, alternating which command goes first (one long block per
 * command drifts with the machine); every run's wall time in ms, per command.
 */
export async function interleavedHyperfine(
  label: string,
  commands: { baseline: string; ours: string },
  options: { rounds: number; runsPerRound: number; dir: string; env?: NodeJS.ProcessEnv },
): Promise<{ baseline: number[]; ours: number[] }> {
  const times = { baseline: [] as number[], ours: [] as number[] };
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? (['baseline', 'ours'] as const) : (['ours', 'baseline'] as const);
    const json = `${options.dir}/round-${round}.json`;
    const args = ['-N', '--warmup', '3', '--runs', String(options.runsPerRound), '--style', 'none', '--export-json', json];
    for (const which of order) args.push('-n', which, commands[which]);
    progress(`${label}: hyperfine round ${round + 1}/${options.rounds}`);
    mustSucceed('hyperfine', await run('hyperfine', args, options.env));
    const { results } = JSON.parse(readFileSync(json, 'utf8')) as HyperfineJson;
    results.forEach((result, i) => times[order[i]!].push(...result.times.map((s) => s * 1000)));
  }
  return times;
}
