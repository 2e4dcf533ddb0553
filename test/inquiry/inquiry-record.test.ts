/**
 * What the inquiry and the scores say of reports loaded late, regrades made early, outcomes
 * under a later model, levels reached after the outcome: the record as it stood, hand-checked
 * on the tiny problem.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/app/store.js';
import type { Problem, Report } from '../../src/core/model.js';
import { buildInquiry } from '../../src/inquiry/inquiry.js';
import { renderInquiryHtml } from '../../src/inquiry/inquiry-html.js';
import { redactInquiry } from '../../src/inquiry/inquiry-redact.js';
import type { ReportRow } from '../../src/inquiry/inquiry-types.js';
import { recordOutcome } from '../../src/inquiry/outcome.js';
import { problemScores } from '../../src/inquiry/scores.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2023-10-07T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

const TINY: Problem = {
  id: 'tiny',
  title: 'Is the bridge going to be blown?',
  hypotheses: [
    { id: 'calm', title: 'Nothing planned', prior: 0.9 },
    { id: 'strike', title: 'A strike on the bridge', prior: 0.1, dangerous: true },
  ],
  indicators: [
    { id: 'scouts', title: 'Scouts seen at the bridge', likelihood: { calm: 0.2, strike: 0.8 } },
    { id: 'trucks', title: 'Trucks with explosives', likelihood: { calm: 0.05, strike: 0.6 } },
  ],
  warning: { levels: [{ id: 'normal', threshold: 0 }, { id: 'watch', threshold: 0.3 }, { id: 'warning', threshold: 0.5 }] },
};

function report(id: string, hour: number, indicator: string, observed: 'present' | 'absent', source: string): Report {
  return { id, indicator, observed, at: T0 + hour * HOUR, received: T0 + hour * HOUR, source, reliability: 'A', credibility: '1' };
}

let dir: string;
let store: Store;
let now = T0;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-inq-record-'));
  now = T0;
  store = await Store.open({ dataDir: dir, clock: () => new Date(now) });
  await store.defineProblem(TINY, 'senior');
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a backfilled report recorded after the window', () => {
  it('is not shown as known in the window, but listed apart as loaded later', async () => {
    now = T0 + 10 * HOUR;
    await store.recordReports('tiny', [{ report: report('late1', 1, 'trucks', 'present', 'b') }, { report: report('late2', 1, 'scouts', 'present', 'c') }], { actor: 'x', backfill: true });
    const inq = await buildInquiry(store, 'tiny', { from: T0, to: T0 + 5 * HOUR, now });
    expect(inq.reports).toEqual([]);
    expect(inq.levelChanges).toEqual([]);
    expect(inq.intervals.firstIndicator).toBeNull();
    expect(inq.atEnd.level).toBe('normal');
    expect(inq.atEnd.pDangerous).toBeCloseTo(0.1, 12);
    expect(inq.loadedLater.map((l) => [l.id, l.receivedAt, l.recordedAt, l.backfilled])).toEqual([
      ['late1', iso(T0 + HOUR), iso(T0 + 10 * HOUR), true],
      ['late2', iso(T0 + HOUR), iso(T0 + 10 * HOUR), true],
    ]);
    const html = renderInquiryHtml(inq);
    expect(html).toContain('Loaded later: not known in the window');
    expect(inq.notes.join(' ')).toContain('recorded after the window ended was not known in it');
    const { report: redacted } = redactInquiry(inq, new Set(['late1']), { name: 'reader', clearance: 'UNCLASSIFIED', compartments: [] });
    expect(redacted.loadedLater.map((l) => [l.id, l.withheld, l.receivedAt])).toEqual([
      [undefined, true, iso(T0 + HOUR)],
      ['late2', undefined, iso(T0 + HOUR)],
    ]);
    expect(redacted.withheld).toBe(1);
  });

  it('is known, with when it was recorded, once the window covers its recording', async () => {
    now = T0 + 3 * HOUR;
    await store.recordReports('tiny', [{ report: report('late1', 1, 'trucks', 'present', 'b') }], { actor: 'x', backfill: true });
    const inq = await buildInquiry(store, 'tiny', { from: T0, to: T0 + 5 * HOUR, now: T0 + 5 * HOUR });
    const row = inq.reports[0] as ReportRow;
    expect([row.id, row.receivedAt, row.recordedAt, row.backfilled]).toEqual(['late1', iso(T0 + HOUR), iso(T0 + 3 * HOUR), true]);
    expect(inq.loadedLater).toEqual([]);
    expect(renderInquiryHtml(inq)).toContain(`<b>backfilled</b>, recorded 2023-10-07 03:00:00Z`);
  });
});

describe('lead time of a level reached only after the outcome', () => {
  it('is negative, not "never reached"', async () => {
    now = T0 + HOUR;
    await store.recordReports('tiny', [{ report: report('r1', 1, 'trucks', 'absent', 'b') }], { actor: 'x' });
    now = T0 + 3 * HOUR;
    await store.recordReports('tiny', [{ report: report('r2', 3, 'trucks', 'present', 'b') }, { report: report('r3', 3, 'scouts', 'present', 'c') }], { actor: 'x' });
    expect((await store.assess('tiny', now)).level).toBe('warning');
    now = T0 + 4 * HOUR;
    await recordOutcome(store, 'tiny', { hypothesis: 'strike', at: T0 + 2 * HOUR }, 'senior', now);
    const s = await problemScores(store, 'tiny', {}, now);
    expect(s.leadTimes.map((l) => [l.level, l.leadMs, l.leadText])).toEqual([
      ['watch', -HOUR, '1 h after the outcome'],
      ['warning', -HOUR, '1 h after the outcome'],
    ]);
  });
});

describe('an outcome under a later model version', () => {
  it('keeps its meaning when a new version renames its hypothesis', async () => {
    now = T0 + HOUR;
    await store.recordReports('tiny', [{ report: report('r1', 1, 'trucks', 'present', 'b') }], { actor: 'x' });
    now = T0 + 2 * HOUR;
    await recordOutcome(store, 'tiny', { hypothesis: 'strike', at: T0 + 2 * HOUR }, 'senior', now);
    const before = await problemScores(store, 'tiny', {}, now);
    now = T0 + 3 * HOUR;
    await store.defineProblem(
      {
        ...TINY,
        hypotheses: [TINY.hypotheses[0]!, { id: 'attack', title: 'An attack', prior: 0.1, dangerous: true }],
        indicators: TINY.indicators.map((i) => ({ ...i, likelihood: { calm: i.likelihood.calm!, attack: i.likelihood.strike! } })),
      },
      'senior',
    );
    const after = await problemScores(store, 'tiny', {}, now);
    expect(before.outcome?.dangerous).toBe(true);
    expect(after.outcome?.dangerous).toBe(true);
    expect(after.official?.dangerBrier).toBeCloseTo(before.official!.dangerBrier!, 12);
    const inq = await buildInquiry(store, 'tiny', { now });
    expect(inq.outcomes.map((o) => [o.hypothesis, o.hypothesisTitle, o.dangerous])).toEqual([['strike', 'A strike on the bridge', true]]);
  });
});

describe('a regrade made before the report it regrades was received', () => {
  it('applies from the report\'s arrival, as in the store', async () => {
    now = T0 + HOUR;
    await store.recordReports('tiny', [{ report: report('fut', 5, 'trucks', 'present', 'b') }], { actor: 'x', backfill: true });
    now = T0 + 2 * HOUR;
    await store.regradeReport('tiny', 'fut', { reliability: 'E', credibility: '5' }, 'worthless', 'senior');
    now = T0 + 10 * HOUR;
    const inq = await buildInquiry(store, 'tiny', { now });
    const row = inq.reports.find((r): r is ReportRow => r.withheld !== true && r.id === 'fut')!;
    expect(row.pAfter).toBeCloseTo((await store.assess('tiny', T0 + 5 * HOUR)).pDangerous, 12);
    expect(row.grade).toBe('A1');
  });
});

describe('scores of an outcome that precedes the first report', () => {
  it('score the outcome\'s own instant by default instead of refusing', async () => {
    now = T0 + 5 * HOUR;
    await store.recordReports('tiny', [{ report: report('r1', 5, 'trucks', 'present', 'b') }], { actor: 'x' });
    await recordOutcome(store, 'tiny', { hypothesis: 'strike', at: T0 + HOUR }, 'senior', now);
    const s = await problemScores(store, 'tiny', {}, now);
    expect([s.window.from, s.window.to, s.window.instants]).toEqual([iso(T0 + HOUR), iso(T0 + HOUR), 1]);
    expect(s.series[0]!.pDangerous).toBeCloseTo(0.1, 12);
    await expect(problemScores(store, 'tiny', { from: T0 + 2 * HOUR }, now)).rejects.toMatchObject({ code: 'REQUEST_INVALID' });
  });
});

describe('the scores recomputed from the log, with corrections, a backfill and a new model version', () => {
  it('equal the store\'s as-of assessment at every instant', async () => {
    now = T0 + HOUR;
    await store.recordReports('tiny', [{ report: report('a', 1, 'trucks', 'present', 'b') }, { report: report('b', 1, 'scouts', 'present', 'c') }], { actor: 'x' });
    now = T0 + 2 * HOUR;
    await store.recordReports('tiny', [{ report: report('c', 2, 'trucks', 'absent', 'b') }], { actor: 'x' });
    now = T0 + 3 * HOUR;
    await store.retractReport('tiny', 'c', 'wrong bridge', 'senior');
    now = T0 + 4 * HOUR;
    await store.regradeReport('tiny', 'b', { reliability: 'C', credibility: '3' }, 'second-hand', 'senior');
    now = T0 + 5 * HOUR;
    await store.defineProblem({ ...TINY, indicators: TINY.indicators.map((i) => (i.id === 'scouts' ? { ...i, halfLifeHours: 2 } : i)) }, 'senior');
    now = T0 + 6 * HOUR;
    await store.recordReports('tiny', [{ report: report('d', 0.5, 'scouts', 'absent', 'd') }], { actor: 'x', backfill: true });
    now = T0 + 8 * HOUR;
    await recordOutcome(store, 'tiny', { hypothesis: 'calm', at: now }, 'senior', now);
    const s = await problemScores(store, 'tiny', { every: 15 * 60_000 }, now);
    expect(s.series.length).toBe(31);
    for (const x of s.series) {
      const a = await store.assess('tiny', Date.parse(x.at), { ignored: 'count' });
      expect([x.at, x.level, x.leading]).toEqual([x.at, a.level, a.leading]);
      expect(x.pDangerous, x.at).toBeCloseTo(a.pDangerous, 9);
    }
  });
});
