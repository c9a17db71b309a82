/** How `transcribe history` shows sessions and hits: one line each, no terminal codes but the highlight on a TTY. Pure. */
import { basename } from 'node:path';
import { escapeControls } from '../escape-controls.js';
import type { SessionRow } from './read.js';
import { MATCH_END, MATCH_START, type SearchHit } from './search.js';
import { clockTime } from './time-spec.js';

const HIGHLIGHT = ['\u001b[1;33m', '\u001b[0m'] as const;
const FIRST_WORDS = 60;

/** `2026-03-04 09:15`, local time. */
export function localTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return escapeControls(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`;
}

function shorten(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

function sourceName(session: Pick<SessionRow, 'command' | 'source'>): string {
  return escapeControls(session.command === 'file' && session.source !== 'stdin' ? basename(session.source) : session.source);
}

/** `id  when  duration  source  first words`. */
/** `id  when  duration  ~cost  source  first words`; the cost is the estimate `usage` makes (`?`: no price for the model). */
export function sessionLine(session: SessionRow, estimatedUsd?: number): string {
  const duration = session.audioSeconds === null ? '?' : clockTime(session.audioSeconds);
  const words = session.firstWords ? escapeControls(shorten(session.firstWords, FIRST_WORDS)) : '(no words)';
  const mode = session.mode === 'batch' ? ' (batch)' : session.endedAt === null ? ' (unfinished)' : '';
  const cost = estimatedUsd === undefined ? '?' : `~$${estimatedUsd.toFixed(4)}`;
  return `${String(session.id).padStart(5)}  ${localTime(session.startedAt)}  ${duration.padStart(7)}  ${cost.padStart(8)}  ${sourceName(session)}${mode}  ${words}`;
}

/** `session  time-in-audio  speaker  line`, the matched words highlighted only when `color`. */
export function hitLine(hit: SearchHit, color: boolean): string {
  const [on, off] = color ? HIGHLIGHT : ['', ''];
  const line = escapeControls(hit.snippet).replaceAll(MATCH_START, on).replaceAll(MATCH_END, off);
  return `${String(hit.session).padStart(5)}  ${clockTime(hit.start).padStart(7)}  ${escapeControls(hit.speaker ?? '-')}  ${line}`;
}

/** A search hit as one NDJSON object (snake_case, like the transcript's events). */
export function hitJson(hit: SearchHit): string {
  return JSON.stringify({
    session: hit.session,
    started_at: hit.startedAt,
    source: hit.source,
    start: hit.start,
    end: hit.end,
    channel: hit.channel,
    speaker: hit.speaker,
    text: hit.text,
  });
}

export function sessionJson(session: SessionRow, estimatedUsd?: number): string {
  return JSON.stringify({
    type: 'session',
    id: session.id,
    started_at: session.startedAt,
    ended_at: session.endedAt,
    command: session.command,
    mode: session.mode,
    source: session.source,
    model: session.model,
    audio_seconds: session.audioSeconds,
    estimated_usd: estimatedUsd === undefined ? null : Math.round(estimatedUsd * 1e6) / 1e6,
    exit_code: session.exitCode,
    first_words: session.firstWords,
  });
}
