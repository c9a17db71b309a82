/**
 * Re-cuts PCM chunks of any size into frames of exactly `frameBytes` (Deepgram wants 20-100 ms
 * per message). The last frame may be shorter, but always holds whole sample frames and is never empty.
 */
export class Framer {
  private parts: Buffer[] = [];
  private length = 0;

  constructor(
    private readonly frameBytes: number,
    private readonly blockAlign: number,
  ) {}

  push(chunk: Buffer): Buffer[] {
    // The usual case live: a chunk that is exactly one frame passes as it is, not as a new view.
    if (this.length === 0 && chunk.length === this.frameBytes) return [chunk];
    const frames: Buffer[] = [];
    let data = chunk;
    if (this.length > 0) {
      const need = this.frameBytes - this.length;
      if (data.length < need) {
        this.parts.push(Buffer.from(data)); // a copy: the caller may reuse its buffer for the next chunk
        this.length += data.length;
        return frames;
      }
      this.parts.push(data.subarray(0, need));
      frames.push(Buffer.concat(this.parts, this.frameBytes));
      this.parts = [];
      this.length = 0;
      data = data.subarray(need);
    }
    let at = 0;
    for (; at + this.frameBytes <= data.length; at += this.frameBytes) frames.push(data.subarray(at, at + this.frameBytes));
    if (at < data.length) {
      // Copy: the caller may reuse its buffer, and a small view would pin a large one.
      this.parts.push(Buffer.from(data.subarray(at)));
      this.length = data.length - at;
    }
    return frames;
  }

  /** What is left at the end of the stream, trimmed to whole sample frames. */
  flush(): Buffer | undefined {
    const whole = this.length - (this.length % this.blockAlign);
    const rest = Buffer.concat(this.parts, this.length).subarray(0, whole);
    this.parts = [];
    this.length = 0;
    return rest.length > 0 ? rest : undefined;
  }
}
