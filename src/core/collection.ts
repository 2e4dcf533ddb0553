/**
 * What to collect next (spec section 5): the expected information gain, in bits, of learning the
 * true state of each indicator, and what each answer would do to pDangerous.
 */
import type { CompiledProblem } from './compiled-problem.js';
import { entropyBits, logSumExp, type Bits } from './numbers.js';
import type { Posterior, StateGivenHypothesis } from './posterior.js';
import { compareIds } from './sensitivity.js';

export interface CollectionAdvice {
  readonly indicator: string;
  /** Expected reduction of the entropy of the posterior, in bits. */
  readonly eig: Bits;
  /** pDangerous if the indicator turned out truly present / truly absent. */
  readonly pDangerousIfPresent: number;
  readonly pDangerousIfAbsent: number;
}

/** The posterior conditioned on one answer: normalized p_i * u_i, computed in log space. */
function conditioned(compiled: CompiledProblem, logP: Float64Array, logU: Float64Array) {
  const logJoint = logP.map((lp, i) => lp + logU[i]!);
  const logMarginal = logSumExp(logJoint);
  const p = logJoint.map((x) => Math.exp(x - logMarginal));
  let pDangerous = 0;
  for (let i = 0; i < p.length; i++) if (compiled.dangerous[i] === 1) pDangerous += p[i]!;
  return { marginal: Math.exp(logMarginal), p, pDangerous: Math.min(1, pDangerous) };
}

/**
 * Collection advice for every indicator (reported or not), ranked by eig descending, then id.
 * Conditioned posteriors are normalized in log space, so pDangerousIfPresent stays right even
 * when presence is nearly impossible.
 */
export function collectionAdvice(compiled: CompiledProblem, posterior: Posterior, states: readonly StateGivenHypothesis[]): CollectionAdvice[] {
  const z = logSumExp(posterior.logWeights);
  const logP = posterior.logWeights.map((w) => w - z);
  const prior = entropyBits(posterior.p);
  const advice = compiled.indicatorIds.map((indicator, j): CollectionAdvice => {
    const { logU1, logU0 } = states[j]!;
    const present = conditioned(compiled, logP, logU1);
    const absent = conditioned(compiled, logP, logU0);
    const expected = present.marginal * entropyBits(present.p) + absent.marginal * entropyBits(absent.p);
    return {
      indicator,
      eig: Math.max(0, prior - expected) as Bits,
      pDangerousIfPresent: present.pDangerous,
      pDangerousIfAbsent: absent.pDangerous,
    };
  });
  return advice.sort((a, b) => b.eig - a.eig || compareIds(a.indicator, b.indicator));
}
