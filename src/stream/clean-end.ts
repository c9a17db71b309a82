import type { Clock } from '../audio/pacer.js';
import type { LiveProtocol } from '../deepgram/protocol.js';
import type { LiveSession, SessionClose } from '../deepgram/session.js';

/** After the closing Metadata, the server's close frame is waited for this long, then the socket is ended by us. */
const CLOSE_AFTER_METADATA_MS = 1000;
/** Flux closes without a status code (1005) when it has finished; 1000 is as good. */
const CLEAN_CLOSES = new Set([1000, 1005]);

/**
 * How the current connection shows it finished after our CloseStream: v1 sends its Metadata (its
 * close, whatever the code, is then the end; a Metadata before CloseStream, a server's mistake, does
 * not count), Flux just closes without a status code.
 */
export class CleanEnd {
  private metadataSeen = false;
  private closedClean = false;

  constructor(
    private readonly protocol: LiveProtocol,
    private readonly clock: Clock,
  ) {}

  /** A new connection. */
  reset(): void {
    this.metadataSeen = false;
    this.closedClean = false;
  }

  /** The Metadata, heard while closing. Deepgram closes right after it; a server that holds the socket open is not waited on for 10 s. */
  metadata(session: LiveSession): void {
    this.metadataSeen = true;
    const cancel = this.clock.after(CLOSE_AFTER_METADATA_MS, () => session.abort());
    session.closed.then(cancel, cancel);
  }

  /** The close that answered our CloseStream. */
  closed(closed: SessionClose & { timedOut: boolean }): void {
    this.closedClean = !closed.timedOut && CLEAN_CLOSES.has(closed.code);
  }

  get finished(): boolean {
    return this.protocol.finishedBy === 'metadata' ? this.metadataSeen : this.closedClean;
  }
}
