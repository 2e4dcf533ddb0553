/**
 * A report's idempotency key names one (problem, report id) pair whatever the ids hold: colons
 * in a problem's id and pairs too long for the log's keys get a key of their own.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPORT_RECEIVED, toWire, type ReportReceivedData } from '../../src/app/events.js';
import { reportKey } from '../../src/app/store.js';
import type { Problem, Report } from '../../src/core/model.js';
import { parseProblemText } from '../../src/core/problem-file.js';
import { announceUnavailable, Store, STORES } from './stores.js';

const demoDir = fileURLToPath(new URL('../../examples/southern-front/', import.meta.url));
const demo = (parseProblemText(readFileSync(demoDir + 'problem.yaml', 'utf8'), 'yaml') as { value: Problem }).value;
const withId = (id: string): Problem => ({ ...demo, id });
const report = (id: string, source = 'observer'): Report => ({
  id,
  indicator: demo.indicators[0]!.id,
  observed: 'present',
  at: Date.UTC(2023, 9, 6, 12),
  received: Date.UTC(2023, 9, 6, 12, 5),
  source,
  reliability: 'B',
  credibility: '2',
});

describe('reportKey', () => {
  it('keeps the form earlier versions wrote where it names one pair, so their retries are still recognised', () => {
    expect(reportKey('southern-front', 'r-17')).toBe('report:southern-front:r-17');
    expect(reportKey('p', 'a:b')).toBe('report:p:a:b');
  });

  it('gives different pairs different keys, each within the log limit of 256 characters', () => {
    const pairs: [string, string][] = [
      ['x:y', 'z'],
      ['x', 'y:z'],
      ['x:', 'z'],
      ['x', ':z'],
      ['p'.repeat(200), 'r'.repeat(200)],
      ['p'.repeat(200), 'r'.repeat(199)],
    ];
    const keys = pairs.map(([p, r]) => reportKey(p, r));
    expect(new Set(keys).size).toBe(pairs.length);
    for (const key of keys) expect(key.length).toBeLessThanOrEqual(256);
  });
});

for (const fixture of STORES) {
  describe.runIf(fixture.unavailable === undefined)(`report keys on ${fixture.name}`, () => {
    let fresh: Awaited<ReturnType<typeof fixture.fresh>>;
    let store: Store;
    beforeEach(async () => {
      fresh = await fixture.fresh();
      store = await Store.open(fresh.options);
    });
    afterEach(async () => {
      await store.close();
      await fresh.dispose();
    });

    it('stores report z of problem x:y and report y:z of problem x, each once', async () => {
      await store.defineProblem(withId('x:y'), 't');
      await store.defineProblem(withId('x'), 't');
      expect(await store.recordReports('x:y', [{ report: report('z') }], { actor: 't', backfill: true })).toMatchObject({ accepted: 1 });
      expect(await store.recordReports('x', [{ report: report('y:z', 'other') }], { actor: 't', backfill: true })).toMatchObject({ accepted: 1 });
      // Retries are duplicates; different content under a stored id is a conflict.
      expect(await store.recordReports('x', [{ report: report('y:z', 'other') }], { actor: 't', backfill: true })).toMatchObject({ accepted: 0, duplicates: 1 });
      await expect(store.recordReports('x:y', [{ report: report('z', 'changed') }], { actor: 't', backfill: true })).rejects.toMatchObject({ code: 'REPORT_ID_CONFLICT' });
      expect((await store.assess('x:y', Date.UTC(2023, 9, 7), { ignored: 'count' })).counted.map((r) => r.id)).toEqual(['z']);
      expect((await store.assess('x', Date.UTC(2023, 9, 7), { ignored: 'count' })).counted.map((r) => r.id)).toEqual(['y:z']);
    });

    it('stores a report whose problem and report ids are both 200 characters long, and knows its retry', async () => {
      const problemId = 'p'.repeat(200);
      const id = 'r'.repeat(200);
      await store.defineProblem(withId(problemId), 't');
      expect(await store.recordReports(problemId, [{ report: report(id) }, { report: report('short', 'other') }], { actor: 't', backfill: true })).toMatchObject({ accepted: 2 });
      expect(await store.recordReports(problemId, [{ report: report(id) }], { actor: 't', backfill: true })).toMatchObject({ accepted: 0, duplicates: 1 });
    });

    it('keeps projecting when a store written under the old key form holds a report that is then sent again', async () => {
      await store.defineProblem(withId('x:y'), 't');
      // What an earlier version appended for report z of problem x:y.
      const data: ReportReceivedData = { backfilled: true, classification: 'UNCLASSIFIED', compartments: [], report: toWire(report('z')) };
      await store.append([{ type: REPORT_RECEIVED, stream: 'x:y', actor: 't', data: { ...data }, dedupe: { key: 'report:x:y:z' } }]);
      // Sent again: the new key is not the old one, so the log takes it a second time.
      expect(await store.recordReports('x:y', [{ report: report('z') }], { actor: 't', backfill: true })).toMatchObject({ accepted: 1 });
      expect(await store.recordReports('x:y', [{ report: report('other', 'other') }], { actor: 't', backfill: true })).toMatchObject({ accepted: 1 });
      const rows = await store.db.all<{ id: string }>('SELECT id FROM proj_reports WHERE problem = ? ORDER BY seq', ['x:y']);
      expect(rows.map((r) => r.id)).toEqual(['z', 'other']);
      expect((await store.assess('x:y', Date.UTC(2023, 9, 7), { ignored: 'count' })).counted.map((r) => r.id).sort()).toEqual(['other', 'z']);
    });
  });
  announceUnavailable(fixture);
}
