// Everything one connection sends goes through here, in order: the response delay, the
// garbage fault, the stall fault and the sent log all live in one place.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import type { ConnectionRecord } from './connection-log.js';

/** Sent before every real message under the `garbage` fault: a non-JSON frame and an unknown type. */
const GARBAGE = ['not json {', '{"type":"Warning","x":1}'];

interface OutboxItem {
  /** performance.now() before which the item must not go out. */
  dueAt: number;
  run: () => void;
}

export interface OutboxOptions {
  responseDelayMs: number;
  garbage: boolean;
  /** The adversarial profile: a delay per Results, texts sent before each real message. */
  resultsDelayMs?: (fixedMs: number) => number;
  before?: () => string[];
}

export class Outbox {
  private readonly queue: OutboxItem[] = [];
  private pumping = false;
  /** Nothing goes out any more: the socket was dropped, closed, or stalled. */
  private silenced = false;
  stalled = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly record: ConnectionRecord,
    private readonly options: OutboxOptions,
  ) {}

  /** Queue a JSON message; Results wait responseDelayMs, and everything after them waits too. */
  send(message: object): void {
    const isResults = (message as { type?: unknown }).type === 'Results';
    const delayMs = isResults ? (this.options.resultsDelayMs?.(this.options.responseDelayMs) ?? this.options.responseDelayMs) : 0;
    this.enqueue(delayMs, () => {
      if (this.options.garbage) GARBAGE.forEach((text) => this.write(text));
      this.options.before?.().forEach((text) => this.write(text));
      this.write(JSON.stringify(message));
    });
  }

  /** Close once everything queued before has gone out. */
  close(code: number, reason: string): void {
    this.enqueue(0, () => {
      this.record.noteClosing('server', code, reason);
      this.silenced = true;
      this.ws.close(code, reason);
    });
  }

  /** A close frame with no status code (the client sees 1005), as Flux answers CloseStream. */
  closeWithoutStatus(): void {
    this.enqueue(0, () => {
      this.record.noteClosing('server', 1005, '');
      this.silenced = true;
      this.ws.close();
    });
  }

  /** Destroy the socket with no close frame once everything queued before has gone out (the client sees 1006). */
  terminate(): void {
    this.enqueue(0, () => {
      this.record.noteClosing('server', 1006, '');
      this.silenced = true;
      this.ws.terminate();
    });
  }

  /** Half-open: never send anything again, but keep the socket. */
  stall(): void {
    this.stalled = true;
    this.silence();
  }

  /** Drop whatever is queued and send nothing more. */
  silence(): void {
    this.silenced = true;
    this.queue.length = 0;
  }

  private enqueue(delayMs: number, run: () => void): void {
    if (this.silenced) return;
    this.queue.push({ dueAt: performance.now() + delayMs, run });
    // With no delay the message goes out synchronously, which keeps the order easy to follow.
    if (!this.pumping) void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    for (let item = this.queue.shift(); item; item = this.queue.shift()) {
      const wait = item.dueAt - performance.now();
      if (wait > 0) await sleep(wait);
      if (this.silenced) break;
      item.run();
    }
    this.pumping = false;
  }

  private write(text: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(text);
    this.record.sent.push({ at: this.record.elapsed(), message: parseOrRaw(text) });
  }
}

export function parseOrRaw(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
