/** The in-memory assessment of the latest state equals the assessment from the projections. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assessmentToJson } from '../../src/core/assess.js';
import type { Problem } from '../../src/core/model.js';
import { parseProblemText } from '../../src/core/problem-file.js';
import { parseReportsText } from '../../src/core/report-file.js';
import { assessmentProblems } from '../reference/compare.js';
import { announceUnavailable, Store, STORES } from './stores.js';

const demoDir = fileURLToPath(new URL('../../examples/southern-front/', import.meta.url));
const problem = (parseProblemText(readFileSync(demoDir + 'problem.yaml', 'utf8'), 'yaml') as { value: Problem }).value;
const reports = parseReportsText(readFileSync(demoDir + 'reports.jsonl', 'utf8'), 'jsonl', problem).reports;
const last = Math.max(...reports.map((r) => r.received));

/** Differences (beyond 1e-9) between two assessments, the ignored lists aside (the fast path does not list them). */
const differ = (a: Parameters<typeof assessmentToJson>[0], b: Parameters<typeof assessmentToJson>[0]) =>
  assessmentProblems({ ...assessmentToJson(a), ignored: [] }, { ...assessmentToJson(b), ignored: [] });

for (const fixture of STORES) {
  describe.runIf(fixture.unavailable === undefined)(`assessLatest on ${fixture.name}`, () => {
    let fresh: Awaited<ReturnType<typeof fixture.fresh>>;
    let store: Store;
    beforeEach(async () => {
      fresh = await fixture.fresh();
      store = await Store.open({ ...fresh.options, snapshotEvery: 10 });
      await store.defineProblem(problem, 'test');
    });
    afterEach(async () => {
      await store.close();
      await fresh.dispose();
    });

    it('equals assess at the latest report and as evidence fades after it', async () => {
      // In arrival order, a few at a time, as a live store receives them.
      const sorted = [...reports].sort((a, b) => a.received - b.received);
      for (let k = 0; k < sorted.length; k += 7) {
        await store.recordReports(problem.id, sorted.slice(k, k + 7).map((report) => ({ report })), { actor: 't', backfill: true });
        const at = sorted[Math.min(k + 6, sorted.length - 1)]!.received;
        expect(differ(await store.assessLatest(problem.id, at), await store.assess(problem.id, at, { ignored: 'count' }))).toEqual([]);
      }
      for (const hours of [0, 1, 6, 48, 24 * 30]) {
        const at = last + hours * 3_600_000;
        const full = await store.assess(problem.id, at, { ignored: 'count' });
        expect(differ(await store.assessLatest(problem.id, at), full), `${hours} h`).toEqual([]);
        const quick = await store.quickLatest(problem.id, at);
        expect(quick, `${hours} h`).toBeDefined();
        expect(quick!.level).toBe(full.level);
        expect(quick!.leading).toBe(full.leading);
        expect(quick!.pDangerous).toBeCloseTo(full.pDangerous, 9);
      }
    });

    it('falls back to the projections with corrections and for instants before the latest report', async () => {
      await store.recordReports(problem.id, reports.map((report) => ({ report })), { actor: 't', backfill: true });
      const before = last - 86_400_000;
      expect(differ(await store.assessLatest(problem.id, before), await store.assess(problem.id, before, { ignored: 'count' }))).toEqual([]);
      await store.retractReport(problem.id, reports.at(-1)!.id, 'test', 't');
      expect(await store.quickLatest(problem.id, Date.now())).toBeUndefined();
      const after = Date.now() + 1;
      expect(differ(await store.assessLatest(problem.id, after), await store.assess(problem.id, after, { ignored: 'count' }))).toEqual([]);
    });
  });
  announceUnavailable(fixture);
}
