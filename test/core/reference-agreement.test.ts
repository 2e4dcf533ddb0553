/**
 * Property tests: Vigil's core reproduces the independent reference implementation of the spec
 * (test/reference/spec-reference.ts) to 1e-9 relative on random valid problems and report sets.
 * See test/reference/compare.ts for why impacts and eig also get an absolute 1e-12.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveAchMatrix, scoreAch, type AchMatrix } from '../../src/core/ach.js';
import { assessJson } from '../../src/core/assess.js';
import { fadeChannel, reportChannel } from '../../src/core/channel.js';
import { nextLevelIndex } from '../../src/core/levels.js';
import type { WarningPolicy } from '../../src/core/model.js';
import { replayLevels } from '../../src/core/replay.js';
import { estimativeWords } from '../../src/core/words.js';
import { caseArb, problemArb, reportsArb } from '../reference/arbitraries.js';
import { assessmentProblems, nearClose, relClose, topProblems } from '../reference/compare.js';
import {
  refAssess,
  refChannel,
  refDefaultAt,
  refDeriveAch,
  refFade,
  refNextLevel,
  refReplay,
  refScoreAch,
  refWords,
} from '../reference/spec-reference.js';

const RUNS = { numRuns: 150 };

describe('Vigil equals the reference implementation of the spec', () => {
  it('assessJson (sections 2-7)', () => {
    fc.assert(
      fc.property(caseArb(), ({ problem, reports, at }) => {
        const options = at === undefined ? {} : { at };
        expect(
          assessmentProblems(assessJson(problem, reports, options), refAssess(problem, reports, options)),
        ).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('assessJson with near-certain likelihoods and sensors, and more reports (sections 2-7)', () => {
    fc.assert(
      fc.property(caseArb({ extreme: true }, 40), ({ problem, reports, at }) => {
        const options = at === undefined ? {} : { at };
        expect(
          assessmentProblems(assessJson(problem, reports, options), refAssess(problem, reports, options)),
        ).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('assessJson with retracted reports (section 2.3)', () => {
    const withRetractions = caseArb().chain((c) =>
      fc.record({ c: fc.constant(c), retracted: fc.subarray(c.reports.map((r) => r.id)) }),
    );
    fc.assert(
      fc.property(withRetractions, ({ c: { problem, reports, at }, retracted }) => {
        const T = at ?? refDefaultAt(reports);
        // Retractions happen "at or before T": only reports already received can be retracted.
        const known = new Set(
          retracted.filter((id) => (reports.find((r) => r.id === id)?.received ?? Infinity) <= T),
        );
        const options = { at: T, retracted: known };
        const actual = assessJson(problem, reports, options);
        const expected = refAssess(problem, reports, options);
        expect(assessmentProblems(actual, expected)).toEqual([]);
      }),
      RUNS,
    );
  });

  it('replayLevels (section 6)', () => {
    fc.assert(
      fc.property(caseArb(), ({ problem, reports, at }) => {
        if (reports.length === 0) return;
        const T = at ?? refDefaultAt(reports);
        const actual = replayLevels(problem, reports, at === undefined ? {} : { at });
        const expected = refReplay(problem, reports, T).changes;
        const problems: string[] = [];
        if (actual.length !== expected.length)
          problems.push(`${actual.length} changes, expected ${expected.length}`);
        expected.forEach((e, k) => {
          const a = actual[k];
          if (a === undefined) return;
          if (a.at !== e.at || a.from !== e.from || a.to !== e.to || a.leading !== e.leading) {
            problems.push(
              `change #${k}: ${JSON.stringify([a.at, a.from, a.to, a.leading])}, expected ${JSON.stringify([e.at, e.from, e.to, e.leading])}`,
            );
          }
          if (!relClose(a.pDangerous, e.pDangerous))
            problems.push(`change #${k}: pDangerous ${a.pDangerous}, expected ${e.pDangerous}`);
          const impacts = new Map(e.sensitivity.map((s) => [s.report, s]));
          for (const ev of a.evidence) {
            const want = impacts.get(ev.report);
            if (want === undefined || !nearClose(ev.impact, want.impact) || ev.flips !== want.flips) {
              problems.push(`change #${k}: evidence ${JSON.stringify(ev)}, expected ${JSON.stringify(want)}`);
            }
          }
          problems.push(
            ...topProblems(
              a.evidence,
              e.sensitivity,
              3,
              (s) => Math.abs(s.impact),
              (s) => s.report,
              `change #${k} evidence`,
            ),
          );
          problems.push(
            ...topProblems(
              a.collect,
              e.collect,
              3,
              (c) => c.eig,
              (c) => c.indicator,
              `change #${k} collect`,
            ),
          );
          const advice = new Map(e.collect.map((c) => [c.indicator, c]));
          for (const c of a.collect) {
            const want = advice.get(c.indicator);
            if (
              want === undefined ||
              !relClose(c.pDangerousIfPresent, want.pDangerousIfPresent) ||
              !relClose(c.pDangerousIfAbsent, want.pDangerousIfAbsent)
            ) {
              problems.push(`change #${k}: collect ${JSON.stringify(c)}, expected ${JSON.stringify(want)}`);
            }
          }
        });
        expect(problems).toEqual([]);
      }),
      RUNS,
    );
  });

  it('nextLevelIndex (section 6, one evaluation)', () => {
    const policyArb: fc.Arbitrary<WarningPolicy> = fc
      .record({
        thresholds: fc.uniqueArray(fc.double({ min: 0.001, max: 1, noNaN: true }), { maxLength: 5 }),
        hysteresis: fc.option(fc.double({ min: 0, max: 0.99, noNaN: true }), { nil: undefined }),
      })
      .map(({ thresholds, hysteresis }) => ({
        levels: [0, ...[...thresholds].sort((a, b) => a - b)].map((threshold, k) => ({
          id: `l${k}`,
          threshold,
        })),
        ...(hysteresis !== undefined ? { hysteresis } : {}),
      }));
    const stepArb = policyArb.chain((policy) =>
      fc.record({
        policy: fc.constant(policy),
        current: fc.integer({ min: 0, max: policy.levels.length - 1 }),
        // Half the time exactly a threshold or a lowering bar: the edges are where bugs live.
        p: fc.oneof(
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.constantFrom(
            ...policy.levels.flatMap((l) => [l.threshold, l.threshold * (1 - (policy.hysteresis ?? 0.2))]),
          ),
        ),
      }),
    );
    fc.assert(
      fc.property(stepArb, ({ policy, current, p }) => {
        expect(nextLevelIndex(policy, current, p)).toBe(refNextLevel(policy, current, p));
      }),
      { numRuns: 1000 },
    );
  });

  it('reportChannel and fadeChannel (sections 2.1, 2.2)', () => {
    const arb = problemArb({ maxIndicators: 1 }).chain((problem) =>
      fc.record({
        reports: reportsArb(problem, 1, 1),
        age: fc.double({ min: 0, max: 5000, noNaN: true }),
        halfLife: fc.option(fc.double({ min: 0.01, max: 1000, noNaN: true }), { nil: undefined }),
      }),
    );
    fc.assert(
      fc.property(arb, ({ reports, age, halfLife }) => {
        const report = reports[0];
        if (report === undefined) return;
        const actual = reportChannel(report);
        const expected = refChannel(report);
        expect(relClose(actual.s, expected.s) && relClose(actual.f, expected.f)).toBe(true);
        const faded = fadeChannel(actual, age, halfLife);
        const refFaded = refFade(expected, age, halfLife);
        expect(relClose(faded.s, refFaded.s) && relClose(faded.f, refFaded.f)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('scoreAch (section 8)', () => {
    const rating = fc.constantFrom('CC', 'C', 'N', 'NA', 'I', 'II' as const);
    const weight = fc.constantFrom('High', 'Medium', 'Low' as const);
    const matrixArb: fc.Arbitrary<AchMatrix> = fc.integer({ min: 1, max: 5 }).chain((nH) => {
      const hypotheses = Array.from({ length: nH }, (_, i) => `h${i}`);
      return fc
        .array(
          fc.record({
            credibility: weight,
            relevance: weight,
            ratings: fc.array(rating, { minLength: nH, maxLength: nH }),
          }),
          { maxLength: 8 },
        )
        .map((rows) => ({
          hypotheses,
          rows: rows.map((row, k) => ({
            id: `e${k}`,
            credibility: row.credibility,
            relevance: row.relevance,
            ratings: Object.fromEntries(hypotheses.map((h, i) => [h, row.ratings[i] ?? 'N'])),
          })),
        }));
    });
    fc.assert(
      fc.property(matrixArb, (matrix) => {
        const actual = scoreAch(matrix);
        const expected = refScoreAch(matrix);
        expect(actual.hypotheses.map((h) => [h.id, h.inconsistencyScore])).toEqual(
          expected.hypotheses.map((h) => [h.id, h.inconsistencyScore]),
        );
        actual.hypotheses.forEach((h, i) => {
          expect(
            nearClose(
              h.weightedInconsistencyScore,
              expected.hypotheses[i]?.weightedInconsistencyScore ?? NaN,
            ),
          ).toBe(true);
        });
        // The spec names no tie-break for the least inconsistent: any hypothesis with the best weighted score.
        const best = Math.max(...expected.hypotheses.map((h) => h.weightedInconsistencyScore));
        const chosen = expected.hypotheses.find((h) => h.id === actual.leastInconsistent);
        expect(chosen !== undefined && nearClose(chosen.weightedInconsistencyScore, best)).toBe(true);
        expect([...actual.nonDiagnostic].sort()).toEqual([...expected.nonDiagnostic].sort());
      }),
      { numRuns: 500 },
    );
  });

  it('deriveAchMatrix (section 8)', () => {
    fc.assert(
      fc.property(caseArb(), ({ problem, reports, at }) => {
        if (reports.length === 0) return;
        const T = at ?? refDefaultAt(reports);
        const actual = deriveAchMatrix(problem, reports, T);
        const expected = refDeriveAch(problem, reports, T);
        expect(actual.hypotheses).toEqual(expected.hypotheses);
        const byId = (rows: readonly { id: string }[]) => [...rows].sort((a, b) => (a.id < b.id ? -1 : 1));
        expect(byId(actual.rows)).toEqual(byId(expected.rows));
      }),
      RUNS,
    );
  });

  it('estimativeWords (section 9)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (p) => {
        expect(estimativeWords(p)).toBe(refWords(p));
      }),
      { numRuns: 1000 },
    );
  });
});
