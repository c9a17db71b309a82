import { systemClock } from './audio/pacer.js';
import { main } from './cli.js';
import type { Context, StopSignal } from './context.js';
import { ExitCode } from './errors.js';

// dist/ is a bundle: with --verbose, frames in the lazily loaded command code point into src/*.ts
// through the shipped source maps (modules evaluated before this line, the entry's, stay unmapped).
if (process.argv.includes('--verbose')) process.setSourceMapsEnabled(true);

const STOP_SIGNALS: StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Wires the real world into the CLI and turns its result into the process exit code. */
const context: Context = {
  // Getters: creating process.stdin/stdout/stderr loads Node's stream and socket code, which
  // --version, --help and config get do not need (file - and the key prompt need stdin).
  get stdin() {
    return process.stdin;
  },
  get stdout() {
    return process.stdout;
  },
  get stderr() {
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

const code = await main(process.argv, context);
// Let stdout drain (a pipe is asynchronous), then exit even if stdin is still open.
process.stdout.write('', () => process.exit(code));
