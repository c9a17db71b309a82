/** What a ChunkQueue asks of its producer. */
export interface ChunkQueueHooks {
  /** After chunks queued while the reader was busy are taken (to resume a paused producer). */
  taken(queuedBytes: number): void;
  /** Once, after the last chunk: resolves, or rejects with why the chunks ended. */
  finish(): Promise<void>;
  /** The reader broke off early (return(), or a failing sink): stop the producer. */
  abandon(): Promise<void>;
}

/** Takes one chunk; returns a promise only when it must be waited for before the next. */
export type ChunkSink = (chunk: Buffer) => Promise<void> | undefined;

/**
 * Chunks pushed by a producer (a child's 'data' events), read either with `for await` or, cheaper,
 * with pipeTo(): then each chunk goes to the sink inside the producer's own event, with no
 * promise or microtask per chunk, as a bare `stream.on('data', send)` would; live audio does this
 * 20 times a second for hours. Chunks queue only while the reader is busy or waiting.
 */
export class ChunkQueue implements AsyncIterableIterator<Buffer> {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private ended = false;
  private done = false;
  private reader: { resolve: (result: IteratorResult<Buffer>) => void; reject: (error: unknown) => void } | undefined;
  private sink: ChunkSink | undefined;
  private blocked = false;
  private piped: { resolve: () => void; reject: (error: unknown) => void } | undefined;

  constructor(private readonly hooks: ChunkQueueHooks) {}

  /** Bytes pushed and not yet taken. */
  get queuedBytes(): number {
    return this.bytes;
  }

  push(chunk: Buffer): void {
    if (this.ended) return;
    if (this.sink && !this.blocked && this.chunks.length === 0) return this.deliver(chunk);
    const reader = this.reader;
    if (reader) {
      this.reader = undefined;
      return reader.resolve({ value: chunk, done: false });
    }
    this.chunks.push(chunk);
    this.bytes += chunk.length;
  }

  /** No more chunks: the reader gets those queued, then finish()'s outcome. */
  end(): void {
    this.ended = true;
    if (this.sink) return this.flush();
    const reader = this.reader;
    if (reader && this.chunks.length === 0) {
      this.reader = undefined;
      this.finish().then(reader.resolve, reader.reject);
    }
  }

  /** Hands every chunk to `sink`, holding the rest back while a promise it returned is pending. Settles as the iteration would. */
  pipeTo(sink: ChunkSink): Promise<void> {
    return new Promise((resolve, reject) => {
      this.piped = { resolve, reject };
      this.sink = sink;
      this.flush();
    });
  }

  next(): Promise<IteratorResult<Buffer>> {
    const chunk = this.chunks.shift();
    if (chunk) {
      this.bytes -= chunk.length;
      this.hooks.taken(this.bytes);
      return Promise.resolve({ value: chunk, done: false });
    }
    if (this.ended) return this.finish();
    return new Promise((resolve, reject) => (this.reader = { resolve, reject }));
  }

  async return(): Promise<IteratorResult<Buffer>> {
    if (!this.done) {
      this.stopTaking();
      await this.hooks.abandon();
    }
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private async finish(): Promise<IteratorResult<Buffer>> {
    if (!this.done) {
      this.done = true;
      await this.hooks.finish();
    }
    return { value: undefined, done: true };
  }

  private deliver(chunk: Buffer): void {
    let waiting: Promise<void> | undefined;
    try {
      waiting = this.sink!(chunk);
    } catch (error) {
      return this.sinkFailed(error);
    }
    if (!waiting) return;
    this.blocked = true;
    waiting.then(
      () => {
        this.blocked = false;
        this.flush();
      },
      (error: unknown) => this.sinkFailed(error),
    );
  }

  /** Delivers what queued while the sink was busy; after the last chunk, settles pipeTo(). */
  private flush(): void {
    while (!this.blocked && !this.done && this.chunks.length > 0) {
      const chunk = this.chunks.shift()!;
      this.bytes -= chunk.length;
      this.hooks.taken(this.bytes);
      this.deliver(chunk);
    }
    if (this.blocked || this.done || !this.ended || this.chunks.length > 0) return;
    const piped = this.piped!;
    this.finish().then(() => piped.resolve(), piped.reject);
  }

  /** Like a `for await` body that throws: the producer is stopped, then the error comes out. */
  private sinkFailed(error: unknown): void {
    if (this.done) return;
    this.stopTaking();
    const piped = this.piped!;
    this.hooks.abandon().then(
      () => piped.reject(error),
      () => piped.reject(error),
    );
  }

  private stopTaking(): void {
    this.done = true;
    this.ended = true;
    this.chunks = [];
    this.bytes = 0;
  }
}

/** Every chunk of `pcm` through `sink`, in order, waiting whenever it returns a promise: synchronously per chunk for a ChunkQueue. */
export async function forEachChunk(pcm: AsyncIterable<Buffer>, sink: ChunkSink): Promise<void> {
  if (pcm instanceof ChunkQueue) return pcm.pipeTo(sink);
  for await (const chunk of pcm) {
    const waiting = sink(chunk);
    if (waiting) await waiting;
  }
}
