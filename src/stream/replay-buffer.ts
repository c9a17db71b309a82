/**
 * The audio of this session that no final has covered yet, on the session timeline (bytes from
 * the start of the audio). Frames stay here after they are sent, until Deepgram finalizes them,
 * so that a new connection can be sent them again after a drop. Bounded: past its capacity the
 * oldest audio is dropped and counted, never held without limit.
 */
export class ReplayBuffer {
  private frames: { at: number; data: Buffer }[] = [];
  private bytes = 0;
  /** Session position just after the last byte appended. */
  private end = 0;
  private dropped = 0;

  constructor(
    private readonly capacityBytes: number,
    private readonly blockAlign: number,
  ) {}

  /** Session position of the oldest audio held (where a replay starts). */
  get start(): number {
    return this.frames[0]?.at ?? this.end;
  }

  get produced(): number {
    return this.end;
  }

  get full(): boolean {
    return this.bytes >= this.capacityBytes;
  }

  append(frame: Buffer): void {
    this.frames.push({ at: this.end, data: frame });
    this.bytes += frame.length;
    this.end += frame.length;
    while (this.bytes > this.capacityBytes && this.frames.length > 1) {
      const oldest = this.frames.shift()!;
      this.bytes -= oldest.data.length;
      this.dropped += oldest.data.length;
    }
  }

  /** Forgets the audio before `position` (a final covered it); a frame it cuts is kept from there on. */
  release(position: number): void {
    const cut = position - (position % this.blockAlign);
    while (this.frames.length) {
      const first = this.frames[0]!;
      if (first.at + first.data.length <= cut) {
        this.frames.shift();
        this.bytes -= first.data.length;
      } else {
        if (first.at < cut) {
          this.bytes -= cut - first.at;
          this.frames[0] = { at: cut, data: first.data.subarray(cut - first.at) };
        }
        return;
      }
    }
  }

  /** The audio from `position` to the end, as held (frames, the first perhaps cut). */
  *from(position: number): Generator<Buffer> {
    // Binary search: on the per-frame path only the newest frame is usually unsent, and the buffer
    // may hold a minute of unconfirmed frames.
    let low = 0;
    let high = this.frames.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const frame = this.frames[middle]!;
      if (frame.at + frame.data.length <= position) low = middle + 1;
      else high = middle;
    }
    for (let i = low; i < this.frames.length; i++) {
      const frame = this.frames[i]!;
      yield frame.at >= position ? frame.data : frame.data.subarray(position - frame.at);
    }
  }

  /** Bytes dropped for lack of room since the last call. */
  takeDropped(): number {
    const dropped = this.dropped;
    this.dropped = 0;
    return dropped;
  }
}
