import type { Database } from '../archive/database.js';
import { openExistingHistory } from '../archive/read.js';
import { billedCost, saveBilledCost, usageSessions } from '../archive/usage.js';
import type { UsageRange, UsageSession, UsageSource } from './source.js';

/** `usage` over the history archive: sessions from it, billed amounts cached in it. */
export class ArchiveUsageSource implements UsageSource {
  constructor(
    private readonly db: Database,
    private readonly path: string,
  ) {}

  sessions(range: UsageRange): UsageSession[] {
    return usageSessions(this.db, this.path, { since: range.since.toISOString(), until: range.until.toISOString() });
  }
  cachedBilled(requestId: string): number | undefined {
    return billedCost(this.db, this.path, requestId);
  }
  saveBilled(requestId: string, usd: number): void {
    saveBilledCost(this.db, this.path, requestId, usd);
  }
  close(): void {
    this.db.close();
  }
}

/** The archive as a usage source; undefined when nothing was ever archived. */
export function openArchiveUsageSource(env: Record<string, string | undefined>): ArchiveUsageSource | undefined {
  const archive = openExistingHistory(env);
  return archive && new ArchiveUsageSource(archive.db, archive.path);
}
