/**
 * The store over both databases: as-of assessments from the projections equal assessments of
 * the same reports from files (spec section 7), whatever order the reports arrived in, across
 * snapshots, corrections and model versions; idempotent, atomic ingest; projections rebuilt
 * from the log.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assessJson, assessmentToJson, type AssessmentJson } from '../../src/core/assess.js';
import type { Correction } from '../../src/core/corrections.js';
import { isVigilError } from '../../src/core/errors.js';
import type { Problem, Report } from '../../src/core/model.js';
import { parseProblemText } from '../../src/core/problem-file.js';
import { parseReportsText } from '../../src/core/report-file.js';
import { REPORT_RECEIVED, toWire } from '../../src/app/events.js';
import { caseArb } from '../reference/arbitraries.js';
import { assessmentProblems } from '../reference/compare.js';
import { announceUnavailable, fakeClock, Store, STORES } from './stores.js';

const demoDir = fileURLToPath(new URL('../../examples/southern-front/', import.meta.url));
const demoProblem = (parseProblemText(readFileSync(demoDir + 'problem.yaml', 'utf8'), 'yaml') as { value: Problem }).value;
const demoReports = parseReportsText(readFileSync(demoDir + 'reports.jsonl', 'utf8'), 'jsonl', demoProblem).reports;

/** Differences between a store assessment and a file assessment; ignored compared as a set. */
function differences(actual: AssessmentJson, expected: AssessmentJson): string[] {
  const sort = (a: AssessmentJson) => ({ ...a, ignored: [...a.ignored].sort((x, y) => (x.report < y.report ? -1 : 1)) });
  return assessmentProblems(sort(actual), sort(expected));
}

for (const fixture of STORES) {
  describe.runIf(fixture.unavailable === undefined)(`store on ${fixture.name}`, () => {
    let fresh: Awaited<ReturnType<typeof fixture.fresh>>;
    const open: Store[] = [];
    const openStore = async (extra: Parameters<typeof Store.open>[0] = {}) => {
      const store = await Store.open({ ...fresh.options, ...extra });
      open.push(store);
      return store;
    };
    beforeEach(async () => {
      fresh = await fixture.fresh();
    });
    afterEach(async () => {
      for (const store of open.splice(0)) await store.close();
      await fresh.dispose();
    });

    it('answers as of every instant of the demo exactly as the files do', async () => {
      const store = await openStore({ snapshotEvery: 7 });
      expect(await store.defineProblem(demoProblem, 'analyst-1')).toEqual({ id: 'southern-front', version: 1, changed: true });
      await store.recordReports('southern-front', demoReports.map((report) => ({ report })), { actor: 'system', backfill: true });
      const instants = [...new Set(demoReports.map((r) => r.received))];
      instants.push(instants[0]! - 3_600_000, instants[5]! + 1, instants[instants.length - 1]! + 86_400_000);
      for (const at of instants) {
        const fromStore = assessmentToJson(await store.assess('southern-front', at));
        expect(differences(fromStore, assessJson(demoProblem, demoReports, { at })), new Date(at).toISOString()).toEqual([]);
      }
      // The current assessment, kept up to date report by report, is the one as of the last report.
      const last = assessJson(demoProblem, demoReports);
      const [current] = await store.currentAssessments();
      expect(current).toMatchObject({ problem: 'southern-front', version: 1, level: last.level, leading: last.leading, counted: last.counted });
      expect(current?.pDangerous).toBeCloseTo(last.pDangerous, 12);
      expect(current?.instant).toBe(Date.parse(last.at));
    });

    it('gives the same answers whatever order and batches the reports arrive in', async () => {
      await fc.assert(
        fc.asyncProperty(
          caseArb({}, 16),
          fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 10 }),
          fc.integer({ min: 2, max: 6 }),
          fc.integer(),
          async (c, batchSizes, snapshotEvery, seed) => {
            const local = await fixture.fresh();
            const store = await Store.open({ ...local.options, snapshotEvery });
            try {
              await store.defineProblem(c.problem, 'analyst-1');
              const shuffled = shuffle(c.reports, seed);
              for (let k = 0, b = 0; k < shuffled.length; b++) {
                const size = batchSizes[b % batchSizes.length]!;
                await store.recordReports(c.problem.id, shuffled.slice(k, k + size).map((report) => ({ report })), { actor: 'system', backfill: true });
                k += size;
              }
              const instants = [...new Set([...c.reports.map((r) => r.received), c.at ?? 0])];
              for (const at of instants) {
                const fromStore = assessmentToJson(await store.assess(c.problem.id, at));
                expect(differences(fromStore, assessJson(c.problem, c.reports, { at })), new Date(at).toISOString()).toEqual([]);
              }
            } finally {
              await store.close();
              await local.dispose();
            }
          },
        ),
        { numRuns: 12 },
      );
    });

    it('applies retractions and regradings from their own instant on', async () => {
      const lastAt = demoReports[demoReports.length - 1]!.received;
      // History loaded a minute after the last report; the log's clock never goes back.
      const clock = fakeClock(lastAt + 60_000);
      const store = await openStore({ clock: clock.now });
      await store.defineProblem(demoProblem, 'analyst-1');
      await store.recordReports('southern-front', demoReports.map((report) => ({ report })), { actor: 'system', backfill: true });
      // Corrections made after the last report: the past before them is unchanged.
      clock.set(lastAt + 3_600_000);
      await store.retractReport('southern-front', 'sf-079', 'the monitor was misconfigured', 'analyst-2');
      clock.set(lastAt + 7_200_000);
      await store.regradeReport('southern-front', 'sf-080', { reliability: 'D', credibility: '4' }, 'source re-assessed', 'analyst-2');
      const corrections: Correction[] = [
        { kind: 'retracted', report: 'sf-079', at: lastAt + 3_600_000 },
        { kind: 'regraded', report: 'sf-080', at: lastAt + 7_200_000, grades: { reliability: 'D', credibility: '4' } },
      ];
      for (const at of [lastAt, lastAt + 3_600_000, lastAt + 5_000_000, lastAt + 7_200_000, lastAt + 9_000_000]) {
        const fromStore = assessmentToJson(await store.assess('southern-front', at));
        expect(differences(fromStore, assessJson(demoProblem, demoReports, { at, corrections })), new Date(at).toISOString()).toEqual([]);
      }
      // The current assessment shows the corrections at once: it is as of the latest of them.
      const current = (await store.currentAssessments())[0];
      const latest = assessJson(demoProblem, demoReports, { at: lastAt + 7_200_000, corrections });
      expect(current).toMatchObject({ instant: lastAt + 7_200_000, level: latest.level, leading: latest.leading, counted: latest.counted });
      expect(current?.pDangerous).toBeCloseTo(latest.pDangerous, 12);
      const after = await store.assess('southern-front', lastAt + 9_000_000);
      expect(after.ignored).toContainEqual({ report: 'sf-079', why: 'retracted' });
      expect(after.counted.find((r) => r.id === 'sf-080')?.reliability).toBe('D');
      await expect(store.retractReport('southern-front', 'nope', 'x', 'a')).rejects.toMatchObject({ code: 'REPORT_NOT_FOUND' });
    });

    it('assesses with the model version in force at T', async () => {
      const clock = fakeClock(Date.UTC(2026, 3, 1));
      const store = await openStore({ clock: clock.now });
      await store.defineProblem(demoProblem, 'analyst-1');
      await store.recordReports('southern-front', demoReports.map((report) => ({ report })), { actor: 'system', backfill: true });
      const revised: Problem = { ...demoProblem, hypotheses: demoProblem.hypotheses.map((h) => ({ ...h, prior: h.id === 'routine' ? 0.7 : h.id === 'exercise' ? 0.25 : h.prior })) };
      const versionTime = Date.UTC(2026, 3, 2);
      clock.set(versionTime);
      expect(await store.defineProblem(revised, 'senior-1')).toEqual({ id: 'southern-front', version: 2, changed: true });
      expect(await store.defineProblem(revised, 'senior-1')).toEqual({ id: 'southern-front', version: 2, changed: false });
      const at = demoReports[40]!.received;
      // Before version 2 existed: version 1 (the first, also for history older than it).
      expect(differences(assessmentToJson(await store.assess('southern-front', at)), assessJson(demoProblem, demoReports, { at }))).toEqual([]);
      // A question asked after version 2: the history is judged by the model of that moment.
      const later = await store.assess('southern-front', versionTime + 1);
      expect(later.version).toBe(2);
      expect(differences(assessmentToJson(later), assessJson(revised, demoReports, { at: versionTime + 1 }))).toEqual([]);
    });

    it('judges history loaded after a new version by the version in force then', async () => {
      const clock = fakeClock(Date.UTC(2026, 3, 1));
      const store = await openStore({ clock: clock.now, snapshotEvery: 5 });
      await store.defineProblem(demoProblem, 'analyst-1');
      const early = demoReports.filter((_r, k) => k < 40 && k !== 10);
      await store.recordReports('southern-front', early.map((report) => ({ report })), { actor: 'system', backfill: true });
      const revised: Problem = { ...demoProblem, hypotheses: demoProblem.hypotheses.map((h) => ({ ...h, prior: h.id === 'routine' ? 0.7 : h.id === 'exercise' ? 0.25 : h.prior })) };
      clock.set(Date.UTC(2026, 3, 2));
      await store.defineProblem(revised, 'senior-1');
      // The rest of the history, and a late report from its early days, loaded under version 2.
      const late = [demoReports[10]!, ...demoReports.slice(40)];
      await store.recordReports('southern-front', late.map((report) => ({ report })), { actor: 'system', backfill: true });
      for (const at of [demoReports[20]!.received, demoReports[60]!.received, demoReports[demoReports.length - 1]!.received]) {
        const fromStore = await store.assess('southern-front', at);
        expect(fromStore.version).toBe(1);
        expect(differences(assessmentToJson(fromStore), assessJson(demoProblem, demoReports, { at })), new Date(at).toISOString()).toEqual([]);
      }
    });

    it('accepts a retry, refuses a changed report id, and writes nothing of a refused batch', async () => {
      const clock = fakeClock(Date.UTC(2026, 2, 1));
      const store = await openStore({ clock: clock.now });
      await store.defineProblem(demoProblem, 'analyst-1');
      const [a, b] = demoReports as [Report, Report];
      const first = await store.recordReports('southern-front', [{ report: a }, { report: b }], { actor: 'analyst-1' });
      expect(first).toMatchObject({ accepted: 2, duplicates: 0 });
      clock.set(Date.UTC(2026, 2, 2));
      // The same content again, received later by the server's clock: a safe retry.
      const retry = await store.recordReports('southern-front', [{ report: a }], { actor: 'analyst-1' });
      expect(retry).toMatchObject({ accepted: 0, duplicates: 1 });
      const head = await store.log.head();
      const changed: Report = { ...b, observed: b.observed === 'present' ? 'absent' : 'present' };
      const error = await store
        .recordReports('southern-front', [{ report: demoReports[2]! }, { report: changed }], { actor: 'analyst-1' })
        .catch((e: unknown) => e);
      expect(isVigilError(error, 'REPORT_ID_CONFLICT')).toBe(true);
      expect((error as { details: { items: { index: number }[] } }).details.items).toEqual([{ index: 1, id: b.id }]);
      expect((await store.log.head())?.seq).toBe(head?.seq);
      const unknown = await store
        .recordReports('southern-front', [{ report: { ...a, id: 'new', indicator: 'no-such' } }], { actor: 'analyst-1' })
        .catch((e: unknown) => e);
      expect(isVigilError(unknown, 'REPORT_INVALID')).toBe(true);
      const future = await store
        .recordReports('southern-front', [{ report: { ...a, id: 'later', at: Date.UTC(2026, 2, 3) } }], { actor: 'analyst-1' })
        .catch((e: unknown) => e);
      expect(isVigilError(future, 'REPORT_INVALID')).toBe(true);
      expect((future as Error).message).toContain('#0: /at: is in the future');
      // Server-received reports carry the server's time, not the sender's.
      const stored = await store.assess('southern-front', Date.UTC(2026, 2, 3));
      expect(stored.counted.find((r) => r.id === a.id)?.received).toBe(Date.UTC(2026, 2, 1));
    });

    it('keeps one truth when two stores (two servers) write to one database in turns', async () => {
      const first = await openStore({ snapshotEvery: 6 });
      const second = await openStore({ snapshotEvery: 6 });
      await first.defineProblem(demoProblem, 'analyst-1');
      for (let k = 0, turn = 0; k < demoReports.length; turn++) {
        const size = 1 + (turn % 5);
        const writer = turn % 2 === 0 ? first : second;
        await writer.recordReports('southern-front', demoReports.slice(k, k + size).map((report) => ({ report })), { actor: 'system', backfill: true });
        k += size;
      }
      for (const at of [demoReports[30]!.received, demoReports[demoReports.length - 1]!.received]) {
        const expected = assessJson(demoProblem, demoReports, { at });
        for (const store of [first, second]) {
          expect(differences(assessmentToJson(await store.assess('southern-front', at)), expected)).toEqual([]);
        }
      }
    });

    it('rebuilds its projections from the log, and catches up with events it missed', async () => {
      const store = await openStore({ snapshotEvery: 10 });
      await store.defineProblem(demoProblem, 'analyst-1');
      await store.recordReports('southern-front', demoReports.slice(0, 60).map((report) => ({ report })), { actor: 'system', backfill: true });
      // Events appended behind the projector's back (a crash between append and projection).
      await store.log.append(
        demoReports.slice(60).map((report) => ({
          type: REPORT_RECEIVED,
          stream: 'southern-front',
          actor: 'system',
          data: { report: toWire(report), classification: 'UNCLASSIFIED', compartments: [], backfilled: true } as never,
        })),
      );
      const at = demoReports[demoReports.length - 1]!.received;
      const expected = assessJson(demoProblem, demoReports, { at });
      await store.close();
      open.pop();
      const reopened = await openStore({ snapshotEvery: 10 });
      expect(differences(assessmentToJson(await reopened.assess('southern-front', at)), expected)).toEqual([]);
      // Dropped projections are rebuilt from the log alone.
      await reopened.db.run("UPDATE proj_meta SET value = '0' WHERE name = 'schema'");
      await reopened.close();
      open.pop();
      const rebuilt = await openStore({ snapshotEvery: 10 });
      expect(differences(assessmentToJson(await rebuilt.assess('southern-front', at)), expected)).toEqual([]);
    });
  });
  if (fixture.unavailable !== undefined) {
    describe(`store on ${fixture.name}`, () => {
      it(`is NOT RUN here: ${fixture.unavailable}`, () => {
        announceUnavailable(fixture);
        // CI must run every store; only a developer's machine may lack PostgreSQL.
        expect(process.env.CI, 'CI must provide PostgreSQL (see scripts/pg-test-cluster.sh)').toBeUndefined();
      });
    });
  }
}

/** A deterministic shuffle. */
function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0;
  for (let k = out.length - 1; k > 0; k--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (k + 1);
    [out[k], out[j]] = [out[j]!, out[k]!];
  }
  return out;
}
