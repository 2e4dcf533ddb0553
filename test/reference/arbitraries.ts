/**
 * fast-check generators of valid warning problems and report sets. Values come from small pools
 * where the spec has tie rules (instants, sources, grades), so that supersession ties, shared
 * instants and repeated sources happen often; probabilities are continuous so that nothing
 * else ties by accident.
 */
import fc from 'fast-check';
import type { Problem, Report } from '../../src/core/model.js';
import { HOUR, T0, makeProblem, makeReport } from './build.js';

const unitOpen = (min = 0.01, max = 0.99): fc.Arbitrary<number> =>
  fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

export interface ProblemShape {
  readonly maxHypotheses?: number;
  readonly maxIndicators?: number;
  /** Every indicator fades (for the fading properties). */
  readonly allFade?: boolean;
  /** Likelihoods and sensor rates anywhere in (1e-9, 1 - 1e-9): near-certain evidence. */
  readonly extreme?: boolean;
}

/** The open interval likelihoods and sensor rates are drawn from. */
function rateArb(shape: ProblemShape): fc.Arbitrary<number> {
  return shape.extreme === true
    ? fc.oneof(unitOpen(1e-9, 1e-3), unitOpen(), unitOpen(1 - 1e-3, 1 - 1e-9))
    : unitOpen();
}

/** A valid problem: 2..4 hypotheses, 1..4 indicators, 1..4 levels. */
export function problemArb(shape: ProblemShape = {}): fc.Arbitrary<Problem> {
  const maxH = shape.maxHypotheses ?? 4;
  const maxI = shape.maxIndicators ?? 4;
  const halfLife = fc.double({ min: 0.5, max: 200, noNaN: true, noDefaultInfinity: true });
  return fc
    .record({
      nH: fc.integer({ min: 2, max: maxH }),
      nI: fc.integer({ min: 1, max: maxI }),
    })
    .chain(({ nH, nI }) =>
      fc.record({
        // Priors apart by more than rounding: otherwise which hypothesis leads (and so `flips`)
        // would depend on the last bit of a sum, where two correct implementations may differ.
        weights: fc.uniqueArray(unitOpen(0.05, 1), {
          minLength: nH,
          maxLength: nH,
          comparator: (a, b) => Math.abs(a - b) < 1e-6,
        }),
        dangerous: fc.array(fc.boolean(), { minLength: nH, maxLength: nH }),
        indicators: fc.array(
          fc.record({
            halfLifeHours: shape.allFade === true ? halfLife : fc.option(halfLife, { nil: undefined }),
            likelihood: fc.array(rateArb(shape), { minLength: nH, maxLength: nH }),
          }),
          { minLength: nI, maxLength: nI },
        ),
        thresholds: fc.uniqueArray(unitOpen(0.01, 0.99), { minLength: 0, maxLength: 3 }),
        hysteresis: fc.option(fc.double({ min: 0, max: 0.9, noNaN: true }), { nil: undefined }),
      }),
    )
    .map(({ weights, dangerous, indicators, thresholds, hysteresis }) => {
      const total = weights.reduce((a, b) => a + b, 0);
      const anyDangerous = dangerous.some((d) => d);
      const hypothesisIds = weights.map((_w, i) => `h${i}`);
      return makeProblem({
        id: 'generated',
        title: 'Generated problem',
        hypotheses: weights.map((w, i) => ({
          id: `h${i}`,
          title: `Hypothesis ${i}`,
          prior: w / total,
          ...((dangerous[i] ?? false) || (!anyDangerous && i === weights.length - 1)
            ? { dangerous: true }
            : {}),
        })),
        indicators: indicators.map((ind, j) => ({
          id: `i${j}`,
          title: `Indicator ${j}`,
          ...(ind.halfLifeHours !== undefined ? { halfLifeHours: ind.halfLifeHours } : {}),
          likelihood: Object.fromEntries(hypothesisIds.map((h, i) => [h, ind.likelihood[i] ?? 0.5])),
        })),
        warning: {
          levels: [0, ...[...thresholds].sort((a, b) => a - b)].map((threshold, k) => ({
            id: `level${k}`,
            threshold,
          })),
          ...(hysteresis !== undefined ? { hysteresis } : {}),
        },
      });
    });
}

/** The wire fields of one generated report, before its id is known. */
function reportFieldsArb(problem: Problem, shape: ProblemShape): fc.Arbitrary<Record<string, unknown>> {
  const grades = fc.record({
    reliability: fc.option(fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F'), { nil: undefined }),
    credibility: fc.option(fc.constantFrom('1', '2', '3', '4', '5', '6'), { nil: undefined }),
  });
  const rates = fc.record({ sensitivity: rateArb(shape), falseAlarmRate: rateArb(shape) });
  return fc
    .record({
      indicator: fc.constantFrom(...problem.indicators.map((i) => i.id)),
      observed: fc.constantFrom('present', 'absent'),
      // A small pool of whole hours makes equal `at` (and equal `received`) common.
      atHours: fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 96 })),
      delayHours: fc.constantFrom(0, 0, 1, 3),
      source: fc.option(fc.constantFrom('s1', 's2', 's3'), { nil: undefined }),
      channel: fc.oneof(grades, rates),
    })
    .map(({ indicator, observed, atHours, delayHours, source, channel }) => {
      const out: Record<string, unknown> = {
        indicator,
        observed,
        at: new Date(T0 + atHours * HOUR).toISOString(),
        received: new Date(T0 + (atHours + delayHours) * HOUR).toISOString(),
      };
      if (source !== undefined) out.source = source;
      for (const [k, v] of Object.entries(channel)) if (v !== undefined) out[k] = v;
      return out;
    });
}

/** Reports for a problem, ids r0, r1, ... (so that string order differs from number order). */
export function reportsArb(
  problem: Problem,
  minLength = 0,
  maxLength = 12,
  shape: ProblemShape = {},
): fc.Arbitrary<Report[]> {
  return fc
    .array(reportFieldsArb(problem, shape), { minLength, maxLength })
    .map((list) => list.map((fields, n) => makeReport({ id: `r${n}`, ...fields }, problem)));
}

/** An assessment instant: sometimes the default, sometimes anywhere on (or past) the timeline. */
export function atArb(): fc.Arbitrary<number | undefined> {
  return fc.option(
    fc.integer({ min: 0, max: 110 * 60 }).map((minutes) => T0 + minutes * 60_000),
    { nil: undefined },
  );
}

export interface Case {
  readonly problem: Problem;
  readonly reports: Report[];
  /** The assessment instant; undefined means the default (latest received). */
  readonly at: number | undefined;
}

/** A problem, reports and an instant; never an empty report set without an instant. */
export function caseArb(shape: ProblemShape = {}, maxReports = 12): fc.Arbitrary<Case> {
  return problemArb(shape).chain((problem) =>
    fc
      .record({
        problem: fc.constant(problem),
        reports: reportsArb(problem, 0, maxReports, shape),
        at: atArb(),
        // With near-certain evidence, sometimes assess a few milliseconds after the latest
        // report: barely faded channels are where precision is lost.
        justAfterMs:
          shape.extreme === true
            ? fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined })
            : fc.constant(undefined),
      })
      .map(({ justAfterMs, ...c }) => {
        if (c.reports.length === 0) return c.at === undefined ? { ...c, at: T0 } : c;
        if (justAfterMs === undefined) return c;
        return { ...c, at: Math.max(...c.reports.map((r) => r.received)) + justAfterMs };
      }),
  );
}
