import type { Settings } from '../settings/options.js';
import type { Utterance } from '../transcript/model.js';
import { channelLabel, speakerLabel, speakerRuns, type LabelOptions } from '../transcript/speaker-runs.js';
import type { RunResult, Statement } from 'node-sqlite3-wasm';
import { transaction, type Database } from './database.js';
import { daysBefore, deleteSession, sessionsBefore } from './maintenance.js';
import { decodeArgs } from './event-codec.js';
import type { ArchiveMessage, SessionMeta } from './messages.js';
import { decodeSettings } from './settings-codec.js';

const FIRST_WORDS = 120;

/** Who said a line, as the outputs label it (the same rule as create-output's). */
export function labelsOf(settings: Settings): LabelOptions {
  return {
    diarize: settings.diarize,
    multichannel: settings.multichannel,
    ...(settings.speakers ? { speakers: settings.speakers } : {}),
    ...(settings.channelNames ? { channelNames: settings.channelNames } : {}),
  };
}

interface Open {
  id: number;
  seq: number;
  labels: LabelOptions;
  named: boolean;
}

/**
 * Writes sessions into the archive. Each batch of messages is one transaction: a message is on
 * disk as soon as its batch commits (a killed process loses only what was not yet sent).
 */
export class ArchiveWriter {
  private readonly sessions = new Map<number, Open>();
  constructor(
    private readonly db: Database,
    private readonly path: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private readonly statements = new Map<string, Statement>();

  /** Each statement is prepared once: parsing SQL costs more than most inserts. */
  private run(sql: string, values: (string | number | null)[]): RunResult {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement.run(values);
  }

  /** Frees the prepared statements (before the database is closed). */
  close(): void {
    for (const statement of this.statements.values()) statement.finalize();
    this.statements.clear();
  }

  apply(messages: readonly ArchiveMessage[]): void {
    if (messages.length === 0) return;
    transaction(this.db, this.path, () => {
      for (const message of messages) {
        if (message.kind === 'begin') this.begin(message.session, message.startedAt, message.meta);
        else this.event(message.session, message.method, message.args);
      }
    });
  }

  private begin(key: number, startedAt: string, meta: SessionMeta): void {
    if (meta.retentionDays !== undefined) for (const id of sessionsBefore(this.db, daysBefore(meta.retentionDays, this.now()))) deleteSession(this.db, id);
    const { lastInsertRowid } = this.run('INSERT INTO sessions (started_at, command, mode, source, model, language, settings) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      startedAt,
      meta.command,
      meta.mode,
      meta.source,
      meta.model,
      meta.language,
      meta.settings,
    ]);
    this.sessions.set(key, { id: Number(lastInsertRowid), seq: 0, labels: labelsOf(decodeSettings(meta.settings)), named: false });
  }

  private event(key: number, method: string, json: string): void {
    const session = this.sessions.get(key);
    if (!session) return;
    const { id } = session;
    this.run('INSERT INTO events (session_id, seq, kind, data) VALUES (?, ?, ?, ?)', [id, session.seq++, method, json]);
    const args = decodeArgs(method, json);
    if (method === 'open') {
      const info = args[0] as { startedAt?: string } | undefined;
      if (typeof info?.startedAt === 'string') this.run('UPDATE sessions SET started_at = ? WHERE id = ?', [info.startedAt, id]);
    } else if (method === 'final') {
      this.lines(session, args[0] as Utterance);
    } else if (method === 'metadata') {
      const message = args[0] as { requestId?: unknown; duration?: unknown };
      if (typeof message?.requestId === 'string')
        this.run('INSERT OR REPLACE INTO connections (session_id, request_id, audio_seconds) VALUES (?, ?, ?)', [
          id,
          message.requestId,
          typeof message.duration === 'number' ? message.duration : null,
        ]);
    } else if (method === 'close') {
      const info = args[0] as { exitCode: number; reason: string; audioSeconds: number };
      this.run('UPDATE sessions SET ended_at = ?, audio_seconds = ?, exit_code = ?, reason = ? WHERE id = ?', [
        this.now().toISOString(),
        info.audioSeconds,
        info.exitCode,
        info.reason,
        id,
      ]);
      this.sessions.delete(key);
    }
  }

  private lines(session: Open, utterance: Utterance): void {
    for (const run of speakerRuns(utterance, session.labels)) {
      const speaker = speakerLabel(run.speaker, session.labels) ?? channelLabel(run.channel, session.labels) ?? null;
      this.run('INSERT INTO lines (session_id, start, end, channel, speaker, text) VALUES (?, ?, ?, ?, ?, ?)', [
        session.id,
        run.start,
        run.end,
        run.channel,
        speaker,
        run.text,
      ]);
      if (!session.named) {
        this.run('UPDATE sessions SET first_words = ? WHERE id = ?', [run.text.slice(0, FIRST_WORDS), session.id]);
        session.named = true;
      }
    }
  }
}
