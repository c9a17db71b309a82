import { escapeControls, escapeControlsPerLine } from './escape-controls.js';

/** Exit codes, documented in README and `transcribe --help`. */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  auth: 3,
  audio: 4,
  network: 5,
  /** SIGHUP: the terminal went away; everything already heard was written. */
  hangup: 129,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the user can act on: one line of message, one line of what to do next. */
export class TranscribeError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class UsageError extends TranscribeError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.usage, hint);
  }
}

export class AuthError extends TranscribeError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.auth, hint);
  }
}

export class AudioSourceError extends TranscribeError {
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, ExitCode.audio, hint, options);
  }
}

export class NetworkError extends TranscribeError {
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, ExitCode.network, hint, options);
  }
}

/** Deepgram is busy or failing (429, 5xx): worth trying again after a pause (`retryAfterMs`: the one it asked for). */
export class ServiceBusyError extends NetworkError {
  /** The HTTP status (429: too many requests; 5xx: failing), when known: the many-files queue tells them apart. */
  status?: number;
  constructor(
    message: string,
    hint?: string,
    public retryAfterMs?: number,
  ) {
    super(message, hint);
  }
}

/** Deepgram rejected the request itself (400): a usage problem on our side of the wire. */
export class RequestRejectedError extends TranscribeError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.usage, hint);
  }
}

export function exitCodeOf(error: unknown): ExitCodeValue {
  return error instanceof TranscribeError ? error.exitCode : ExitCode.internal;
}

/**
 * The one place errors become text: one line, `transcribe: <message> — <hint>`; stacks only when verbose.
 * A path or a flag value with control characters in it is shown escaped, never sent to the terminal raw
 * (a newline in a file name stays inside the one line).
 */
export function formatError(error: unknown, verbose: boolean): string {
  const lines: string[] = [];
  if (error instanceof TranscribeError) {
    const message = escapeControls(error.message);
    lines.push(error.hint ? `transcribe: ${message} — ${escapeControls(error.hint)}` : `transcribe: ${message}`);
    if (verbose && error.cause instanceof Error && error.cause.stack) lines.push(escapeControlsPerLine(error.cause.stack));
    if (verbose && error.stack) lines.push(escapeControlsPerLine(error.stack));
  } else {
    const message = escapeControls(error instanceof Error ? error.message : String(error));
    lines.push(`transcribe: internal error: ${message} — run again with --verbose for details, and report it if it persists`);
    if (verbose && error instanceof Error && error.stack) lines.push(escapeControlsPerLine(error.stack));
  }
  return lines.join('\n') + '\n';
}
