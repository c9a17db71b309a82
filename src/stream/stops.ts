import type { Context } from '../context.js';
import { ExitCode, type ExitCodeValue } from '../errors.js';
import type { TranscriptOutput } from '../output/transcript-output.js';

/**
 * Stop handling of a stream: Ctrl+C, SIGTERM and SIGHUP, and a reader that went away (`| head`).
 * The first signal asks for a clean end (the connection gets `graceMs` more to finish); a second
 * one stops waiting for Deepgram. SIGHUP (the terminal is gone) ends like SIGTERM, exit 129.
 */
export class Stops {
  /** Settles at the first stop: a signal, or the reader gone. */
  readonly requested: Promise<'interrupt' | 'reader-gone'>;
  /** Settles at a second signal. */
  readonly forced: Promise<undefined>;
  interrupts = 0;
  /** The exit code of a stopped run. */
  code: ExitCodeValue = ExitCode.interrupted;
  private request!: (reason: 'interrupt' | 'reader-gone') => void;
  private force!: () => void;
  private interruptConnection: (() => void) | undefined;
  readonly unsubscribe: () => void;

  constructor(context: Context, output: TranscriptOutput) {
    this.requested = new Promise((resolve) => (this.request = resolve));
    this.forced = new Promise((resolve) => (this.force = () => resolve(undefined)));
    output.readerGone.then(
      () => this.request('reader-gone'),
      () => {}, // never rejects: a reader that goes away is the only news it carries
    );
    this.unsubscribe = context.onSignal((signal) => {
      this.interrupts += 1;
      if (this.interrupts === 1 && signal === 'SIGHUP') this.code = ExitCode.hangup;
      this.request('interrupt');
      this.interruptConnection?.(); // also when the source had already ended
      if (this.interrupts > 1) this.force();
    });
  }

  /** What a signal tells the connection, once there is one. */
  onInterrupt(interrupt: () => void): void {
    this.interruptConnection = interrupt;
  }
}
