/**
 * The posterior over hypotheses, pDangerous, the leading hypothesis and indicator beliefs
 * (spec section 3), all in log space so that thousands of reports cannot underflow.
 */
import type { CompiledProblem } from './compiled-problem.js';
import type { IndicatorEvidence } from './evidence.js';
import { logAddExp, logSumExp } from './numbers.js';

/**
 * log( L A + (1 - L) B ) from L, 1 - L, log A and log B: the likelihood of an indicator's
 * reports under one hypothesis. Factors out the larger of A and B so nothing can underflow, and
 * adds two positive terms so no precision is lost: log A + log(L + (1 - L) B/A) when A >= B.
 */
export function logMixture(L: number, oneMinusL: number, logA: number, logB: number): number {
  return logA >= logB ? logA + Math.log(L + oneMinusL * Math.exp(logB - logA)) : logB + Math.log(L * Math.exp(logA - logB) + oneMinusL);
}

/**
 * logMixture for every hypothesis of indicator j at once, into `out` (allocated when absent):
 * one exp per indicator, one log per hypothesis.
 */
export function mixtureTerms(compiled: CompiledProblem, j: number, logA: number, logB: number, out?: Float64Array): Float64Array {
  const L = compiled.likelihood[j]!;
  const oneMinusL = compiled.oneMinusLikelihood[j]!;
  const term = out ?? new Float64Array(L.length);
  if (logA >= logB) {
    const ratio = Math.exp(logB - logA);
    for (let i = 0; i < L.length; i++) term[i] = logA + Math.log(L[i]! + oneMinusL[i]! * ratio);
  } else {
    const ratio = Math.exp(logA - logB);
    for (let i = 0; i < L.length; i++) term[i] = logB + Math.log(L[i]! * ratio + oneMinusL[i]!);
  }
  return term;
}

/** The posterior in log form: unnormalized log weights, their normalizer, and the probabilities. */
export interface Posterior {
  /** log π_i + Σ_j log(L_ij A_j + (1 - L_ij) B_j). */
  readonly logWeights: Float64Array;
  /** p_i, summing to 1. */
  readonly p: Float64Array;
  readonly pDangerous: number;
  /** Index of the leading hypothesis: the greatest p_i, ties to the first. */
  readonly leading: number;
}

/** Turns log weights into the posterior, pDangerous and the leading hypothesis. */
export function posteriorFromLogWeights(compiled: CompiledProblem, logWeights: Float64Array): Posterior {
  const z = logSumExp(logWeights);
  const p = logWeights.map((w) => Math.exp(w - z));
  let leading = 0;
  for (let i = 1; i < logWeights.length; i++) if (logWeights[i]! > logWeights[leading]!) leading = i;
  return { logWeights, p, pDangerous: dangerousMass(compiled, logWeights, z), leading };
}

/** Σ p_i over dangerous hypotheses, from log weights and their normalizer. */
export function dangerousMass(compiled: CompiledProblem, logWeights: Float64Array, z: number): number {
  let sum = 0;
  for (let i = 0; i < logWeights.length; i++) if (compiled.dangerous[i] === 1) sum += Math.exp(logWeights[i]! - z);
  return Math.min(1, sum);
}

/**
 * log term[j][i] = log(L_ij A_j + (1 - L_ij) B_j) for every reported indicator (unreported
 * indicators contribute log 1 = 0 and are left as null).
 */
export function indicatorTerms(compiled: CompiledProblem, evidence: IndicatorEvidence): (Float64Array | null)[] {
  return compiled.indicatorIds.map((_, j) => (evidence.counts[j] === 0 ? null : mixtureTerms(compiled, j, evidence.logA[j]!, evidence.logB[j]!)));
}

/** Sums priors and indicator terms into log weights. */
export function logWeightsFromTerms(compiled: CompiledProblem, terms: readonly (Float64Array | null)[]): Float64Array {
  const w = Float64Array.from(compiled.logPriors);
  for (const term of terms) {
    if (term === null) continue;
    for (let i = 0; i < w.length; i++) w[i]! += term[i]!;
  }
  return w;
}

/** For one indicator j, per hypothesis i: log u_ij and log(1 - u_ij). */
export interface StateGivenHypothesis {
  readonly logU1: Float64Array;
  readonly logU0: Float64Array;
}

/**
 * log u_ij = log P(S_j = 1 | H_i, reports) = log( L A / (L A + (1 - L) B) ), and
 * log(1 - u_ij), for one indicator. With no reports (A = B = 1) u_ij = L_ij.
 */
export function logStateGivenHypothesis(compiled: CompiledProblem, evidence: IndicatorEvidence, j: number): StateGivenHypothesis {
  const logL = compiled.logLikelihood[j]!;
  const log1mL = compiled.logOneMinusLikelihood[j]!;
  const a = evidence.logA[j]!;
  const b = evidence.logB[j]!;
  const logU1 = new Float64Array(logL.length);
  const logU0 = new Float64Array(logL.length);
  for (let i = 0; i < logL.length; i++) {
    const present = logL[i]! + a;
    const absent = log1mL[i]! + b;
    const total = logAddExp(present, absent);
    logU1[i] = present - total;
    logU0[i] = absent - total;
  }
  return { logU1, logU0 };
}

/** belief_j = Σ_i p_i u_ij: how sure we are indicator j is really present. */
export function indicatorBelief(posterior: Posterior, logU1: Float64Array): number {
  let belief = 0;
  for (let i = 0; i < logU1.length; i++) belief += posterior.p[i]! * Math.exp(logU1[i]!);
  return Math.min(1, belief);
}
