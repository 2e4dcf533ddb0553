/**
 * The incremental assessor (what the server runs as reports arrive) equals a full assessment.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assessJson } from '../../src/core/assess.js';
import { IncrementalAssessor } from '../../src/core/incremental.js';
import type { Problem, Report } from '../../src/core/model.js';
import { caseArb } from '../reference/arbitraries.js';
import { HOUR, calmOrAttack, makeReports, sensor } from '../reference/build.js';
import { relClose } from '../reference/compare.js';
import { refAssess, refDefaultAt } from '../reference/spec-reference.js';

const RUNS = { numRuns: 150 };

/** Differences between the incremental evaluation and a full assessment at T. */
function differences(
  problem: Problem,
  assessor: IncrementalAssessor,
  reports: readonly Report[],
  T: number,
  retracted?: ReadonlySet<string>,
): string[] {
  const actual = assessor.evaluate(T);
  const expected = assessJson(problem, reports, { at: T, ...(retracted !== undefined ? { retracted } : {}) });
  const reference = refAssess(problem, reports, { at: T, ...(retracted !== undefined ? { retracted } : {}) });
  const out: string[] = [];
  problem.hypotheses.forEach((h, i) => {
    const p = actual.posterior[i] ?? NaN;
    if (!relClose(p, expected.posterior[h.id] ?? NaN))
      out.push(`posterior ${h.id}: ${p}, assessJson ${expected.posterior[h.id]}`);
    if (!relClose(p, reference.posterior[h.id] ?? NaN))
      out.push(`posterior ${h.id}: ${p}, reference ${reference.posterior[h.id]}`);
  });
  if (actual.posterior.length !== problem.hypotheses.length)
    out.push(`${actual.posterior.length} posterior entries`);
  if (!relClose(actual.pDangerous, expected.pDangerous))
    out.push(`pDangerous ${actual.pDangerous}, assessJson ${expected.pDangerous}`);
  if (actual.leading !== expected.leading)
    out.push(`leading ${actual.leading}, assessJson ${expected.leading}`);
  return out;
}

describe('IncrementalAssessor', () => {
  it('equals assessJson after each arrival, reports added in received order', () => {
    const arb = caseArb().chain((c) =>
      fc.record({
        c: fc.constant(c),
        order: fc.shuffledSubarray(c.reports, { minLength: c.reports.length }),
      }),
    );
    fc.assert(
      fc.property(arb, ({ c: { problem }, order }) => {
        // Ties on `received` arrive in any order.
        const arrivals = [...order].sort((a, b) => a.received - b.received);
        const assessor = new IncrementalAssessor(problem);
        const added: Report[] = [];
        for (const report of arrivals) {
          assessor.add(report);
          added.push(report);
          expect(differences(problem, assessor, added, report.received)).toEqual([]);
        }
      }),
      RUNS,
    );
  });

  it('equals assessJson with reports added in any order, evaluated at or after the latest arrival', () => {
    const arb = caseArb().chain((c) =>
      fc.record({
        c: fc.constant(c),
        order: fc.shuffledSubarray(c.reports, { minLength: c.reports.length }),
        split: fc.nat(),
        laterHours: fc.array(fc.double({ min: 0, max: 200, noNaN: true }), { minLength: 2, maxLength: 2 }),
      }),
    );
    fc.assert(
      fc.property(arb, ({ c: { problem, at }, order, split, laterHours }) => {
        const cut = split % (order.length + 1);
        const first = order.slice(0, cut);
        const assessor = new IncrementalAssessor(problem);
        for (const r of first) assessor.add(r);
        const start = at ?? (order.length > 0 ? refDefaultAt(order) : 0);
        const t1 = (first.length > 0 ? refDefaultAt(first) : start) + (laterHours[0] ?? 0) * HOUR;
        expect(differences(problem, assessor, first, t1)).toEqual([]);
        for (const r of order.slice(cut)) assessor.add(r);
        const t2 = Math.max(t1, order.length > 0 ? refDefaultAt(order) : t1) + (laterHours[1] ?? 0) * HOUR;
        expect(differences(problem, assessor, order, t2)).toEqual([]);
      }),
      RUNS,
    );
  });

  it('equals assessJson with the same reports retracted', () => {
    const arb = caseArb().chain((c) =>
      fc.record({
        c: fc.constant(c),
        retracted: fc.shuffledSubarray(c.reports),
        moreHours: fc.double({ min: 0, max: 50, noNaN: true }),
      }),
    );
    fc.assert(
      fc.property(arb, ({ c: { problem, reports }, retracted, moreHours }) => {
        if (reports.length === 0) return;
        const assessor = new IncrementalAssessor(problem);
        for (const r of [...reports].sort((a, b) => a.received - b.received)) assessor.add(r);
        for (const r of retracted) assessor.retract(r);
        const T = refDefaultAt(reports) + moreHours * HOUR;
        expect(differences(problem, assessor, reports, T, new Set(retracted.map((r) => r.id)))).toEqual([]);
      }),
      RUNS,
    );
  });

  it('a retracted latest word gives the source its previous word back, as assessJson does', () => {
    // Source s said x present at 1h, then x absent at 2h; the absent report is retracted.
    // assessJson counts r1 again (a retracted report supersedes nothing): pDangerous = 0.74.
    const problem = calmOrAttack();
    const reports = makeReports([
      sensor('r1', 'x', 'present', 1, { source: 's' }),
      sensor('r2', 'x', 'absent', 2, { source: 's' }),
    ]);
    const T = reports[1]?.received ?? NaN;
    const full = assessJson(problem, reports, { at: T, retracted: new Set(['r2']) });
    expect(full.pDangerous).toBeCloseTo(0.74, 14);
    const assessor = new IncrementalAssessor(problem);
    for (const r of reports) assessor.add(r);
    assessor.retract(reports[1] as Report);
    expect(assessor.evaluate(T).pDangerous).toBeCloseTo(full.pDangerous, 14);
  });
});
