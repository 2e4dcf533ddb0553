/**
 * Corrections to reports made after they were received: retractions and regradings. They are
 * new events that point at the old report, never edits; "as of T" applies those made by T.
 */
import type { Credibility, Reliability, Report } from './model.js';

/** New grades for a report (or new sensor rates, both or neither). */
export interface Grades {
  readonly reliability: Reliability;
  readonly credibility: Credibility;
  readonly sensitivity?: number;
  readonly falseAlarmRate?: number;
}

export type Correction =
  | { readonly kind: 'retracted'; readonly report: string; readonly at: number }
  | { readonly kind: 'regraded'; readonly report: string; readonly at: number; readonly grades: Grades };

/** A report with new grades: sensor rates are replaced too (dropped when the new grades have none). */
export function regrade(report: Report, grades: Grades): Report {
  const { sensitivity: _s, falseAlarmRate: _f, ...rest } = report;
  return {
    ...rest,
    reliability: grades.reliability,
    credibility: grades.credibility,
    ...(grades.sensitivity !== undefined && grades.falseAlarmRate !== undefined
      ? { sensitivity: grades.sensitivity, falseAlarmRate: grades.falseAlarmRate }
      : {}),
  };
}

/**
 * The reports as they stood at instant `at`: each with the grades of its latest regrading made
 * by then, and the ids of those retracted by then. Corrections may come in any order.
 */
export function applyCorrections(
  reports: readonly Report[],
  corrections: readonly Correction[],
  at: number,
): { reports: Report[]; retracted: Set<string> } {
  const retracted = new Set<string>();
  const latestGrades = new Map<string, { at: number; grades: Grades }>();
  for (const c of corrections) {
    if (c.at > at) continue;
    if (c.kind === 'retracted') retracted.add(c.report);
    else {
      const current = latestGrades.get(c.report);
      if (current === undefined || c.at >= current.at) latestGrades.set(c.report, { at: c.at, grades: c.grades });
    }
  }
  if (latestGrades.size === 0) return { reports: [...reports], retracted };
  return {
    reports: reports.map((r) => {
      const g = latestGrades.get(r.id);
      return g === undefined ? r : regrade(r, g.grades);
    }),
    retracted,
  };
}
