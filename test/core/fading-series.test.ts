/**
 * The fading series: re-weighing an indicator's reports shortly after its last full re-weighing
 * in O(1) gives what weighing every report gives, far within the spec's 1e-9; it declines
 * (undefined) wherever it could not, and the assessor using it still equals a full assessment.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assessJson } from '../../src/core/assess.js';
import { likelihoodTerms, type LikelihoodTerms } from '../../src/core/channel.js';
import { FadingSeries } from '../../src/core/fading-series.js';
import { IncrementalAssessor } from '../../src/core/incremental.js';
import type { Report } from '../../src/core/model.js';
import { HOUR, T0, calmOrAttack, iso, makeReport, sensor } from '../reference/build.js';
import { relClose } from '../reference/compare.js';

interface Weighed {
  readonly at: number;
  readonly terms: LikelihoodTerms;
}

/** What weighing every report at T gives (spec section 2.2), summed plainly. */
function weighAll(
  reports: readonly Weighed[],
  T: number,
  halfLifeHours: number,
): { logA: number; logB: number } {
  let logA = 0;
  let logB = 0;
  for (const { at, terms } of reports) {
    const w = T - at > 0 ? 2 ** (-(T - at) / HOUR / halfLifeHours) : 1;
    logA += Math.log(0.5 + (terms.a - 0.5) * w);
    logB += Math.log(0.5 + (terms.b - 0.5) * w);
  }
  return { logA, logB };
}

const close = (a: number, b: number): boolean =>
  Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));

const weighedArb = (maxAgeHours: number): fc.Arbitrary<Weighed> =>
  fc
    .record({
      s: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
      f: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
      observed: fc.constantFrom('present' as const, 'absent' as const),
      ageMs: fc.integer({ min: 0, max: Math.round(maxAgeHours * HOUR) }),
    })
    .map(({ s, f, observed, ageMs }) => ({ at: T0 - ageMs, terms: likelihoodTerms({ s, f }, observed) }));

describe('FadingSeries', () => {
  it('weighs a few milliseconds to seconds later as weighing every report does', () => {
    let runs = 0;
    let used = 0;
    fc.assert(
      fc.property(
        fc.array(weighedArb(72), { minLength: 1, maxLength: 300 }),
        fc.double({ min: 1, max: 200, noNaN: true }),
        fc.array(fc.integer({ min: 0, max: 3_000 }), { minLength: 1, maxLength: 8 }),
        (reports, halfLife, steps) => {
          runs += 1;
          const series = new FadingSeries(halfLife);
          const taken = series.take(T0, reports);
          expect(close(taken.logA, weighAll(reports, T0, halfLife).logA)).toBe(true);
          let T = T0;
          for (const step of steps) {
            T += step;
            const weighed = series.weigh(T);
            const exact = weighAll(reports, T, halfLife);
            if (weighed === undefined) continue; // too far for these channels: the caller weighs all
            used += 1;
            expect(close(weighed.logA, exact.logA)).toBe(true);
            expect(close(weighed.logB, exact.logB)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(used).toBeGreaterThan(runs); // more weighings by the series than runs: it was at work
  });

  it('is used a second after a full weighing on a day-long half-life, for graded reports', () => {
    const reports = Array.from({ length: 1000 }, (_, k) => ({
      at: T0 - k * 60_000,
      terms: likelihoodTerms({ s: 0.905, f: 0.095 }, k % 3 === 0 ? 'absent' : 'present'),
    }));
    const series = new FadingSeries(24);
    series.take(T0, reports);
    for (const later of [1, 10, 250, 1_000]) {
      const weighed = series.weigh(T0 + later);
      expect(weighed).toBeDefined();
      expect(close(weighed!.logA, weighAll(reports, T0 + later, 24).logA)).toBe(true);
    }
    expect(series.weigh(T0 + HOUR)).toBeUndefined(); // far: weigh every report
    expect(series.weigh(T0 - 1)).toBeUndefined(); // before the sums
  });

  it('counts and uncounts reports after the sums were taken, newer ones included', () => {
    let used = 0;
    fc.assert(
      fc.property(
        fc.array(weighedArb(48), { minLength: 0, maxLength: 100 }),
        fc.array(fc.tuple(weighedArb(1), fc.integer({ min: 0, max: 500 })), { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (initial, added, removals) => {
          const series = new FadingSeries(12);
          series.take(T0, initial);
          const all = [...initial];
          // Reports observed up to half a second after t0 (weighing more than 1 there).
          for (const [report, afterMs] of added) {
            const moved = { ...report, at: T0 + afterMs };
            series.change(moved.at, moved.terms.a, moved.terms.b, +1);
            all.push(moved);
          }
          for (const pick of removals) {
            if (all.length === 0) break;
            const [gone] = all.splice(pick % all.length, 1);
            series.change(gone!.at, gone!.terms.a, gone!.terms.b, -1);
          }
          const T = T0 + 600;
          const weighed = series.weigh(T);
          if (weighed === undefined) return;
          used += 1;
          const exact = weighAll(all, T, 12);
          expect(close(weighed.logA, exact.logA)).toBe(true);
          expect(close(weighed.logB, exact.logB)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
    expect(used).toBeGreaterThan(150); // the series, not the fallback, was what these runs checked
  });

  it('declines before the latest report and when a report was from the future at t0', () => {
    const terms = likelihoodTerms({ s: 0.8, f: 0.2 }, 'present');
    const series = new FadingSeries(10);
    series.take(T0, [{ at: T0 - HOUR, terms }]);
    series.change(T0 + 500, terms.a, terms.b, +1);
    expect(series.weigh(T0 + 499)).toBeUndefined(); // the new report is still from the future
    expect(series.weigh(T0 + 500)).toBeDefined();
    const future = new FadingSeries(10);
    future.take(T0, [{ at: T0 + 1, terms }]);
    expect(future.weigh(T0 + 2)).toBeUndefined();
  });
});

describe('IncrementalAssessor with reports arriving milliseconds apart', () => {
  it('equals assessJson after each arrival and evaluation (the series at work)', () => {
    const problem = calmOrAttack();
    const arrival = fc.record({
      gapMs: fc.integer({ min: 0, max: 400 }),
      indicator: fc.constantFrom('x', 'z', 'z', 'z'),
      observed: fc.constantFrom('present', 'absent'),
      source: fc.constantFrom('s1', 's2', 's3', 's4', 's5'),
      delayMs: fc.integer({ min: 0, max: 2_000 }),
      grades: fc.constantFrom(['A', '1'], ['B', '2'], ['C', '3'], ['F', '6']),
      evaluateAfterMs: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(arrival, { minLength: 1, maxLength: 60 }), (arrivals) => {
        const assessor = new IncrementalAssessor(problem);
        const added: Report[] = [];
        let now = T0;
        arrivals.forEach((a, n) => {
          now += a.gapMs;
          const report = makeReport(
            {
              id: `r${n}`,
              indicator: a.indicator,
              observed: a.observed,
              source: a.source,
              reliability: a.grades[0],
              credibility: a.grades[1],
              at: new Date(now - a.delayMs).toISOString(),
              received: new Date(now).toISOString(),
            },
            problem,
          );
          assessor.add(report);
          added.push(report);
          for (const T of [now, ...(a.evaluateAfterMs === undefined ? [] : [now + a.evaluateAfterMs])]) {
            const actual = assessor.evaluate(T);
            const expected = assessJson(problem, added, { at: T });
            expect(relClose(actual.pDangerous, expected.pDangerous)).toBe(true);
            problem.hypotheses.forEach((h, i) =>
              expect(relClose(actual.posterior[i]!, expected.posterior[h.id]!)).toBe(true),
            );
          }
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe('IncrementalAssessor at the edges the series must refuse', () => {
  it('weighs every report when a near-certain channel made the sums overflow, even going back in time', () => {
    const problem = calmOrAttack();
    const assessor = new IncrementalAssessor(problem);
    // Sensor reports on z (spec 2.1's s and f given), at T0 and an hour before.
    const r1 = makeReport(sensor('r1', 'z', 'present', 0, { sensitivity: 1e-100 }), problem);
    const r2 = makeReport(sensor('r2', 'z', 'present', -1), problem);
    assessor.add(r1);
    assessor.evaluate(T0);
    assessor.retract(r1);
    assessor.evaluate(T0 + HOUR);
    assessor.add(r2);
    const actual = assessor.evaluate(T0).pDangerous;
    expect(relClose(actual, assessJson(problem, [r2], { at: T0 }).pDangerous)).toBe(true);
  });

  it('replaces a counted report named by an equal copy, as by the stored object', () => {
    const problem = calmOrAttack();
    const assessor = new IncrementalAssessor(problem);
    const r1 = makeReport(
      { id: 'r1', indicator: 'z', observed: 'present', at: iso(0), reliability: 'A', credibility: '1' },
      problem,
    );
    assessor.add(r1);
    assessor.evaluate(T0 + HOUR);
    const corrected = { ...r1, reliability: 'F' as const, credibility: '6' as const };
    assessor.replace({ ...r1 }, corrected);
    for (const T of [T0 + HOUR, T0 + HOUR + 1, T0 + 3 * HOUR]) {
      expect(
        relClose(assessor.evaluate(T).pDangerous, assessJson(problem, [corrected], { at: T }).pDangerous),
      ).toBe(true);
    }
  });
});
