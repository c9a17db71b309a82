// Where `transcribe usage` reads sessions and keeps billed amounts: the archive. The command is
// written and tested against this interface (MemoryUsageSource below); openUsageSource() is the one
// place that knows where sessions come from.

export interface UsageRange {
  /** Inclusive. */
  since: Date;
  /** Exclusive. */
  until: Date;
}

export interface UsageSession {
  /** ISO 8601 with a zone (`2026-11-30T14:02:11.512Z`). */
  startedAt: string;
  model: string;
  audioSeconds: number;
  /** Every connection's request id (a reconnect adds one); Deepgram bills per request. */
  requestIds: string[];
}

export interface UsageSource {
  /** Sessions that started in the range, in any order. */
  sessions(range: UsageRange): AsyncIterable<UsageSession> | Iterable<UsageSession>;
  /** A billed amount fetched before (USD), kept so that Deepgram is asked once per request. */
  cachedBilled(requestId: string): number | undefined;
  saveBilled(requestId: string, usd: number): void;
  /** Lets go of what it holds (the archive's database), when it holds anything. */
  close?(): void;
}

/** Sessions and billed amounts held in memory: the tests' source, and the shape an adapter fills. */
export class MemoryUsageSource implements UsageSource {
  readonly billed = new Map<string, number>();

  constructor(
    private readonly all: readonly UsageSession[],
    billed: Iterable<[string, number]> = [],
  ) {
    for (const [id, usd] of billed) this.billed.set(id, usd);
  }

  *sessions(range: UsageRange): Iterable<UsageSession> {
    for (const session of this.all) {
      const started = Date.parse(session.startedAt);
      if (started >= range.since.getTime() && started < range.until.getTime()) yield session;
    }
  }

  cachedBilled(requestId: string): number | undefined {
    return this.billed.get(requestId);
  }

  saveBilled(requestId: string, usd: number): void {
    this.billed.set(requestId, usd);
  }
}

/** Where `usage` reads: the history archive (src/usage/archive-source.ts), loaded only when `usage` runs. */
export async function openUsageSource(env: Record<string, string | undefined>): Promise<UsageSource | undefined> {
  const { openArchiveUsageSource } = await import('./archive-source.js');
  return openArchiveUsageSource(env);
}
