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
  constructor(
    message: string,
    hint?: string,
    readonly retryAfterMs?: number,
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

/** The one place errors become text: one line, `transcribe: <message> — <hint>`; stacks only when verbose. */
export function formatError(error: unknown, verbose: boolean): string {
  const lines: string[] = [];
  if (error instanceof TranscribeError) {
    lines.push(error.hint ? `transcribe: ${error.message} — ${error.hint}` : `transcribe: ${error.message}`);
    if (verbose && error.cause instanceof Error && error.cause.stack) lines.push(error.cause.stack);
    if (verbose && error.stack) lines.push(error.stack);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    lines.push(`transcribe: internal error: ${message} — run again with --verbose for details, and report it if it persists`);
    if (verbose && error instanceof Error && error.stack) lines.push(error.stack);
  }
  return lines.join('\n') + '\n';
}
