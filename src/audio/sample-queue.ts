/** Samples waiting on one channel of the aligner, and the clock-offset estimate's sliding maximum. */

/** Samples waiting on one channel: a list of pieces, the first partly taken. */
export class SampleQueue {
  private pieces: Int16Array[] = [];
  private head = 0;
  length = 0;
  push(samples: Int16Array): void {
    if (samples.length === 0) return;
    this.pieces.push(samples);
    this.length += samples.length;
  }
  /** Puts samples in front of those queued. */
  unshift(samples: Int16Array): void {
    if (this.head > 0) this.pieces[0] = this.pieces[0]!.subarray(this.head);
    this.head = 0;
    this.pieces.unshift(samples);
    this.length += samples.length;
  }
  /** Writes the next `n` samples to `out` at every second index from `at`, and removes them. */
  take(n: number, out: Int16Array | undefined, at: number): void {
    this.length -= n;
    while (n > 0) {
      const piece = this.pieces[0]!;
      const count = Math.min(n, piece.length - this.head);
      if (out) for (let i = 0; i < count; i++) out[at + 2 * i] = piece[this.head + i]!;
      at += 2 * count;
      n -= count;
      this.head += count;
      if (this.head === piece.length) {
        this.pieces.shift();
        this.head = 0;
      }
    }
  }
  /** Sum of squares of the next `n` samples (n <= length). */
  energy(n: number): number {
    let sum = 0;
    let index = 0;
    let offset = this.head;
    while (n > 0) {
      const piece = this.pieces[index++]!;
      const end = Math.min(piece.length, offset + n);
      for (let i = offset; i < end; i++) sum += piece[i]! * piece[i]!;
      n -= end - offset;
      offset = 0;
    }
    return sum;
  }
}

/** Sliding maximum of (time, value) pairs over the last `windowMs`. */
export class WindowMax {
  private entries: { t: number; v: number }[] = [];
  push(t: number, v: number, windowMs: number): void {
    while (this.entries.length && this.entries[this.entries.length - 1]!.v <= v) this.entries.pop();
    this.entries.push({ t, v });
    while (this.entries[0]!.t < t - windowMs) this.entries.shift();
  }
  get value(): number | undefined {
    return this.entries[0]?.v;
  }
  reset(): void {
    this.entries = [];
  }
}
