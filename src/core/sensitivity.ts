/**
 * The evidence everything hangs on (spec section 4): for each counted report, what pDangerous
 * and the leading hypothesis would be without it. The report it superseded does not come back.
 */
import type { CompiledProblem } from './compiled-problem.js';
import type { IndicatorEvidence } from './evidence.js';
import type { Posterior, StateGivenHypothesis } from './posterior.js';

export interface ReportImpact {
  readonly report: string;
  /** pDangerous(with the report) - pDangerous(without it); signed. */
  readonly impact: number;
  /** True when the leading hypothesis differs without the report. */
  readonly flips: boolean;
}

/** Relative difference below which two weights count as tied. */
const TIE = 1e-12;

/**
 * Leave-one-out impact of every counted report, ordered by |impact| descending, then id.
 *
 * Removing report k (with a_k = P(k | S_j = 1), b_k = P(k | S_j = 0)) from indicator j divides
 * A_j by a_k and B_j by b_k, so hypothesis i's weight is multiplied by
 * (L A/a_k + (1-L) B/b_k) / (L A + (1-L) B) = u_ij / a_k + (1 - u_ij) / b_k,
 * with u_ij = P(S_j = 1 | H_i, reports). That is exactly the posterior recomputed without k, at
 * O(hypotheses) per report and with a_k, b_k bounded away from 0 by the channel.
 */
export function sensitivity(
  compiled: CompiledProblem,
  evidence: IndicatorEvidence,
  posterior: Posterior,
  states: readonly StateGivenHypothesis[],
): ReportImpact[] {
  const nH = compiled.hypothesisIds.length;
  const dangerous = compiled.dangerous;
  const p = posterior.p;
  const u1 = states.map((s) => s.logU1.map(Math.exp));
  const u0 = states.map((s) => s.logU0.map(Math.exp));
  const n = evidence.reports.length;
  const impacts = new Float64Array(n);
  const magnitudes = new Float64Array(n);
  const flips = new Uint8Array(n);
  const ids = evidence.reports.map((e) => e.report.id);
  evidence.reports.forEach((e, k) => {
    const j = e.indicator;
    const present = u1[j]!;
    const absent = u0[j]!;
    const inverseA = Math.exp(-e.logA);
    const inverseB = Math.exp(-e.logB);
    let total = 0;
    let danger = 0;
    let leading = 0;
    let best = -1;
    for (let i = 0; i < nH; i++) {
      const w = p[i]! * (present[i]! * inverseA + absent[i]! * inverseB);
      total += w;
      if (dangerous[i] === 1) danger += w;
      // Near-equal weights are a tie (to the first in file order), as exact ties are in a
      // recomputation from scratch; the closed form's rounding must not break them.
      if (w > best * (1 + TIE)) {
        best = w;
        leading = i;
      }
    }
    impacts[k] = posterior.pDangerous - Math.min(1, danger / total);
    magnitudes[k] = Math.abs(impacts[k]!);
    flips[k] = leading !== posterior.leading ? 1 : 0;
  });
  const order = Int32Array.from({ length: n }, (_, k) => k);
  order.sort((a, b) => magnitudes[b]! - magnitudes[a]! || compareIds(ids[a]!, ids[b]!));
  return Array.from(order, (k) => ({ report: ids[k]!, impact: impacts[k]!, flips: flips[k] === 1 }));
}

/** String order of ids (UTF-16 code units), as the spec's "then id". */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
