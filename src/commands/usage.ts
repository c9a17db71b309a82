import { managementTarget, openManagementApi } from '../account/management.js';
import type { Context } from '../context.js';
import { ExitCode, formatError, type ExitCodeValue } from '../errors.js';
import { escapeControls } from '../escape-controls.js';
import { loadConfig } from '../settings/load-config.js';
import { resolveSettings, type Flags } from '../settings/resolve.js';
import { fetchBilled, type BilledOutcome } from '../usage/billed.js';
import { usageNdjson, usageNotes, usageTable } from '../usage/format.js';
import { priceTable } from '../usage/prices.js';
import { usageRange } from '../usage/range.js';
import { usageRows, usageTotals } from '../usage/report.js';
import { openUsageSource, type UsageSession, type UsageSource } from '../usage/source.js';
import { parseListFormat } from './models.js';

export interface UsageFlags extends Flags {
  month?: boolean;
  since?: string;
  format?: string;
}

/**
 * `transcribe usage`: audio time and cost per day and model over the archived sessions: the
 * estimate (audio minutes x price), and what Deepgram billed where the key may read usage.
 * Exit 0; or, when billed amounts could not be fetched for another reason than the key's role
 * (a rejected key, no network), the table still prints and the exit code is that failure's.
 */
export async function runUsage(context: Context, flags: UsageFlags, profile?: string, source?: UsageSource): Promise<ExitCodeValue> {
  const format = parseListFormat(flags.format);
  const range = usageRange(flags, new Date());
  const config = loadConfig(context.env, profile);
  const resolved = resolveSettings(flags, context.env, config.layers, 'usage');
  const { settings } = resolved;
  const warn = (text: string) => context.stderr.write(`transcribe: ${escapeControls(text)}\n`);
  for (const warning of [...config.warnings, ...resolved.warnings]) warn(`warning: ${warning}`);
  const archive = source ?? (await openUsageSource(context.env));
  if (!archive) {
    warn('no archived sessions to count: live and file sessions are counted once the archive keeps them');
    return ExitCode.ok;
  }
  try {
    const sessions: UsageSession[] = [];
    for await (const session of archive.sessions(range)) sessions.push(session);
    let outcome: BilledOutcome = {};
    if (sessions.length > 0) {
      if (settings.apiKey === undefined) outcome = { note: 'billed amounts not shown: no API key to ask Deepgram with (the estimate stands alone)' };
      else {
        const { target, warnings } = managementTarget(settings, resolved.describe('apiKey'));
        for (const warning of warnings) warn(`warning: ${warning}`);
        outcome = await fetchBilled(sessions, archive, await openManagementApi(target));
      }
    }
    const rows = usageRows(sessions, (id) => archive.cachedBilled(id), priceTable(settings.prices));
    const totals = usageTotals(rows);
    if (format === 'json') context.stdout.write(usageNdjson(rows));
    else if (rows.length === 0) warn('no sessions in that span');
    else context.stdout.write(usageTable(rows, totals));
    if (format === 'text' && rows.length > 0) for (const note of usageNotes(totals)) warn(note);
    if (outcome.note) warn(outcome.note);
    if (outcome.error) {
      context.stderr.write(formatError(outcome.error, context.verbose).replace(/^transcribe: /, 'transcribe: billed amounts not shown: '));
      return outcome.error.exitCode;
    }
    return ExitCode.ok;
  } finally {
    archive.close?.();
  }
}
