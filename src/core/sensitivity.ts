/**
 * The evidence everything hangs on (spec section 4): for each counted report, what pDangerous
 * and the leading hypothesis would be without it. The report it superseded does not come back.
 */
import type { CompiledProblem } from './compiled-problem.js';
import type { IndicatorEvidence } from './evidence.js';
import { logSumExp } from './numbers.js';
import { dangerousMass, logMixture, type Posterior } from './posterior.js';

export interface ReportImpact {
  readonly report: string;
  /** pDangerous(with the report) - pDangerous(without it); signed. */
  readonly impact: number;
  /** True when the leading hypothesis differs without the report. */
  readonly flips: boolean;
}

/**
 * Leave-one-out impact of every counted report, ordered by |impact| descending, then id.
 * Costs O(hypotheses) per report: only the report's own indicator term changes.
 */
export function sensitivity(
  compiled: CompiledProblem,
  evidence: IndicatorEvidence,
  terms: readonly (Float64Array | null)[],
  posterior: Posterior,
): ReportImpact[] {
  const nH = compiled.hypothesisIds.length;
  const without = new Float64Array(nH);
  const impacts = evidence.reports.map((e): ReportImpact => {
    const j = e.indicator;
    const term = terms[j]!;
    const alone = evidence.counts[j] === 1;
    // Without this report the indicator keeps its other reports (or none: A = B = 1).
    const logA = alone ? 0 : evidence.logA[j]! - e.logA;
    const logB = alone ? 0 : evidence.logB[j]! - e.logB;
    const logL = compiled.logLikelihood[j]!;
    const log1mL = compiled.logOneMinusLikelihood[j]!;
    for (let i = 0; i < nH; i++) {
      const reduced = alone ? 0 : logMixture(logL[i]!, log1mL[i]!, logA, logB);
      without[i] = posterior.logWeights[i]! - term[i]! + reduced;
    }
    const z = logSumExp(Array.from(without));
    let leading = 0;
    for (let i = 1; i < nH; i++) if (without[i]! > without[leading]!) leading = i;
    return {
      report: e.report.id,
      impact: posterior.pDangerous - dangerousMass(compiled, without, z),
      flips: leading !== posterior.leading,
    };
  });
  return impacts.sort((a, b) => Math.abs(b.impact) - Math.abs(a.impact) || compareIds(a.report, b.report));
}

/** String order of ids (UTF-16 code units), as the spec's "then id". */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
