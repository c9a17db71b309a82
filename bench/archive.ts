// Measure 12 (`npm run bench -- archive`): the history archive at 1,000 hours of transcripts.
//   - a generated archive of 1,000 one-hour sessions (~10 million words, Zipf-distributed over a
//     20,000-word vocabulary, two speakers), written through the real ArchiveWriter;
//   - search: FTS5 ranked queries (rare, medium and frequent words, two-word queries, a speaker
//     filter), median and p99 over every run of every query;
//   - archiving cost per final on the session's thread: the ArchiveOutput call (JSON + postMessage
//     to the real writer thread, dist/archive-worker.js), p99 over 20,000 finals; and the writer
//     thread's commit per final (its own thread: what the disk costs, off the session's path);
//   - the database size against the same sessions as NDJSON (`--format json`, without interims).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { archiveOutput } from '../src/archive/archive-output.js';
import { openDatabase } from '../src/archive/database.js';
import type { ArchiveMessage } from '../src/archive/messages.js';
import { search } from '../src/archive/search.js';
import { encodeSettings } from '../src/archive/settings-codec.js';
import { encodeArgs } from '../src/archive/event-codec.js';
import { ArchiveWriter } from '../src/archive/writer.js';
import type { Settings } from '../src/settings/options.js';
import { finalEvents, serializeEvent } from '../src/transcript/events.js';
import type { Utterance } from '../src/transcript/model.js';
import { fixed, median, progress, ROOT, type Row } from './lib.js';

const SESSIONS = Number(process.env.BENCH_ARCHIVE_SESSIONS ?? 1000);
const WORDS_PER_HOUR = 10_000;
const VOCABULARY = 20_000;
const SEARCH_GOAL_MS = 100;
const FINAL_GOAL_MS = 1;
const SIZE_GOAL = 2;

/** A deterministic pseudo-random generator (mulberry32): the same archive every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const next = random(42);
/** Word i of the vocabulary: pronounceable, distinct. */
const wordAt = (i: number) => {
  const syllables = ['ka', 'lo', 'mi', 'ne', 'su', 'ta', 'ri', 'po', 'de', 'gu', 'va', 'zo', 'be', 'fi', 'ho', 'ju'];
  let text = '';
  let n = i + 16;
  while (n > 0) {
    text += syllables[n % 16];
    n = Math.floor(n / 16);
  }
  return text;
};
const WORDS = Array.from({ length: VOCABULARY }, (_, i) => wordAt(i));
// Zipf (s = 1): cumulative weights, sampled by binary search.
const CUMULATIVE = (() => {
  const weights = WORDS.map((_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  let sum = 0;
  return weights.map((weight) => (sum += weight / total));
})();
function zipfWord(): string {
  const r = next();
  let [low, high] = [0, CUMULATIVE.length - 1];
  while (low < high) {
    const mid = (low + high) >> 1;
    if (CUMULATIVE[mid]! < r) low = mid + 1;
    else high = mid;
  }
  return WORDS[low]!;
}

function utterance(at: number): Utterance {
  const count = 4 + Math.floor(next() * 20);
  const speaker = next() < 0.5 ? 0 : 1;
  const words = Array.from({ length: count }, (_, i) => ({
    text: zipfWord(),
    start: at + i * 0.36,
    end: at + i * 0.36 + 0.3,
    confidence: Math.round(next() * 1000) / 1000,
    speaker,
  }));
  return { text: words.map((word) => word.text).join(' '), start: at, end: words.at(-1)!.end, channel: 0, confidence: 0.95, words };
}

const SETTINGS = { model: 'nova-3', language: 'en', diarize: true, speakers: new Map([[0, 'Ana']]), format: 'json' } as unknown as Settings;
const LABELS = { diarize: true, speakers: new Map([[0, 'Ana']]) };
const event = (session: number, method: string, ...args: unknown[]): ArchiveMessage => ({ kind: 'event', session, method, args: encodeArgs(method, args) });

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Writes SESSIONS one-hour sessions; returns the words written and the same sessions' NDJSON size. */
function generate(writer: ArchiveWriter): { words: number; ndjsonBytes: number; finals: number } {
  let [words, ndjsonBytes, finals] = [0, 0, 0];
  const meta = {
    command: 'file',
    mode: 'stream',
    source: '/meetings/standup.wav',
    model: 'nova-3',
    language: 'en',
    settings: encodeSettings(SETTINGS),
  } as const;
  for (let session = 0; session < SESSIONS; session++) {
    const startedAt = new Date(Date.UTC(2025, 0, 1) + session * 8 * 3600_000).toISOString();
    const messages: ArchiveMessage[] = [{ kind: 'begin', session, startedAt, meta }, event(session, 'open', { requestId: `req-${session}`, startedAt })];
    let at = 0.5;
    let sessionWords = 0;
    while (sessionWords < WORDS_PER_HOUR) {
      const unit = utterance(at);
      at = unit.end + 0.8;
      sessionWords += unit.words.length;
      messages.push(event(session, 'final', unit));
      for (const line of finalEvents(unit, LABELS)) ndjsonBytes += serializeEvent(line).length + 1;
      finals += 1;
    }
    messages.push(
      event(session, 'metadata', { request_id: `req-${session}`, duration: 3600 }),
      event(session, 'close', { exitCode: 0, reason: 'end', audioSeconds: 3600 }),
    );
    writer.apply(messages);
    words += sessionWords;
    if (session % 100 === 99) progress(`archive: ${session + 1} of ${SESSIONS} hours written`);
  }
  return { words, ndjsonBytes, finals };
}

/** The session's-thread cost of archiving one final: the ArchiveOutput call that the TeeOutput makes. */
async function perFinalCost(dir: string): Promise<number[]> {
  const worker = new Worker(join(ROOT, 'dist', 'archive-worker.js'));
  worker.postMessage({ kind: 'open', path: join(dir, 'live.db') });
  const channel = { post: (message: ArchiveMessage) => worker.postMessage({ kind: 'messages', messages: [message] }) };
  channel.post({
    kind: 'begin',
    session: 0,
    startedAt: new Date().toISOString(),
    meta: { command: 'live', mode: 'stream', source: 'mic', model: 'nova-3', language: 'en', settings: encodeSettings(SETTINGS) },
  });
  const output = archiveOutput(channel, 0);
  const times: number[] = [];
  for (let i = 0; i < 20_000; i++) {
    const unit = utterance(i * 5);
    const started = performance.now();
    output.final(unit);
    times.push(performance.now() - started);
    if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve)); // a live session yields between finals
  }
  await new Promise<void>((resolve) => {
    worker.once('message', () => resolve());
    worker.postMessage({ kind: 'flush', id: 0 });
  });
  await worker.terminate();
  return times;
}

export async function benchArchive(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-archive-'));
  try {
    const path = join(dir, 'history.db');
    const db = openDatabase(path, { create: true });
    const writer = new ArchiveWriter(db, path);
    const started = performance.now();
    const { words, ndjsonBytes, finals } = generate(writer);
    progress(`archive: ${words} words, ${finals} finals written in ${fixed((performance.now() - started) / 1000)} s`);
    // The writer thread's commit of one final (one transaction, synchronous=FULL), on a full archive.
    const commits: number[] = [];
    const meta = { command: 'live', mode: 'stream', source: 'mic', model: 'nova-3', language: 'en', settings: encodeSettings(SETTINGS) } as const;
    writer.apply([{ kind: 'begin', session: SESSIONS, startedAt: new Date().toISOString(), meta }]);
    for (let i = 0; i < 300; i++) {
      const message = event(SESSIONS, 'final', utterance(i * 5));
      const t = performance.now();
      writer.apply([message]);
      commits.push(performance.now() - t);
    }
    const queries: [string, { speaker?: string }][] = [
      [WORDS[5]!, {}],
      [WORDS[50]!, {}],
      [WORDS[500]!, {}],
      [WORDS[5000]!, {}],
      [WORDS[19_000]!, {}],
      [`${WORDS[20]!} ${WORDS[300]!}`, {}],
      [`${WORDS[100]!} ${WORDS[2000]!}`, {}],
      [WORDS[300]!, { speaker: 'Ana' }],
      [WORDS[3000]!, { speaker: 'Speaker 1' }],
      ['nothingmatchesthis', {}],
    ];
    const times: number[] = [];
    const perQuery: string[] = [];
    for (const [query, filter] of queries) {
      const own: number[] = [];
      for (let run = 0; run < 10; run++) {
        const t = performance.now();
        search(db, path, query, { limit: 20, ...filter });
        own.push(performance.now() - t);
      }
      times.push(...own);
      perQuery.push(`${query}${filter.speaker ? ` (${filter.speaker})` : ''}: ${fixed(median(own))} ms`);
    }
    progress(`archive: search medians: ${perQuery.join('; ')}`);
    writer.close();
    db.close();
    const size = statSync(path).size;
    const final = await perFinalCost(dir);
    const [searchMedian, searchP99] = [median(times), percentile(times, 99)];
    const finalP99 = percentile(final, 99);
    return [
      {
        measure: `search, ${fixed(words / 1e6, 1)} M words / ${SESSIONS} h: median / p99 of ${times.length} (${queries.length} queries x 10)`,
        baseline: '-',
        ours: `${fixed(searchMedian)} / ${fixed(searchP99)} ms`,
        ratio: '-',
        goal: `< ${SEARCH_GOAL_MS} ms`,
        met: searchP99 < SEARCH_GOAL_MS,
      },
      {
        measure: 'archiving one final on the session thread (ArchiveOutput: JSON + postMessage): median / p99 of 20,000',
        baseline: '-',
        ours: `${fixed(median(final), 3)} / ${fixed(finalP99, 3)} ms`,
        ratio: '-',
        goal: `p99 < ${FINAL_GOAL_MS} ms`,
        met: finalP99 < FINAL_GOAL_MS,
      },
      {
        measure: 'the writer thread commits one final (its own transaction, synchronous=FULL): median / p99 of 300',
        baseline: '-',
        ours: `${fixed(median(commits), 2)} / ${fixed(percentile(commits, 99), 2)} ms`,
        ratio: '-',
        goal: 'off the session thread',
        met: true,
      },
      {
        measure: 'database size vs the same sessions as NDJSON (finals, words)',
        baseline: `${fixed(ndjsonBytes / 1e6, 0)} MB`,
        ours: `${fixed(size / 1e6, 0)} MB`,
        ratio: `${fixed(size / ndjsonBytes, 2)}x`,
        goal: `< ${SIZE_GOAL}x`,
        met: size / ndjsonBytes < SIZE_GOAL,
      },
    ];
  } finally {
    if (process.env.BENCH_ARCHIVE_KEEP) progress(`archive: kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
