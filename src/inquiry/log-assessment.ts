/**
 * The official assessment at given instants, recomputed from a problem's events (its model
 * versions, reports and corrections) rather than read from the store's projections: what the
 * scores and the reliability diagram rest on, so that a log that verifies vouches for them.
 * Pure: the caller reads the events.
 *
 * It answers as the store's as-of assessment does: the version in force at T judges every
 * report received by T (by its `received`, a backfilled one included), corrections apply from
 * their own instant, and the level is the level timeline's at T, evaluated once more at T
 * itself unless a report was received at T (spec section 6).
 */
import { regrade, type Correction } from '../core/corrections.js';
import { IncrementalAssessor } from '../core/incremental.js';
import { nextLevelIndex } from '../core/levels.js';
import type { Report } from '../core/model.js';
import type { LevelStep } from '../core/scoring.js';
import type { VersionInForce } from './official-timeline.js';

/** The official assessment at one instant. */
export interface InstantAssessment {
  readonly at: number;
  readonly level: string;
  readonly pDangerous: number;
  readonly leading: string;
  /** Hypothesis id → probability, under the version in force. */
  readonly posterior: Readonly<Record<string, number>>;
  readonly version: number;
}

type Step =
  | { readonly kind: 'model'; readonly at: number; readonly version: VersionInForce }
  | { readonly kind: 'correction'; readonly at: number; readonly correction: Correction }
  | { readonly kind: 'report'; readonly at: number; readonly report: Report }
  | { readonly kind: 'instant'; readonly at: number };

const RANK = { model: 0, correction: 1, report: 2, instant: 3 } as const;

/**
 * The assessment at each of `instants` (ms, any order; answered in the order given), from the
 * versions in force, the reports (in the order the log received them), the corrections and the
 * level timeline `path` of the same events. One sweep over the events in time order:
 * O((reports + corrections + instants) x hypotheses), plus a replay per model version.
 */
export function assessInstants(
  versions: readonly VersionInForce[],
  reports: readonly Report[],
  corrections: readonly Correction[],
  path: readonly LevelStep[],
  instants: readonly number[],
): InstantAssessment[] {
  const steps: Step[] = [
    ...versions.slice(1).map((version): Step => ({ kind: 'model', at: version.from, version })),
    ...corrections.map((correction): Step => ({ kind: 'correction', at: correction.at, correction })),
    ...reports.map((report): Step => ({ kind: 'report', at: report.received, report })),
    ...instants.map((at): Step => ({ kind: 'instant', at })),
  ];
  // A stable sort: reports of one instant keep the log's order.
  steps.sort((a, b) => a.at - b.at || RANK[a.kind] - RANK[b.kind]);
  const reportInstants = new Set(reports.map((r) => r.received));
  const byId = new Map(reports.map((r) => [r.id, r]));

  let current = versions[0]!;
  let known = new Set(current.problem.indicators.map((i) => i.id));
  let assessor = new IncrementalAssessor(current.problem);
  /** Every report received so far (current grades), in order, known to the model or not. */
  const received = new Map<string, Report>();
  const retracted = new Set<string>();
  /** Regrades made before their report was received. */
  const early = new Map<string, Report>();
  let pathIndex = 0;
  let pathLevel = path[0]?.level ?? current.problem.warning.levels[0]!.id;
  const answers = new Map<number, InstantAssessment>();

  for (const step of steps) {
    switch (step.kind) {
      case 'model':
        current = step.version;
        known = new Set(current.problem.indicators.map((i) => i.id));
        assessor = new IncrementalAssessor(current.problem);
        for (const [id, r] of received) if (!retracted.has(id) && known.has(r.indicator)) assessor.add(r);
        break;
      case 'correction': {
        const c = step.correction;
        const report = received.get(c.report);
        if (c.kind === 'retracted') {
          if (report !== undefined && !retracted.has(c.report) && known.has(report.indicator)) assessor.retract(report);
          retracted.add(c.report);
        } else {
          const base = report ?? early.get(c.report) ?? byId.get(c.report);
          if (base === undefined) break;
          const corrected = regrade(base, c.grades);
          if (report === undefined) early.set(c.report, corrected);
          else {
            received.set(c.report, corrected);
            if (!retracted.has(c.report) && known.has(report.indicator)) assessor.replace(report, corrected);
          }
        }
        break;
      }
      case 'report': {
        const report = early.get(step.report.id) ?? step.report;
        received.set(report.id, report);
        if (!retracted.has(report.id) && known.has(report.indicator)) assessor.add(report);
        break;
      }
      case 'instant': {
        while (pathIndex + 1 < path.length && path[pathIndex + 1]!.at <= step.at) pathLevel = path[++pathIndex]!.level;
        const a = assessor.evaluate(step.at);
        const { warning, hypotheses } = current.problem;
        const index = Math.max(0, warning.levels.findIndex((l) => l.id === pathLevel));
        const levelIndex = reportInstants.has(step.at) ? index : nextLevelIndex(warning, index, a.pDangerous);
        answers.set(step.at, {
          at: step.at,
          level: warning.levels[levelIndex]?.id ?? pathLevel,
          pDangerous: a.pDangerous,
          leading: a.leading,
          posterior: Object.fromEntries(hypotheses.map((h, i) => [h.id, a.posterior[i] ?? 0])),
          version: current.version,
        });
        break;
      }
      default: {
        const never: never = step;
        throw new Error(`unknown step ${String(never)}`);
      }
    }
  }
  return instants.map((at) => answers.get(at)!);
}
