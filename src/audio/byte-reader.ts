/**
 * Lets a source look at its first bytes (to sniff a header) and then hand on the whole stream,
 * those bytes included, without reading it all into memory.
 */
export class ByteReader {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private done = false;
  private readonly iterator: AsyncIterator<Buffer>;

  constructor(source: AsyncIterable<Buffer | string>) {
    this.iterator = toBuffers(source)[Symbol.asyncIterator]();
  }

  /** Reads until at least `n` bytes are buffered or the stream ends; returns what is buffered. */
  async peek(n: number): Promise<Buffer> {
    while (this.bufferedBytes < n && !this.done) {
      const next = await this.iterator.next();
      if (next.done) this.done = true;
      else {
        this.buffered.push(Buffer.from(next.value)); // a copy: the source may reuse its buffer for the next read
        this.bufferedBytes += next.value.length;
      }
    }
    this.buffered = [Buffer.concat(this.buffered)];
    return this.buffered[0]!;
  }

  get ended(): boolean {
    return this.done;
  }

  /** Drops `n` already-peeked bytes. */
  skip(n: number): void {
    const head = Buffer.concat(this.buffered);
    this.buffered = [head.subarray(Math.min(n, head.length))];
    this.bufferedBytes = this.buffered[0]!.length;
  }

  /** The rest of the stream, starting with the buffered bytes. */
  async *rest(): AsyncGenerator<Buffer> {
    const buffered = this.buffered.filter((chunk) => chunk.length > 0);
    this.buffered = [];
    this.bufferedBytes = 0;
    yield* buffered;
    if (this.done) return;
    for (;;) {
      const next = await this.iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }

  /** Lets the underlying stream clean up when we stop early. */
  async close(): Promise<void> {
    await this.iterator.return?.();
  }
}

async function* toBuffers(source: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  for await (const chunk of source) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}

/** Yields at most `limit` bytes of `source` (the WAV data chunk; trailing chunks are metadata). */
export async function* takeBytes(source: AsyncIterable<Buffer>, limit: number | undefined): AsyncGenerator<Buffer> {
  if (limit === undefined) {
    yield* source;
    return;
  }
  let left = limit;
  for await (const chunk of source) {
    if (left <= 0) return;
    const part = chunk.length <= left ? chunk : chunk.subarray(0, left);
    left -= part.length;
    yield part;
  }
}
