import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tempDir } from './temp.js';

export const BIN = fileURLToPath(new URL('../../bin/transcribe.js', import.meta.url));
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  stdin?: Buffer | string | NodeJS.ReadableStream;
  cwd?: string;
  timeoutMs?: number;
}

/**
 * A clean environment for the built CLI: no colour, no inherited Deepgram settings, and a config
 * directory that is not the user's.
 */
export function cliEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.startsWith('DEEPGRAM_') || key.startsWith('TRANSCRIBE_')) continue;
    env[key] = value;
  }
  // Never the user's own config or archive: empty directories (removed after the test) unless the test gives them.
  Object.assign(env, {
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    TRANSCRIBE_CONFIG_DIR: tempDir('transcribe-config-'),
    TRANSCRIBE_DATA_DIR: tempDir('transcribe-data-'),
  });
  // Nor the user's cache: the cached model list decides --model suggestions.
  env.XDG_CACHE_HOME = tempDir('transcribe-cache-');
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

export function startCli(args: string[], options: CliOptions = {}): ChildProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: cliEnv(options.env),
    cwd: options.cwd ?? ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const { stdin } = options;
  child.stdin.on('error', () => {}); // the CLI may exit before reading all of stdin
  if (stdin === undefined) child.stdin.end();
  else if (typeof stdin === 'string' || Buffer.isBuffer(stdin)) child.stdin.end(stdin);
  else stdin.pipe(child.stdin);
  return child;
}

export function collect(child: ChildProcess, timeoutMs = 60_000): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`CLI timed out after ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return collect(startCli(args, options), options.timeoutMs);
}
