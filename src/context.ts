import { escapeControls } from './escape-controls.js';
import type { Clock } from './audio/pacer.js';
import type { WebSocketFactory } from './deepgram/session.js';

/** The signals that stop a run: Ctrl+C, `kill`, and the terminal closing. */
export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

export type Stream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/**
 * The world a command runs in. Commands never reach for process.* themselves, so tests can swap any of it.
 * Its streams may be lazy getters (on the object or its prototype): extend it with Object.create, never a spread.
 */
export interface Context {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: Stream;
  stderr: Stream;
  env: Record<string, string | undefined>;
  clock: Clock;
  connect: WebSocketFactory;
  /** Subscribes to SIGINT/SIGTERM/SIGHUP; returns the unsubscribe function. */
  onSignal(listener: (signal: StopSignal) => void): () => void;
  verbose: boolean;
  /** Colour allowed on stderr (a TTY, no NO_COLOR, no --no-color). */
  color: boolean;
}

export function log(context: Pick<Context, 'verbose' | 'stderr'>, message: string): void {
  if (context.verbose) context.stderr.write(`transcribe: ${escapeControls(message)}\n`);
}
