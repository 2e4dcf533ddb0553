/**
 * A full assessment at an instant (spec sections 3, 4, 5 and 7): posterior, pDangerous, leading
 * hypothesis, indicator beliefs, sensitivity, collection advice, the level reached, and which
 * reports counted.
 */
import { collectionAdvice, type CollectionAdvice } from './collection.js';
import { compileProblem } from './compiled-problem.js';
import { applyCorrections, type Correction } from './corrections.js';
import { countReports, type IgnoredReport } from './counting.js';
import { gatherEvidence } from './evidence.js';
import { formatInstant } from './instant.js';
import type { Problem, Report } from './model.js';
import { indicatorBelief, indicatorTerms, logStateGivenHypothesis, logWeightsFromTerms, posteriorFromLogWeights } from './posterior.js';
import { replay } from './replay.js';
import { sensitivity, type ReportImpact } from './sensitivity.js';

export interface AssessOptions {
  /** The assessment instant (ms since epoch); default: the latest `received` among the reports. */
  readonly at?: number;
  /** Ids of reports retracted at or before `at` (a shorthand for retractions at the dawn of time). */
  readonly retracted?: ReadonlySet<string>;
  /** Retractions and regradings; those made at or before `at` apply. */
  readonly corrections?: readonly Correction[];
}

export interface IndicatorState {
  readonly id: string;
  /** P(the indicator is truly present | everything counted). */
  readonly belief: number;
  /** Number of counted reports on it. */
  readonly reports: number;
}

/** Everything but the level: the state of belief at one instant. */
export interface Snapshot {
  readonly problem: string;
  readonly at: number;
  /** p_i by hypothesis id, in the problem's order. */
  readonly posterior: ReadonlyMap<string, number>;
  readonly pDangerous: number;
  readonly leading: string;
  readonly indicators: readonly IndicatorState[];
  readonly sensitivity: readonly ReportImpact[];
  readonly collect: readonly CollectionAdvice[];
  readonly counted: readonly Report[];
  readonly ignored: readonly IgnoredReport[];
}

export interface Assessment extends Snapshot {
  /** The id of the level reached by the replay of spec section 6 up to `at`. */
  readonly level: string;
}

/** Spec section 7: the JSON of `vigil assess --json`. */
export interface AssessmentJson {
  problem: string;
  at: string;
  posterior: Record<string, number>;
  pDangerous: number;
  leading: string;
  level: string;
  indicators: { id: string; belief: number; reports: number }[];
  sensitivity: { report: string; impact: number; flips: boolean }[];
  collect: { indicator: string; eig: number; pDangerousIfPresent: number; pDangerousIfAbsent: number }[];
  counted: number;
  ignored: { report: string; why: string }[];
}

/** The default assessment instant of a file of reports: its latest `received` (0 when empty). */
export function latestReceived(reports: readonly Report[]): number {
  let latest = -Infinity;
  for (const r of reports) if (r.received > latest) latest = r.received;
  return latest === -Infinity ? 0 : latest;
}

/**
 * The state of belief at instant `at`, computed from scratch from the reports (those received
 * after `at` or retracted are listed as ignored). Pure; O(reports x hypotheses + indicators x
 * hypotheses^2).
 */
export function snapshotAt(problem: Problem, reports: readonly Report[], at: number, retracted?: ReadonlySet<string>): Snapshot {
  const compiled = compileProblem(problem);
  const { counted, ignored } = countReports(reports, at, retracted);
  const evidence = gatherEvidence(compiled, counted, at);
  const terms = indicatorTerms(compiled, evidence);
  const posterior = posteriorFromLogWeights(compiled, logWeightsFromTerms(compiled, terms));
  const states = compiled.indicatorIds.map((_, j) => logStateGivenHypothesis(compiled, evidence, j));
  const indicators = compiled.indicatorIds.map((id, j): IndicatorState => ({
    id,
    belief: indicatorBelief(posterior, states[j]!.logU1),
    reports: evidence.counts[j]!,
  }));
  return {
    problem: problem.id,
    at,
    posterior: new Map(compiled.hypothesisIds.map((id, i) => [id, posterior.p[i]!])),
    pDangerous: posterior.pDangerous,
    leading: compiled.hypothesisIds[posterior.leading]!,
    indicators,
    sensitivity: sensitivity(compiled, evidence, posterior, states),
    collect: collectionAdvice(compiled, posterior, states),
    counted,
    ignored,
  };
}

/**
 * The full assessment of spec section 7 at `options.at` (default: the latest `received`),
 * including the level reached by replaying the reports up to then.
 */
export function assess(problem: Problem, reports: readonly Report[], options: AssessOptions = {}): Assessment {
  const at = options.at ?? latestReceived(reports);
  const corrections: Correction[] = [
    ...[...(options.retracted ?? [])].map((report): Correction => ({ kind: 'retracted', report, at: -Infinity })),
    ...(options.corrections ?? []),
  ];
  const asOf = corrections.length === 0 ? { reports, retracted: undefined } : applyCorrections(reports, corrections, at);
  const snapshot = snapshotAt(problem, asOf.reports, at, asOf.retracted);
  const levels = replay(problem, reports, { at, corrections, details: false });
  return { ...snapshot, level: levels.finalLevel };
}

/** Spec section 7 JSON of an assessment. */
export function assessmentToJson(a: Assessment): AssessmentJson {
  return {
    problem: a.problem,
    at: formatInstant(a.at),
    posterior: Object.fromEntries(a.posterior),
    pDangerous: a.pDangerous,
    leading: a.leading,
    level: a.level,
    indicators: a.indicators.map((i) => ({ id: i.id, belief: i.belief, reports: i.reports })),
    // Already exactly { report, impact, flips }: one object per counted report is enough.
    sensitivity: [...a.sensitivity],
    collect: a.collect.map((c) => ({
      indicator: c.indicator,
      eig: c.eig,
      pDangerousIfPresent: c.pDangerousIfPresent,
      pDangerousIfAbsent: c.pDangerousIfAbsent,
    })),
    counted: a.counted.length,
    ignored: a.ignored.map((g) => ({ report: g.report, why: g.why })),
  };
}

/** `assess` then `assessmentToJson`: exactly the output of `vigil assess --json`. */
export function assessJson(problem: Problem, reports: readonly Report[], options: AssessOptions = {}): AssessmentJson {
  return assessmentToJson(assess(problem, reports, options));
}
