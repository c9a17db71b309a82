/** The ring starts this small and doubles as needed: a live session rarely holds more than a few seconds. */
const MIN_RING_BYTES = 64 * 1024;

/**
 * The audio of this session that no final has covered yet, on the session timeline (bytes from
 * the start of the audio). Frames stay here after they are sent, until Deepgram finalizes them,
 * so that a new connection can be sent them again after a drop. Bounded: past its capacity the
 * oldest audio is dropped and counted, never held without limit.
 *
 * The bytes are copied into one ring, indexed by session position modulo its size, and only the
 * frame boundaries are kept (as numbers): no object per frame outlives its send, and the caller's
 * chunks (64 kB file reads, recorder reads) are not pinned until a final covers them. Both kept
 * the garbage collector's old generation, and so the memory of an hour-long stream, growing.
 */
export class ReplayBuffer {
  private ring = Buffer.alloc(0);
  /** Session positions where the held frames start, oldest first; the first may be cut by release(). */
  private starts: number[] = [];
  /** Session position just after the last byte appended. */
  private end = 0;
  private dropped = 0;

  constructor(
    private readonly capacityBytes: number,
    private readonly blockAlign: number,
  ) {}

  /** Session position of the oldest audio held (where a replay starts). */
  get start(): number {
    return this.starts[0] ?? this.end;
  }

  get produced(): number {
    return this.end;
  }

  get full(): boolean {
    return this.end - this.start >= this.capacityBytes;
  }

  append(frame: Buffer): void {
    const at = this.end;
    this.starts.push(at);
    this.end += frame.length;
    while (this.end - this.starts[0]! > this.capacityBytes && this.starts.length > 1) {
      this.dropped += this.starts[1]! - this.starts[0]!;
      this.starts.shift();
    }
    if (this.end - this.starts[0]! > this.ring.length) this.grow(at, this.end - this.starts[0]!);
    this.write(frame, at);
  }

  /** Forgets the audio before `position` (a final covered it); a frame it cuts is kept from there on. */
  release(position: number): void {
    const cut = position - (position % this.blockAlign);
    while (this.starts.length) {
      if ((this.starts[1] ?? this.end) <= cut) this.starts.shift();
      else {
        if (this.starts[0]! < cut) this.starts[0] = cut;
        return;
      }
    }
  }

  /**
   * The held audio from `position` to the end of the frame that holds it (the frame, or its
   * tail); undefined past the end. Before the oldest audio held: the oldest frame. Sending is
   * `pieceAt(sent)` over and over. The piece is a view of the ring: use it before appending more
   * (ws copies each frame as it masks it, so a sent piece is not kept).
   */
  pieceAt(position: number): Buffer | undefined {
    const starts = this.starts;
    let low = starts.length - 1;
    // On the per-frame path only the newest frame is unsent; else a binary search, as the buffer
    // may hold a minute of unconfirmed frames.
    if (low < 0 || starts[low]! > position) {
      low = 0;
      let high = starts.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if ((starts[middle + 1] ?? this.end) <= position) low = middle + 1;
        else high = middle;
      }
    }
    const frameEnd = starts[low + 1] ?? this.end;
    if (low >= starts.length || frameEnd <= position) return undefined;
    return this.read(Math.max(position, starts[low]!), frameEnd);
  }

  /** Bytes dropped for lack of room since the last call. */
  takeDropped(): number {
    const dropped = this.dropped;
    this.dropped = 0;
    return dropped;
  }

  /** The bytes from session position `from` to `to`: a view, or a copy the one time in a lap they wrap. */
  private read(from: number, to: number): Buffer {
    const size = this.ring.length;
    const offset = from % size;
    if (offset + (to - from) <= size) return this.ring.subarray(offset, offset + (to - from));
    return Buffer.concat([this.ring.subarray(offset), this.ring.subarray(0, offset + (to - from) - size)]);
  }

  private write(data: Buffer, at: number): void {
    const size = this.ring.length;
    const offset = at % size;
    const head = Math.min(data.length, size - offset);
    data.copy(this.ring, offset, 0, head);
    if (head < data.length) data.copy(this.ring, 0, head);
  }

  /** A larger ring (doubling, up to the capacity unless one frame needs more), the held bytes moved over. */
  private grow(heldEnd: number, needed: number): void {
    const size = Math.max(needed, Math.min(Math.max(MIN_RING_BYTES, this.ring.length * 2), this.capacityBytes));
    const held = this.starts[0]! < heldEnd ? this.read(this.starts[0]!, heldEnd) : undefined;
    // Uninitialised: pages are touched (and count as memory) only as audio is written.
    this.ring = Buffer.allocUnsafeSlow(size);
    if (held) this.write(held, this.starts[0]!);
  }
}
