import type { Context } from '../context.js';
import { transaction, type Database } from '../archive/database.js';
import { deleteSession, sessionsBefore } from '../archive/maintenance.js';
import { historyPath } from '../archive/paths.js';
import { hitJson, hitLine, sessionJson, sessionLine } from '../archive/present.js';
import { getSession, listSessions, openExistingHistory, sessionEvents, type SessionRow, type TimeRange } from '../archive/read.js';
import { loadConfig } from '../settings/load-config.js';
import { resolveSettings } from '../settings/resolve.js';
import { pricePerMinute, priceTable } from '../usage/prices.js';
import { replaySession } from '../archive/replay.js';
import { search } from '../archive/search.js';
import { parseTimeSpec } from '../archive/time-spec.js';
import { ExitCode, UsageError, type ExitCodeValue } from '../errors.js';
import { parseFormat, parseInteger, type OutputFormat } from '../settings/parsers.js';
import { colorEnabled } from '../terminal/colors.js';

export type HistoryAction = 'list' | 'search' | 'show' | 'export' | 'rm' | 'path';

export interface HistoryFlags {
  since?: string;
  until?: string;
  speaker?: string;
  source?: string;
  limit?: string;
  format?: string;
  olderThan?: string;
  /** false with --no-color */
  color?: boolean;
}

const DEFAULT_LIMIT = 20;

/** `transcribe history ...`: the local archive of sessions. */
export function runHistory(context: Context, action: HistoryAction, args: string[], flags: HistoryFlags): ExitCodeValue {
  if (action === 'path') {
    context.stdout.write(historyPath(context.env) + '\n');
    return ExitCode.ok;
  }
  const now = new Date();
  const range = timeRange(flags, now);
  const limit = flags.limit === undefined ? DEFAULT_LIMIT : option('--limit', flags.limit, parseInteger(1, 1_000_000));
  const archive = openExistingHistory(context.env);
  if (!archive) {
    context.stderr.write(`transcribe: no session archived yet (${historyPath(context.env)})\n`);
    return action === 'show' ? ExitCode.usage : ExitCode.ok;
  }
  const { db, path } = archive;
  try {
    if (action === 'list') {
      const sessions = listSessions(db, path, range, { limit, ...(flags.source ? { source: flags.source } : {}) });
      const cost = sessionCost(context);
      for (const session of sessions) context.stdout.write((json(flags) ? sessionJson(session, cost(session)) : sessionLine(session, cost(session))) + '\n');
    } else if (action === 'search') {
      const color = colorEnabled(context.stdout, context.env, flags.color !== false);
      const hits = search(db, path, args.join(' '), { ...range, speaker: flags.speaker, source: flags.source, limit });
      for (const hit of hits) context.stdout.write((json(flags) ? hitJson(hit) : hitLine(hit, color)) + '\n');
    } else if (action === 'show') {
      show(context, db, path, sessionId(args[0]), flags.format === undefined ? 'text' : option('--format', flags.format, parseFormat));
    } else if (action === 'export') {
      for (const session of listSessions(db, path, range)) {
        context.stdout.write(sessionJson(session) + '\n');
        replaySession(context, session, sessionEvents(db, path, session.id), 'json');
      }
    } else {
      remove(context, db, path, args[0], flags, now);
    }
  } finally {
    db.close();
  }
  return ExitCode.ok;
}

function show(context: Context, db: Database, path: string, id: number, format: OutputFormat): void {
  const session = getSession(db, path, id);
  if (!session) throw new UsageError(`there is no archived session ${id}`, 'see the ids with transcribe history');
  replaySession(context, session, sessionEvents(db, path, id), format);
}

function remove(context: Context, db: Database, path: string, id: string | undefined, flags: HistoryFlags, now: Date): void {
  if ((id === undefined) === (flags.olderThan === undefined))
    throw new UsageError('history rm needs a session id or --older-than', 'e.g. transcribe history rm 42, or --older-than 90d');
  const ids = id !== undefined ? [sessionId(id)] : sessionsBefore(db, option('--older-than', flags.olderThan!, (raw) => parseTimeSpec(raw, now)).toISOString());
  let removed = 0;
  // One transaction per session: a live run waiting to archive never waits long.
  for (const session of ids) if (transaction(db, path, () => deleteSession(db, session))) removed += 1;
  if (id !== undefined && removed === 0) throw new UsageError(`there is no archived session ${id}`, 'see the ids with transcribe history');
  context.stderr.write(`transcribe: removed ${removed} session${removed === 1 ? '' : 's'}\n`);
}

/** The estimate `usage` makes of a session: its audio minutes at the price table's rate (config `prices` over the shipped one). */
function sessionCost(context: Context): (session: SessionRow) => number | undefined {
  const table = priceTable(resolveSettings({}, context.env, loadConfig(context.env).layers, 'usage').settings.prices);
  return (session) => {
    const price = session.model === null ? undefined : pricePerMinute(session.model, table);
    return price === undefined || session.audioSeconds === null ? undefined : (session.audioSeconds / 60) * price;
  };
}

function json(flags: HistoryFlags): boolean {
  return flags.format !== undefined && option('--format', flags.format, parseFormat) === 'json';
}

function sessionId(raw: string | undefined): number {
  if (raw === undefined || !/^\d+$/.test(raw.trim()))
    throw new UsageError(`a session id is a number, not "${raw ?? ''}"`, 'see the ids with transcribe history');
  return Number(raw);
}

function timeRange(flags: HistoryFlags, now: Date): TimeRange {
  return {
    ...(flags.since ? { since: option('--since', flags.since, (raw) => parseTimeSpec(raw, now)).toISOString() } : {}),
    ...(flags.until ? { until: option('--until', flags.until, (raw) => parseTimeSpec(raw, now)).toISOString() } : {}),
  };
}

function option<T>(name: string, raw: string, parse: (raw: string) => T): T {
  try {
    return parse(raw);
  } catch (error) {
    throw new UsageError(`${name} ${raw} ${(error as Error).message}`, `see transcribe history --help`);
  }
}
