import { mkdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { archiveOutput } from '../../src/archive/archive-output.js';
import { openDatabase, removeStaleLock } from '../../src/archive/database.js';
import type { ArchiveMessage } from '../../src/archive/messages.js';
import { hitLine } from '../../src/archive/present.js';
import { getSession, sessionEvents } from '../../src/archive/read.js';
import { replaySession } from '../../src/archive/replay.js';
import { ftsQuery, search, MATCH_END, MATCH_START, type SearchHit } from '../../src/archive/search.js';
import { decodeSettings, encodeSettings } from '../../src/archive/settings-codec.js';
import { encodeArgs } from '../../src/archive/event-codec.js';
import { clockTime, parseTimeSpec } from '../../src/archive/time-spec.js';
import { billedCost, saveBilledCost, usageSessions } from '../../src/archive/usage.js';
import { ArchiveWriter } from '../../src/archive/writer.js';
import type { Context } from '../../src/context.js';
import type { Settings } from '../../src/settings/options.js';
import { tempDir } from '../support/temp.js';

const NOW = new Date('2026-03-10T12:00:00Z');

describe('time specs', () => {
  it.each([
    ['7d', '2026-03-03T12:00:00.000Z'],
    ['12h', '2026-03-10T00:00:00.000Z'],
    ['30m', '2026-03-10T11:30:00.000Z'],
    ['2w', '2026-02-24T12:00:00.000Z'],
    ['2026-01-01', new Date(2026, 0, 1).toISOString()],
    ['2026-01-01T09:30', new Date(2026, 0, 1, 9, 30).toISOString()],
  ])('%s', (raw, iso) => expect(parseTimeSpec(raw, NOW).toISOString()).toBe(iso));
  it.each(['', '7', 'd7', '2026-02-30', 'yesterday', '-1d'])('%j is refused', (raw) => expect(() => parseTimeSpec(raw, NOW)).toThrow(/must be a duration/));
  it.each([
    [0, '0:00'],
    [61.9, '1:01'],
    [3723, '1:02:03'],
  ])('clockTime(%s) = %s', (seconds, text) => expect(clockTime(seconds)).toBe(text));
});

describe('search words become a quoted FTS5 query', () => {
  it.each([
    ['budget', '"budget"'],
    ['  budget   review ', '"budget" "review"'],
    ['"budget', '"""budget"'],
    ['budget AND (', '"budget" "AND"'],
    ['NEAR(a b', '"NEAR(a" "b"'],
    ['* : ^', undefined],
  ])('%j -> %j', (text, query) => expect(ftsQuery(text)).toBe(query));
});

describe('settings as the archive keeps them', () => {
  it('drops the key and URL credentials, keeps Maps and --speed max', () => {
    const settings = {
      apiKey: 'secret-key',
      apiUrl: 'http://user:pass@127.0.0.1:8080/',
      model: 'nova-3',
      speed: Number.POSITIVE_INFINITY,
      speakers: new Map([[0, 'Ana']]),
      output: undefined,
    } as unknown as Settings;
    const encoded = encodeSettings(settings);
    expect(encoded).not.toContain('secret-key');
    expect(encoded).not.toContain('pass');
    expect(decodeSettings(encoded)).toEqual({
      apiUrl: 'http://127.0.0.1:8080/',
      model: 'nova-3',
      speed: Number.POSITIVE_INFINITY,
      speakers: new Map([[0, 'Ana']]),
      diarize: true, // names imply diarization: a session archived before the settings said so gets it on reading
    });
  });
});

describe('search lines on screen', () => {
  const hit: SearchHit = {
    session: 7,
    startedAt: '2026-03-10T12:00:00Z',
    source: 'x.wav',
    start: 65,
    end: 66,
    channel: 0,
    speaker: 'Ana',
    text: 'the budget \u001b[2J',
    snippet: `the ${MATCH_START}budget${MATCH_END} \u001b[2J`,
  };
  it('highlights the match only when asked (a TTY without NO_COLOR), and escapes control characters', () => {
    expect(hitLine(hit, true)).toBe('    7     1:05  Ana  the \u001b[1;33mbudget\u001b[0m \\x1b[2J');
    expect(hitLine(hit, false)).toBe('    7     1:05  Ana  the budget \\x1b[2J');
  });
});

function utterance(text: string, start: number, speakers: number[] = []) {
  const words = text.split(' ').map((word, index) => ({
    text: word,
    start: start + index * 0.3,
    end: start + index * 0.3 + 0.3,
    confidence: 0.9,
    ...(speakers.length ? { speaker: speakers[index]! } : {}),
  }));
  return { text, start, end: words.at(-1)!.end, channel: 0, confidence: 0.9, words };
}

function archive() {
  const path = join(tempDir('transcribe-archive-'), 'history.db');
  const db = openDatabase(path, { create: true });
  const writer = new ArchiveWriter(db, path, () => NOW);
  return { db, path, writer };
}

const event = (session: number, method: string, ...args: unknown[]): ArchiveMessage => ({ kind: 'event', session, method, args: encodeArgs(method, args) });

describe('the archive writer and its readers', () => {
  it('keeps sessions, lines by speaker, connections; search ranks, filters by speaker; usage and billed costs', () => {
    const { db, path, writer } = archive();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const settings = encodeSettings({
      model: 'nova-3',
      speakers: new Map([
        [0, 'Ana'],
        [1, 'Bo'],
      ]),
    } as unknown as Settings);
    const meta = { command: 'file', mode: 'stream', source: '/a.wav', model: 'nova-3', language: 'en', settings } as const;
    writer.apply([
      { kind: 'begin', session: 0, startedAt: '2026-03-10T11:00:00.000Z', meta },
      event(0, 'open', { requestId: 'r1', startedAt: '2026-03-10T11:00:01.000Z' }),
      event(0, 'final', utterance('budget talk now budget again', 1, [0, 0, 0, 1, 1])),
      event(0, 'metadata', { request_id: 'r1', duration: 10 }),
      event(0, 'reconnect', 1, 10, 2),
      event(0, 'final', utterance('the budget is a long line with many other words in it', 12, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])),
      event(0, 'metadata', { requestId: 'r2', duration: 5 }), // since 2026-12-02; r1 is the older shape
      event(0, 'mark', { label: 'later' }),
      event(0, 'close', { exitCode: 0, reason: 'end', audioSeconds: 15 }),
    ]);
    expect(getSession(db, path, 1)).toMatchObject({
      startedAt: '2026-03-10T11:00:01.000Z',
      endedAt: NOW.toISOString(),
      audioSeconds: 15,
      firstWords: 'budget talk now',
    });
    expect(sessionEvents(db, path, 1).map((e) => e.kind)).toEqual(['open', 'final', 'metadata', 'reconnect', 'final', 'metadata', 'mark', 'close']);
    const hits = search(db, path, 'budget', { limit: 10 });
    // bm25: the shorter the line, the more the match weighs
    expect(hits.map((hit) => [hit.speaker, hit.text])).toEqual([
      ['Bo', 'budget again'],
      ['Ana', 'budget talk now'],
      ['Bo', 'the budget is a long line with many other words in it'],
    ]);
    expect(search(db, path, 'BUDGET', { limit: 10, speaker: 'bo' }).map((hit) => hit.start)).toEqual([1.9, 12]);
    expect(search(db, path, 'budget', { limit: 10, since: '2026-03-11' })).toEqual([]);
    expect(usageSessions(db, path)).toEqual([{ id: 1, startedAt: '2026-03-10T11:00:01.000Z', model: 'nova-3', audioSeconds: 15, requestIds: ['r1', 'r2'] }]);
    expect(billedCost(db, path, 'r1')).toBeUndefined();
    saveBilledCost(db, path, 'r1', 0.0123);
    expect(billedCost(db, path, 'r1')).toBe(0.0123);
    db.close();
  });

  it('a session killed before it closed: usage counts its connections; show replays it, skipping event types it does not know', () => {
    const { db, path, writer } = archive();
    const meta = {
      command: 'live',
      mode: 'stream',
      source: 'default microphone',
      model: 'nova-3',
      language: 'en',
      settings: encodeSettings({ model: 'nova-3' } as unknown as Settings),
    } as const;
    writer.apply([
      { kind: 'begin', session: 5, startedAt: '2026-03-10T11:00:00.000Z', meta },
      event(5, 'open', { startedAt: '2026-03-10T11:00:00.000Z' }),
      event(5, 'final', utterance('hello there', 0.5)),
      event(5, 'metadata', { request_id: 'r9', duration: 3.5 }),
      event(5, 'a-future-event', 1),
    ]);
    expect(usageSessions(db, path)[0]).toMatchObject({ audioSeconds: 3.5, requestIds: ['r9'] });
    const stdout = new PassThrough();
    let text = '';
    stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    replaySession({ stdout, stderr: new PassThrough(), env: {} } as unknown as Context, getSession(db, path, 1)!, sessionEvents(db, path, 1), 'srt');
    expect(text).toBe('1\n00:00:00,500 --> 00:00:01,100\nhello there\n');
    db.close();
  });
});

describe('the archive output', () => {
  it('sends each call as its method and JSON arguments, new methods too; interim results are not kept', () => {
    const sent: ArchiveMessage[] = [];
    const output = archiveOutput({ post: (message) => sent.push(message) }, 3) as unknown as Record<string, (...args: unknown[]) => void>;
    output.interim!(0, 'hel');
    output.gap!(1.5);
    output.mark!({ label: 'x' });
    expect(sent).toEqual([event(3, 'gap', 1.5), event(3, 'mark', { label: 'x' })]);
    expect((output as unknown as { then?: unknown }).then).toBeUndefined();
  });
});

describe('the lock a killed process left', () => {
  it('is removed once it is older than any transaction; a fresh one is not', () => {
    const path = join(tempDir('transcribe-archive-'), 'history.db');
    mkdirSync(`${path}.lock`);
    expect(removeStaleLock(path)).toBe(false);
    const past = new Date(Date.now() - 11_000);
    utimesSync(`${path}.lock`, past, past);
    expect(removeStaleLock(path)).toBe(true);
    expect(() => statSync(`${path}.lock`)).toThrow();
  });
});
