/**
 * The evidence on each indicator at an instant: A_j = Π P(report | S_j = 1) and
 * B_j = Π P(report | S_j = 0) over its counted reports, in log space (spec section 3).
 */
import { reportChannel, reportLogLikelihoods } from './channel.js';
import type { CompiledProblem } from './compiled-problem.js';
import { MS_PER_HOUR } from './instant.js';
import type { Report } from './model.js';

/** One counted report's contribution to its indicator, at the assessment instant. */
export interface ReportEvidence {
  readonly report: Report;
  readonly indicator: number;
  /** log P(report | S = 1) and log P(report | S = 0), with the channel faded to the instant. */
  readonly logA: number;
  readonly logB: number;
}

/** Per indicator j: log A_j, log B_j (0 when unreported) and the number of counted reports. */
export interface IndicatorEvidence {
  readonly logA: Float64Array;
  readonly logB: Float64Array;
  readonly counts: Int32Array;
  readonly reports: readonly ReportEvidence[];
}

/** The contribution of one report, faded to instant `at` (ms). */
export function reportEvidence(compiled: CompiledProblem, report: Report, at: number): ReportEvidence {
  const j = compiled.indicatorIndex.get(report.indicator);
  if (j === undefined) throw new RangeError(`report ${report.id}: unknown indicator ${report.indicator}`);
  const ageHours = (at - report.at) / MS_PER_HOUR;
  const { logA, logB } = reportLogLikelihoods(reportChannel(report), report.observed, ageHours, compiled.halfLifeHours[j]);
  return { report, indicator: j, logA, logB };
}

/** Aggregates the counted reports (already selected by `countReports`) at instant `at`. */
export function gatherEvidence(compiled: CompiledProblem, counted: readonly Report[], at: number): IndicatorEvidence {
  const n = compiled.indicatorIds.length;
  const logA = new Float64Array(n);
  const logB = new Float64Array(n);
  const counts = new Int32Array(n);
  const reports = counted.map((report) => reportEvidence(compiled, report, at));
  for (const e of reports) {
    logA[e.indicator]! += e.logA;
    logB[e.indicator]! += e.logB;
    counts[e.indicator]! += 1;
  }
  return { logA, logB, counts, reports };
}
