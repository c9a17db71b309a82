import type { HeardTurn } from '../transcript/heard.js';

/**
 * Flux's CloseStream drops the turn under way, so the clean end asks for the turn's end first
 * (ForceEndTurn) and waits for it, bounded. This keeps what that needs: whether a turn is under
 * way, whether its end was asked for already (Ctrl+C, a key), and who waits for it.
 */
export class TurnEnding {
  private open = false;
  private asked = false;
  private ended: (() => void) | undefined;

  /** A new connection: no turn under way on it yet. */
  reset(): void {
    this.open = false;
    this.asked = false;
  }

  heard(turn: HeardTurn): void {
    if (turn.phase === 'end') {
      this.asked = false;
      this.ended?.();
    }
    // Between turns Flux may still send (empty) Updates: only a start or words open a turn.
    this.open = turn.phase !== 'end' && (this.open || turn.phase === 'start' || turn.text !== '');
  }

  /** The end of the turn was asked for (a finalize): closing need not ask again. */
  askedFor(): void {
    if (this.open) this.asked = true;
  }

  /**
   * Ends the turn under way: `ask` sends the request (unless it went already), `waitFor`
   * bounds the wait for a turn heard open. A server that does not answer (self-hosted Flux has no ForceEndTurn) costs
   * only the wait: the transcript model keeps the turn's last text.
   */
  async end(ask: () => void, waitFor: (ended: Promise<void>) => Promise<unknown>): Promise<void> {
    // Asked even when no turn was heard: the server may have one it has not reported yet (its
    // first message still on the way), and Flux ignores ForceEndTurn when no turn is active.
    // Only a turn heard open is waited for; one not heard yet ends before the close that follows.
    const ended = this.open ? new Promise<void>((resolve) => (this.ended = resolve)) : undefined;
    if (!this.asked) ask();
    if (!ended) return;
    await waitFor(ended);
    this.ended = undefined;
  }
}
