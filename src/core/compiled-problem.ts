/**
 * A problem laid out for arithmetic: arrays indexed by hypothesis (i) and indicator (j), with
 * the logarithms the posterior needs computed once.
 */
import type { Problem } from './model.js';

export interface CompiledProblem {
  readonly problem: Problem;
  readonly hypothesisIds: readonly string[];
  readonly logPriors: Float64Array;
  /** 1 for a dangerous hypothesis, else 0. */
  readonly dangerous: Uint8Array;
  readonly indicatorIds: readonly string[];
  readonly indicatorIndex: ReadonlyMap<string, number>;
  /** Half-life per indicator in hours, or undefined when it never fades. */
  readonly halfLifeHours: readonly (number | undefined)[];
  /** likelihood[j][i] = P(indicator j truly present | hypothesis i). */
  readonly likelihood: readonly Float64Array[];
  /** 1 - L_ij. */
  readonly oneMinusLikelihood: readonly Float64Array[];
  /** log L_ij and log(1 - L_ij). */
  readonly logLikelihood: readonly Float64Array[];
  readonly logOneMinusLikelihood: readonly Float64Array[];
}

const cache = new WeakMap<Problem, CompiledProblem>();

/** Compiles (once per problem object) a validated problem for the assessment arithmetic. */
export function compileProblem(problem: Problem): CompiledProblem {
  const cached = cache.get(problem);
  if (cached) return cached;
  const hypothesisIds = problem.hypotheses.map((h) => h.id);
  const compiled: CompiledProblem = {
    problem,
    hypothesisIds,
    logPriors: Float64Array.from(problem.hypotheses, (h) => Math.log(h.prior)),
    dangerous: Uint8Array.from(problem.hypotheses, (h) => (h.dangerous === true ? 1 : 0)),
    indicatorIds: problem.indicators.map((ind) => ind.id),
    indicatorIndex: new Map(problem.indicators.map((ind, j) => [ind.id, j])),
    halfLifeHours: problem.indicators.map((ind) => ind.halfLifeHours),
    likelihood: problem.indicators.map((ind) => Float64Array.from(hypothesisIds, (h) => ind.likelihood[h] ?? NaN)),
    oneMinusLikelihood: problem.indicators.map((ind) => Float64Array.from(hypothesisIds, (h) => 1 - (ind.likelihood[h] ?? NaN))),
    logLikelihood: problem.indicators.map((ind) => Float64Array.from(hypothesisIds, (h) => Math.log(ind.likelihood[h] ?? NaN))),
    logOneMinusLikelihood: problem.indicators.map((ind) =>
      Float64Array.from(hypothesisIds, (h) => Math.log1p(-(ind.likelihood[h] ?? NaN))),
    ),
  };
  cache.set(problem, compiled);
  return compiled;
}
