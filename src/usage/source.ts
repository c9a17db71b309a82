// Where `transcribe usage` reads sessions and keeps billed amounts: the archive. The command is
// written and tested against this interface (MemoryUsageSource below); the archive's adapter plugs
// in at openUsageSource(), the one place that knows where sessions come from.

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

/**
 * THE place the archive adapter plugs in (wired at merge with the archive branch): return a
 * UsageSource over $XDG_DATA_HOME/transcribe/history.db (TRANSCRIBE_DATA_DIR overrides), whose
 * saveBilled() stores the amount in the archive. Until then there is no archive to read, and
 * `usage` says so.
 */
export async function openUsageSource(_env: Record<string, string | undefined>): Promise<UsageSource | undefined> {
  return Promise.resolve(undefined);
}
