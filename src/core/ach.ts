/**
 * Heuer's Analysis of Competing Hypotheses (spec section 8): scores of a hand-rated matrix
 * (compatible with PARC ACH 2), and the matrix derived from the model and the counted reports.
 */
import { reportChannel, fadeChannel } from './channel.js';
import { compileProblem } from './compiled-problem.js';
import { countReports } from './counting.js';
import { MS_PER_HOUR } from './instant.js';
import type { Problem, Report } from './model.js';

export type AchRating = 'CC' | 'C' | 'N' | 'NA' | 'I' | 'II';
export type AchWeight = 'High' | 'Medium' | 'Low';

/** One evidence row: its credibility, relevance and a rating per hypothesis id. */
export interface AchRow {
  id: string;
  credibility: AchWeight;
  relevance: AchWeight;
  ratings: Record<string, AchRating>;
}

export interface AchMatrix {
  hypotheses: string[];
  rows: AchRow[];
}

export interface AchScores {
  hypotheses: { id: string; inconsistencyScore: number; weightedInconsistencyScore: number }[];
  /** The hypothesis the evidence refutes least: weighted score nearest 0 (ties: first). */
  leastInconsistent: string;
  /** Rows whose ratings other than NA are all equal: they cannot tell hypotheses apart. */
  nonDiagnostic: string[];
}

const WEIGHT: Readonly<Record<AchWeight, number>> = { Low: Math.SQRT1_2, Medium: 1, High: Math.SQRT2 };

/** value(II) = -2, value(I) = -1, anything else 0. */
export function achValue(rating: AchRating): number {
  return rating === 'II' ? -2 : rating === 'I' ? -1 : 0;
}

/**
 * Scores a matrix: inconsistencyScore_h = Σ -value (I counts 1, II counts 2);
 * weightedInconsistencyScore_h = Σ weight(credibility) * weight(relevance) * value. A missing
 * rating counts as NA.
 */
export function scoreAch(matrix: AchMatrix): AchScores {
  const hypotheses = matrix.hypotheses.map((id) => {
    let inconsistencyScore = 0;
    let weightedInconsistencyScore = 0;
    for (const row of matrix.rows) {
      const value = achValue(row.ratings[id] ?? 'NA');
      inconsistencyScore -= value;
      weightedInconsistencyScore += WEIGHT[row.credibility] * WEIGHT[row.relevance] * value;
    }
    return { id, inconsistencyScore, weightedInconsistencyScore };
  });
  let least = hypotheses[0];
  for (const h of hypotheses) {
    if (least === undefined || Math.abs(h.weightedInconsistencyScore) < Math.abs(least.weightedInconsistencyScore)) least = h;
  }
  const nonDiagnostic = matrix.rows
    .filter((row) => new Set(matrix.hypotheses.map((h) => row.ratings[h] ?? 'NA').filter((r) => r !== 'NA')).size <= 1)
    .map((row) => row.id);
  return { hypotheses, leastInconsistent: least?.id ?? '', nonDiagnostic };
}

/** The ACH rating for a ratio m_i / mean(m) (spec section 8). */
export function ratingForRatio(ratio: number): AchRating {
  if (ratio >= 2) return 'CC';
  if (ratio >= 1.25) return 'C';
  if (ratio > 0.8) return 'N';
  if (ratio > 0.5) return 'I';
  return 'II';
}

/** ACH credibility from a channel's accuracy max(s', 1 - f'). */
export function credibilityForAccuracy(accuracy: number): AchWeight {
  return accuracy >= 0.85 ? 'High' : accuracy >= 0.65 ? 'Medium' : 'Low';
}

/**
 * The matrix derived from the model at instant `at` (ms): one row per counted report (row id =
 * report id, in report order), rated from m_i = P(what it says | H_i) against the mean over
 * hypotheses; relevance Medium.
 */
export function deriveAchMatrix(problem: Problem, reports: readonly Report[], at: number, retracted?: ReadonlySet<string>): AchMatrix {
  const compiled = compileProblem(problem);
  const { counted } = countReports(reports, at, retracted);
  const rows = counted.map((report): AchRow => {
    const j = compiled.indicatorIndex.get(report.indicator);
    if (j === undefined) throw new RangeError(`report ${report.id}: unknown indicator ${report.indicator}`);
    const { s, f } = fadeChannel(reportChannel(report), (at - report.at) / MS_PER_HOUR, compiled.halfLifeHours[j]);
    const L = compiled.likelihood[j]!;
    const m = Array.from(L, (l) => (report.observed === 'present' ? l * s + (1 - l) * f : l * (1 - s) + (1 - l) * (1 - f)));
    const mean = m.reduce((sum, x) => sum + x, 0) / m.length;
    return {
      id: report.id,
      credibility: credibilityForAccuracy(Math.max(s, 1 - f)),
      relevance: 'Medium',
      ratings: Object.fromEntries(compiled.hypothesisIds.map((h, i) => [h, ratingForRatio(m[i]! / mean)])),
    };
  });
  return { hypotheses: [...compiled.hypothesisIds], rows };
}
