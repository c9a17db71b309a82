import { describe, expect, it } from 'vitest';
import { formatAudio, formatUsd, usageNdjson } from '../../src/usage/format.js';
import { parsePrices, pricePerMinute, priceTable } from '../../src/usage/prices.js';
import { localDay, usageRange } from '../../src/usage/range.js';
import { usageRows, usageTotals } from '../../src/usage/report.js';
import { MemoryUsageSource } from '../../src/usage/source.js';

const table = priceTable(new Map([['nova-3-medical', 0.01]]));

describe('pricePerMinute: own entry, else the longest family prefix; unknown models have none', () => {
  it.each<[string, number | undefined]>([
    ['nova-3', 0.0077],
    ['nova-3-general', 0.0077],
    ['nova-3-medical', 0.01],
    ['NOVA-3-Medical', 0.01],
    ['nova-3-multilingual', 0.0092],
    ['nova-2-meeting', 0.0058],
    ['nova', 0.0058],
    ['novax', undefined],
    ['enhanced-phonecall', 0.0165],
    ['base', 0.0145],
    ['whisper-large', 0.0048],
    ['custom-acme', undefined],
    ['', undefined],
  ])('%s -> %s', (model, price) => expect(pricePerMinute(model, table)).toBe(price));
});

describe('parsePrices (config key prices, TRANSCRIBE_PRICES)', () => {
  it.each<[string, [string, number][]]>([
    ['nova-3=0.0077', [['nova-3', 0.0077]]],
    [
      ' Nova-3 = 0.01 , nova-2=0.002,',
      [
        ['nova-3', 0.01],
        ['nova-2', 0.002],
      ],
    ],
    ['acme.v2=1', [['acme.v2', 1]]],
  ])('%j', (raw, entries) => expect([...parsePrices(raw)]).toEqual(entries));
  it.each([
    ['nova-3', '"nova-3" has no "=": expected MODEL=USD_PER_MINUTE, e.g. nova-3=0.0077'],
    ['nova-3=cheap', '"nova-3=cheap": "cheap" is not a price in USD per minute, e.g. 0.0077'],
    ['nova-3=-1', '"nova-3=-1": "-1" is not a price in USD per minute, e.g. 0.0077'],
    ['=1', '"=1": "" is not a model name'],
    [',', 'no prices given: expected MODEL=USD_PER_MINUTE, e.g. nova-3=0.0077'],
  ])('refuses %j', (raw, message) => expect(() => parsePrices(raw)).toThrow(message));
});

describe('usageRange', () => {
  const now = new Date(2026, 10, 30, 14, 30); // local time
  it.each<[string, { month?: boolean; since?: string }, Date]>([
    ['default: 30 days', {}, new Date(now.getTime() - 30 * 86400_000)],
    ['--month', { month: true }, new Date(2026, 10, 1)],
    ['7d', { since: '7d' }, new Date(now.getTime() - 7 * 86400_000)],
    ['12h', { since: '12h' }, new Date(now.getTime() - 12 * 3600_000)],
    ['2w', { since: '2w' }, new Date(now.getTime() - 14 * 86400_000)],
    ['a date, local midnight', { since: '2026-11-02' }, new Date(2026, 10, 2)],
  ])('%s', (_, flags, since) => expect(usageRange(flags, now)).toEqual({ since, until: now }));
  it.each<[{ month?: boolean; since?: string }, string]>([
    [{ month: true, since: '7d' }, '--month and --since both set the start'],
    [{ since: 'last week' }, 'invalid value "last week" for --since'],
    [{ since: '2026-02-30' }, 'invalid value "2026-02-30" for --since'],
    [{ since: '7m' }, 'invalid value "7m" for --since'],
    [{ since: '2026-12-01' }, '--since 2026-12-01 is in the future'],
  ])('refuses %j', (flags, message) => expect(() => usageRange(flags, now)).toThrow(message));
  it('localDay is the calendar day where the user is', () => expect(localDay(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05'));
});

describe('usageRows and usageTotals', () => {
  const t = (day: number, hour: number) => new Date(2026, 10, day, hour).toISOString();
  const sessions = [
    { startedAt: t(2, 9), model: 'nova-3', audioSeconds: 90, requestIds: ['a'] },
    { startedAt: t(2, 18), model: 'nova-3', audioSeconds: 30, requestIds: ['b', 'b'] },
    { startedAt: t(1, 8), model: 'custom-acme', audioSeconds: 60, requestIds: [] },
    { startedAt: 'not a date', model: 'nova-3', audioSeconds: 60, requestIds: ['c'] },
    { startedAt: t(1, 9), model: '', audioSeconds: -5, requestIds: ['d'] },
  ];
  const rows = usageRows(sessions, (id) => ({ a: 0.02 })[id], priceTable());
  it('groups by local day and model, sorted; a request id counts once; bad times and durations are left out', () => {
    expect(rows).toEqual([
      { day: '2026-11-01', model: 'custom-acme', sessions: 1, audioSeconds: 60, estimatedUsd: undefined, billedUsd: 0, billedRequests: 0, requests: 0 },
      { day: '2026-11-01', model: 'unknown', sessions: 1, audioSeconds: 0, estimatedUsd: undefined, billedUsd: 0, billedRequests: 0, requests: 1 },
      {
        day: '2026-11-02',
        model: 'nova-3',
        sessions: 2,
        audioSeconds: 120,
        estimatedUsd: expect.closeTo(0.0154, 10) as number,
        billedUsd: 0.02,
        billedRequests: 1,
        requests: 2,
      },
    ]);
    expect(usageTotals(rows)).toEqual({
      sessions: 4,
      audioSeconds: 180,
      estimatedUsd: expect.closeTo(0.0154, 10) as number,
      unpriced: 2,
      billedUsd: 0.02,
      billedRequests: 1,
      requests: 3,
    });
  });
  it('NDJSON: null where unknown', () => {
    expect(usageNdjson(rows).split('\n')[0]).toBe(
      '{"day":"2026-11-01","model":"custom-acme","sessions":1,"audio_seconds":60,"estimated_usd":null,"billed_usd":null,"billed_requests":0,"requests":0}',
    );
  });
});

describe('formatting', () => {
  it.each<[number, string]>([
    [0, '0:00:00'],
    [59.6, '0:01:00'],
    [3725, '1:02:05'],
    [360000, '100:00:00'],
  ])('formatAudio(%s) = %s', (seconds, text) => expect(formatAudio(seconds)).toBe(text));
  it.each<[number, string]>([
    [0, '$0.0000'],
    [0.00771, '$0.0077'],
    [12.3456789, '$12.3457'],
  ])('formatUsd(%s) = %s', (usd, text) => expect(formatUsd(usd)).toBe(text));
});

describe('MemoryUsageSource', () => {
  it('yields sessions in [since, until) and keeps billed amounts', () => {
    const source = new MemoryUsageSource([
      { startedAt: '2026-11-01T00:00:00.000Z', model: 'nova-3', audioSeconds: 1, requestIds: ['x'] },
      { startedAt: '2026-11-02T00:00:00.000Z', model: 'nova-3', audioSeconds: 1, requestIds: ['y'] },
    ]);
    const range = { since: new Date('2026-11-01T00:00:00.000Z'), until: new Date('2026-11-02T00:00:00.000Z') };
    expect([...source.sessions(range)].map((one) => one.requestIds[0])).toEqual(['x']);
    source.saveBilled('x', 0.5);
    expect([source.cachedBilled('x'), source.cachedBilled('y')]).toEqual([0.5, undefined]);
  });
});
