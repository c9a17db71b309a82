// What Deepgram billed, per request id, asked once and kept by the source (saveBilled).
import { ForbiddenError, mayReadUsage, type ManagementApi } from '../account/management.js';
import { TranscribeError } from '../errors.js';
import type { UsageSession, UsageSource } from './source.js';

/** Deepgram is asked about this many requests at a time. */
const CONCURRENCY = 4;

export interface BilledOutcome {
  /** One sentence on why billed amounts are missing, when they are. */
  note?: string;
  /** A failure other than a missing scope: the estimate is still shown, the exit code says it. */
  error?: TranscribeError;
}

export const NO_USAGE_SCOPE =
  "billed amounts not shown: this API key's role may not read usage (it needs usage:read, which member and above have); the estimate stands alone";

/** Fetches the billed amount of every request not cached yet, saving each one found. */
export async function fetchBilled(sessions: readonly UsageSession[], source: UsageSource, api: ManagementApi): Promise<BilledOutcome> {
  const missing = [...new Set(sessions.flatMap((session) => session.requestIds))].filter((id) => source.cachedBilled(id) === undefined);
  if (missing.length === 0) return {};
  try {
    const key = await api.keyDetails();
    if (mayReadUsage(key.scopes) === false) return { note: NO_USAGE_SCOPE };
    const projectId = key.projectId ?? (await api.projects())[0]?.id;
    if (!projectId) return { note: 'billed amounts not shown: Deepgram lists no project for this API key' };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < missing.length) {
        const id = missing[next++]!;
        const billed = await api.billedRequest(projectId, id);
        if (billed) source.saveBilled(id, billed.usd);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, missing.length) }, worker));
    return {};
  } catch (error) {
    if (error instanceof ForbiddenError) return { note: NO_USAGE_SCOPE };
    if (error instanceof TranscribeError) return { error };
    throw error;
  }
}
