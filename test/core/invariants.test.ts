/**
 * Property tests of what the spec promises whatever the numbers (issue 2, section 5): the
 * posterior is a distribution, report order never matters, E/5 reports change nothing, a source
 * repeating itself is not corroboration, leave-one-out is re-assessment without the report,
 * thousands of strong reports do not underflow, and a very old report is as good as none.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assessJson, type AssessmentJson } from '../../src/core/assess.js';
import type { Report } from '../../src/core/model.js';
import { caseArb, problemArb, reportsArb, type Case } from '../reference/arbitraries.js';
import { HOUR, T0, makeProblem, makeReport, makeReports } from '../reference/build.js';
import { assessmentProblems, nearClose, relClose } from '../reference/compare.js';
import { refDefaultAt, refPosterior, refSelect } from '../reference/spec-reference.js';

const RUNS = { numRuns: 150 };

function instantOf(c: Case): number {
  return c.at ?? refDefaultAt(c.reports);
}

/** Every difference between two assessments (numbers to 1e-9 relative, as in the reference comparison). */
function sameAssessment(a: AssessmentJson, b: AssessmentJson): string[] {
  return assessmentProblems(a, b);
}

describe('the posterior is a probability distribution (spec 3)', () => {
  it('sums to 1; pDangerous, beliefs and advice are probabilities and agree with each other', () => {
    fc.assert(
      fc.property(caseArb(), (c) => {
        const a = assessJson(c.problem, c.reports, c.at === undefined ? {} : { at: c.at });
        const p = c.problem.hypotheses.map((h) => a.posterior[h.id] ?? NaN);
        for (const x of p) expect(x >= 0 && x <= 1).toBe(true);
        expect(Math.abs(p.reduce((s, x) => s + x, 0) - 1)).toBeLessThan(1e-12);
        const dangerous = c.problem.hypotheses.reduce(
          (s, h, i) => s + (h.dangerous === true ? (p[i] ?? NaN) : 0),
          0,
        );
        expect(relClose(a.pDangerous, dangerous)).toBe(true);
        const maxEig = Math.log2(c.problem.hypotheses.length);
        for (const ind of a.indicators) expect(ind.belief >= 0 && ind.belief <= 1).toBe(true);
        for (const advice of a.collect) {
          expect(advice.eig).toBeGreaterThanOrEqual(-1e-12);
          expect(advice.eig).toBeLessThanOrEqual(maxEig + 1e-12);
          // Total probability: P(S=1) = belief, so belief·pD|present + (1 - belief)·pD|absent = pDangerous.
          const belief = a.indicators.find((i) => i.id === advice.indicator)?.belief ?? NaN;
          const total = belief * advice.pDangerousIfPresent + (1 - belief) * advice.pDangerousIfAbsent;
          expect(nearClose(total, a.pDangerous)).toBe(true);
        }
      }),
      RUNS,
    );
  });
});

describe('report order never matters (spec 2.3)', () => {
  it('any permutation of the report file gives the same assessment', () => {
    const arb = caseArb().chain((c) =>
      fc.record({
        c: fc.constant(c),
        shuffled: fc.shuffledSubarray(c.reports, { minLength: c.reports.length }),
      }),
    );
    fc.assert(
      fc.property(arb, ({ c, shuffled }) => {
        const options = c.at === undefined ? {} : { at: c.at };
        expect(
          sameAssessment(assessJson(c.problem, shuffled, options), assessJson(c.problem, c.reports, options)),
        ).toEqual([]);
      }),
      RUNS,
    );
  });
});

describe('an E or 5 report changes nothing (spec 2.1)', () => {
  it('adding one from a new source leaves every number as it was', () => {
    const arb = caseArb().chain((c) =>
      fc.record({
        c: fc.constant(c),
        indicator: fc.constantFrom(...c.problem.indicators.map((i) => i.id)),
        observed: fc.constantFrom('present', 'absent'),
        grades: fc.oneof(
          fc.record({
            reliability: fc.constant('E'),
            credibility: fc.constantFrom('1', '2', '3', '4', '5', '6'),
          }),
          fc.record({
            reliability: fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F'),
            credibility: fc.constant('5'),
          }),
        ),
        ageHours: fc.integer({ min: 0, max: 48 }),
      }),
    );
    fc.assert(
      fc.property(arb, ({ c, indicator, observed, grades, ageHours }) => {
        const T = instantOf(c);
        // Received at T, so the replay evaluates at the same instants as without it.
        const e5 = makeReport({
          id: 'uninformative',
          source: 'uninformative-source',
          indicator,
          observed,
          at: new Date(T - ageHours * HOUR).toISOString(),
          received: new Date(T).toISOString(),
          ...grades,
        });
        const before = assessJson(c.problem, c.reports, { at: T });
        const after = assessJson(c.problem, [...c.reports, e5], { at: T });
        const own = after.sensitivity.find((s) => s.report === 'uninformative');
        expect(own !== undefined && Math.abs(own.impact) <= 1e-12 && !own.flips).toBe(true);
        const withoutOwn: AssessmentJson = {
          ...after,
          indicators: after.indicators.map((i) =>
            i.id === indicator ? { ...i, reports: i.reports - 1 } : i,
          ),
          sensitivity: after.sensitivity.filter((s) => s.report !== 'uninformative'),
          counted: after.counted - 1,
        };
        expect(sameAssessment(withoutOwn, before)).toEqual([]);
      }),
      RUNS,
    );
  });
});

describe('a source repeating itself is not corroboration (spec 2.3)', () => {
  it('a copy of a counted report, from the same source, changes nothing', () => {
    const arb = caseArb({}, 10)
      .filter((c) => c.reports.length > 0)
      .chain((c) =>
        fc.record({
          c: fc.constant(c),
          pick: fc.nat(),
          laterFraction: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
      );
    fc.assert(
      fc.property(arb, ({ c, pick, laterFraction }) => {
        const T = instantOf(c);
        const counted = refSelect(c.reports, T).counted;
        if (counted.length === 0) return;
        const original = counted[pick % counted.length] as Report;
        const fades =
          c.problem.indicators.find((i) => i.id === original.indicator)?.halfLifeHours !== undefined;
        // Said again later (only where evidence does not fade: a fresher word on a fading indicator is worth more).
        const atAgain = fades ? original.at : original.at + Math.floor((T - original.at) * laterFraction);
        const again: Report = { ...original, id: `${original.id}-again`, at: atAgain, received: T };
        const before = assessJson(c.problem, c.reports, { at: T });
        const after = assessJson(c.problem, [...c.reports, again], { at: T });
        // The repeat counts in place of the original (it is the later word): rename it back to compare.
        const renamed: AssessmentJson = {
          ...after,
          sensitivity: after.sensitivity.map((s) =>
            s.report === again.id ? { ...s, report: original.id } : s,
          ),
          ignored: before.ignored,
        };
        expect(after.counted).toBe(before.counted);
        expect(sameAssessment(renamed, before)).toEqual([]);
      }),
      RUNS,
    );
  });
});

describe('a retracted report does not count (spec 2.3)', () => {
  it('retracting reports equals assessing the file without them', () => {
    const arb = caseArb().chain((c) =>
      fc.record({ c: fc.constant(c), retracted: fc.subarray(c.reports.map((r) => r.id)) }),
    );
    fc.assert(
      fc.property(arb, ({ c, retracted }) => {
        const T = instantOf(c);
        const gone = new Set(retracted);
        const a = assessJson(c.problem, c.reports, { at: T, retracted: gone });
        const b = assessJson(
          c.problem,
          c.reports.filter((r) => !gone.has(r.id)),
          { at: T },
        );
        // The retracted reports are listed as such (when received by T), and nothing else differs.
        const retractedEntries = a.ignored
          .filter((i) => i.why === 'retracted')
          .map((i) => i.report)
          .sort();
        expect(retractedEntries).toEqual(
          c.reports
            .filter((r) => gone.has(r.id) && r.received <= T)
            .map((r) => r.id)
            .sort(),
        );
        const rest: AssessmentJson = { ...a, ignored: a.ignored.filter((i) => !gone.has(i.report)) };
        expect(sameAssessment(rest, b)).toEqual([]);
      }),
      RUNS,
    );
  });
});

describe('leave-one-out is re-assessment without the report (spec 4)', () => {
  it('impact and flips equal a fresh assessment of the other counted reports', () => {
    fc.assert(
      fc.property(caseArb(), (c) => {
        const T = instantOf(c);
        const full = assessJson(c.problem, c.reports, { at: T });
        const ignoredIds = new Set(full.ignored.map((i) => i.report));
        // Only the counted reports: what k superseded must not come back.
        const counted = c.reports.filter((r) => !ignoredIds.has(r.id));
        expect(full.sensitivity.map((s) => s.report).sort()).toEqual(counted.map((r) => r.id).sort());
        for (const s of full.sensitivity) {
          const without = assessJson(
            c.problem,
            counted.filter((r) => r.id !== s.report),
            { at: T },
          );
          expect(nearClose(s.impact, full.pDangerous - without.pDangerous)).toBe(true);
          expect(s.flips).toBe(without.leading !== full.leading);
        }
      }),
      RUNS,
    );
  });
});

describe('10,000 strong reports on one indicator (spec 3: no underflow)', () => {
  // priors 0.2 / 0.3 / 0.5; P(k present) = 0.9 / 0.5 / 0.1; A/1 reports: q = 0.905.
  // 10,000 "present": A = 0.905^10000 ≈ 10^-434 and B = 0.095^10000 ≈ 10^-10223 both underflow
  // a double. In log space, Λ_i = L_i A + (1 - L_i) B ≈ L_i A, so p_i → π_i L_i / Σ π L:
  //   (0.18, 0.15, 0.05) / 0.38.  For "absent": p_i → π_i (1 - L_i) / Σ = (0.02, 0.15, 0.45) / 0.62.
  const problem = makeProblem({
    id: 'strong',
    title: 'Strong evidence',
    hypotheses: [
      { id: 'offensive', title: 'Offensive', prior: 0.2, dangerous: true },
      { id: 'raid', title: 'Raid', prior: 0.3, dangerous: true },
      { id: 'routine', title: 'Routine', prior: 0.5 },
    ],
    indicators: [
      { id: 'k', title: 'K', likelihood: { offensive: 0.9, raid: 0.5, routine: 0.1 } },
      { id: 'other', title: 'Other', likelihood: { offensive: 0.4, raid: 0.5, routine: 0.6 } },
    ],
    warning: {
      levels: [
        { id: 'normal', threshold: 0 },
        { id: 'warning', threshold: 0.5 },
      ],
    },
  });
  const strong = (
    n: number,
    observed: (k: number) => 'present' | 'absent',
    source: (k: number) => string,
  ): Report[] =>
    makeReports(
      Array.from({ length: n }, (_, k) => ({
        id: `r${k}`,
        source: source(k),
        indicator: 'k',
        observed: observed(k),
        at: '2023-10-01T00:00:00Z',
        reliability: 'A',
        credibility: '1',
      })),
    );

  function expectSane(a: AssessmentJson, expected: readonly number[]): void {
    const p = problem.hypotheses.map((h) => a.posterior[h.id] ?? NaN);
    for (const x of p) expect(Number.isFinite(x)).toBe(true);
    expect(Math.abs(p.reduce((s, x) => s + x, 0) - 1)).toBeLessThan(1e-12);
    p.forEach((x, i) => expect(relClose(x, expected[i] ?? NaN)).toBe(true));
    expect(Number.isFinite(a.pDangerous)).toBe(true);
    for (const i of a.indicators) expect(Number.isFinite(i.belief)).toBe(true);
    for (const s of a.sensitivity) expect(Number.isFinite(s.impact)).toBe(true);
    for (const c of a.collect) {
      expect(
        Number.isFinite(c.eig) &&
          Number.isFinite(c.pDangerousIfPresent) &&
          Number.isFinite(c.pDangerousIfAbsent),
      ).toBe(true);
    }
  }

  it('10,000 sources saying present: p → π L / Σ π L, the indicator is known present', () => {
    const reports = strong(
      10_000,
      () => 'present',
      (k) => `s${k}`,
    );
    const a = assessJson(problem, reports);
    expectSane(a, [0.18 / 0.38, 0.15 / 0.38, 0.05 / 0.38]);
    expect(a.counted).toBe(10_000);
    expect(a.leading).toBe('offensive');
    expect(a.indicators[0]?.belief).toBeCloseTo(1, 12);
    // One report among 10,000 moves nothing.
    expect(a.sensitivity).toHaveLength(10_000);
    for (const s of a.sensitivity) {
      expect(Math.abs(s.impact)).toBeLessThan(1e-12);
      expect(s.flips).toBe(false);
    }
    // Nothing left to learn about k; pD|present equals pD, and pD|absent is still well defined:
    // p_i (1 - u_i) ∝ π_i (1 - L_i) B, so pDangerousIfAbsent = (0.02 + 0.15) / 0.62.
    const k = a.collect.find((c) => c.indicator === 'k');
    expect(Math.abs(k?.eig ?? NaN)).toBeLessThan(1e-12);
    expect(relClose(k?.pDangerousIfPresent ?? NaN, 0.33 / 0.38)).toBe(true);
    expect(relClose(k?.pDangerousIfAbsent ?? NaN, 0.17 / 0.62)).toBe(true);
    // and the reference agrees on the posterior
    const ref = refPosterior(problem, reports, T0);
    ref.p.forEach((x, i) =>
      expect(relClose(x, a.posterior[problem.hypotheses[i]?.id ?? ''] ?? NaN)).toBe(true),
    );
  });

  it('10,000 sources saying absent: p → π (1 - L) / Σ', () => {
    const a = assessJson(
      problem,
      strong(
        10_000,
        () => 'absent',
        (k) => `s${k}`,
      ),
    );
    expectSane(a, [0.02 / 0.62, 0.15 / 0.62, 0.45 / 0.62]);
    expect(a.leading).toBe('routine');
    expect(a.indicators[0]?.belief).toBeCloseTo(0, 12);
  });

  it('5,000 present and 5,000 absent cancel out exactly: the prior', () => {
    // A = q^5000 (1 - q)^5000 = B, so every Λ_i = A: the posterior is the prior.
    const a = assessJson(
      problem,
      strong(
        10_000,
        (k) => (k % 2 === 0 ? 'present' : 'absent'),
        (k) => `s${k}`,
      ),
    );
    expectSane(a, [0.2, 0.3, 0.5]);
  });

  it('10,000 repeats from one source are one report', () => {
    // one A/1 present: factors 0.9*0.905 + 0.1*0.095 = 0.824, 0.5, 0.1*0.905 + 0.9*0.095 = 0.176
    // π Λ = (0.1648, 0.15, 0.088), sum 0.4028
    const a = assessJson(
      problem,
      strong(
        10_000,
        () => 'present',
        () => 'same-source',
      ),
    );
    expect(a.counted).toBe(1);
    expect(a.ignored).toHaveLength(9_999);
    expectSane(a, [0.1648 / 0.4028, 0.15 / 0.4028, 0.088 / 0.4028]);
  });
});

describe('fading to a very old report approaches no report (spec 2.2)', () => {
  it('on indicators that fade, reports 10^7 hours old leave the prior', () => {
    const arb = problemArb({ allFade: true }).chain((problem) =>
      fc.record({ problem: fc.constant(problem), reports: reportsArb(problem, 1, 10) }),
    );
    fc.assert(
      fc.property(arb, ({ problem, reports }) => {
        const T = refDefaultAt(reports) + 1e7 * HOUR;
        const a = assessJson(problem, reports, { at: T });
        const none = assessJson(problem, [], { at: T });
        problem.hypotheses.forEach((h) => {
          expect(Math.abs((a.posterior[h.id] ?? NaN) - h.prior)).toBeLessThan(1e-12);
          expect(Math.abs((none.posterior[h.id] ?? NaN) - h.prior)).toBeLessThan(1e-12);
        });
        for (const s of a.sensitivity) expect(Math.abs(s.impact)).toBeLessThan(1e-12);
        a.indicators.forEach((ind, j) =>
          expect(Math.abs(ind.belief - (none.indicators[j]?.belief ?? NaN))).toBeLessThan(1e-12),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('one report moves the posterior less and less as it ages', () => {
    const arb = problemArb({ allFade: true, maxIndicators: 1 }).chain((problem) =>
      fc.record({ problem: fc.constant(problem), reports: reportsArb(problem, 1, 1) }),
    );
    fc.assert(
      fc.property(arb, ({ problem, reports }) => {
        const report = reports[0] as Report;
        const h = problem.indicators[0]?.halfLifeHours as number;
        const priorDangerous = problem.hypotheses.reduce(
          (s, x) => s + (x.dangerous === true ? x.prior : 0),
          0,
        );
        let previous = Infinity;
        for (let halfLives = 0; halfLives <= 64; halfLives += 2) {
          const a = assessJson(problem, reports, { at: report.received + halfLives * h * HOUR });
          const distance = Math.abs(a.pDangerous - priorDangerous);
          expect(distance).toBeLessThanOrEqual(previous + 1e-15);
          previous = distance;
        }
        expect(previous).toBeLessThan(1e-12);
      }),
      { numRuns: 100 },
    );
  });
});
