import { isatty } from 'node:tty';
import { systemClock } from './audio/pacer.js';
import { main } from './cli.js';
import type { Context, StopSignal } from './context.js';
import { ExitCode } from './errors.js';

// dist/ is a bundle: with --verbose, frames in the lazily loaded command code point into src/*.ts
// through the shipped source maps (modules evaluated before this line, the entry's, stay unmapped).
if (process.argv.includes('--verbose')) process.setSourceMapsEnabled(true);

const STOP_SIGNALS: StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The first error writing stdout (a full disk, EIO): output a command thought it printed was lost. */
let stdoutError: NodeJS.ErrnoException | undefined;
let stdoutWatched = false;
function watchedStdout(): NodeJS.WriteStream {
  if (!stdoutWatched) process.stdout.on('error', (error: NodeJS.ErrnoException) => (stdoutError ??= error));
  stdoutWatched = true;
  return process.stdout;
}

/** Wires the real world into the CLI and turns its result into the process exit code. */
const context: Context = {
  // Getters: creating process.stdin/stdout/stderr loads Node's stream and socket code, which
  // --version, --help and config get do not need (file - and the key prompt need stdin).
  get stdin() {
    return process.stdin;
  },
  get stdout() {
    return watchedStdout();
  },
  get stderr() {
    // stderr carries only diagnostics: a reader that went away (EPIPE) must not end the run and
    // cost the transcript (an unhandled 'error' event exited 1 before a word was written).
    if (process.stderr.listenerCount('error') === 0) process.stderr.on('error', () => {});
    return process.stderr;
  },
  env: process.env,
  clock: systemClock,
  // Loaded on first use: --help, --version and config never pay for the network code.
  connect: async (url, headers) => (await import('./deepgram/session.js')).defaultWebSocketFactory(url, headers),
  onSignal(listener) {
    let count = 0;
    const handler = (signal: NodeJS.Signals) => {
      count += 1;
      // The terminal is gone: writing to it fails (EIO, an unhandled 'error' event) and would show nothing anyway.
      if (signal === 'SIGHUP') for (const stream of [process.stdout, process.stderr]) if (stream.isTTY) stream.on('error', () => {});
      listener(signal as StopSignal);
      // A third signal means the user is done waiting for anything.
      if (count >= 3) process.exit(ExitCode.interrupted);
    };
    for (const signal of STOP_SIGNALS) process.on(signal, handler);
    return () => {
      for (const signal of STOP_SIGNALS) process.off(signal, handler);
    };
  },
  verbose: false,
  color: false,
};

// Node 20 aborts (SIGSEGV) when it resets a terminal that has gone away at exit (nodejs/node#51519,
// fixed in Node 24): after SIGHUP on a terminal, end by SIGHUP itself, which a shell reports as 129 too.
const onTerminal = [0, 1, 2].some((fd) => isatty(fd));

let code = await main(process.argv, context);
// Let stdout drain (a pipe is asynchronous), then exit even if stdin is still open.
watchedStdout().write('', (error?: NodeJS.ErrnoException | null) => {
  const lost = stdoutError ?? error ?? undefined;
  // A closed pipe (| head) is the reader's choice; anything else lost output that the command reported as printed.
  // A failed run has already said what went wrong (the transcript's own stdout error among it).
  if (lost && lost.code !== 'EPIPE' && code === ExitCode.ok) {
    process.stderr.write(`transcribe: cannot write to stdout (${lost.code ?? lost.message}) — check where stdout goes: free disk space, the device\n`);
    code = ExitCode.internal;
  }
  if (code !== ExitCode.hangup || !onTerminal) process.exit(code);
  process.removeAllListeners('SIGHUP'); // back to the default action: the process ends
  process.kill(process.pid, 'SIGHUP');
  setTimeout(() => process.exit(code), 1000);
});
