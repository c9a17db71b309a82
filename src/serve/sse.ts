/** Server-Sent Events framing and the bounded history clients resume from. Pure. */

/** One SSE message: `id` then the NDJSON line as `data` (JSON never holds a raw newline). */
export function sseFrame(id: number, line: string): string {
  // A line break inside data would end the field early; JSON.stringify never writes one, but be sure.
  return `id: ${id}\ndata: ${line.replace(/\r\n|\r|\n/g, ' ')}\n\n`;
}

/** The first bytes of every stream: how soon a browser reconnects after a drop. */
export function sseHello(retryMs: number): string {
  return `retry: ${retryMs}\n\n`;
}

/** `Last-Event-ID` (header, or `?lastEventId=` for clients that cannot set headers): a non-negative integer, else none. */
export function parseLastEventId(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || !/^\d{1,15}$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

interface Entry {
  id: number;
  line: string;
}

/**
 * The last events, bounded by bytes: ids count from 1 and never repeat. The first event (`open`,
 * which names the speakers and channels) is kept apart, so a late client always gets it.
 */
export class EventHistory {
  private readonly entries: Entry[] = [];
  private head = 0;
  private bytes = 0;
  private nextId = 1;
  private first: Entry | undefined;

  constructor(private readonly maxBytes: number) {}

  /** Adds an event; returns its id. */
  push(line: string): number {
    const entry = { id: this.nextId++, line };
    if (!this.first) this.first = entry;
    this.entries.push(entry);
    this.bytes += line.length;
    while (this.bytes > this.maxBytes && this.entries.length - this.head > 1) {
      this.bytes -= this.entries[this.head]!.line.length;
      this.head += 1;
    }
    // Compact now and then rather than shifting on every push.
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
    return entry.id;
  }

  get lastId(): number {
    return this.nextId - 1;
  }

  /**
   * What a client that has seen up to `lastId` (none: a new client) gets: every later event still
   * held, the first event before them if the client never had it, and `lost` when events it never
   * saw have already been dropped from the history.
   */
  since(lastId: number | undefined): { entries: Entry[]; lost: boolean } {
    const seen = lastId ?? 0;
    const held = this.entries.slice(this.head).filter((entry) => entry.id > seen);
    const oldest = held[0]?.id ?? this.nextId;
    const first = this.first !== undefined && this.first.id > seen && this.first.id < oldest ? this.first : undefined;
    // Ids the client never saw that are neither held nor the first event: gone for good.
    const missing = oldest - 1 - seen - (first ? 1 : 0);
    return { entries: first ? [first, ...held] : held, lost: missing > 0 };
  }
}
