/**
 * The official record of a problem's assessment over time, recomputed from its events: the
 * level changes (spec section 6) with the evidence and advice of their instant, under the model
 * version in force; and, for every report, when it first counted and what it did to pDangerous
 * when it arrived. Pure: the caller reads the events.
 *
 * Model versions: as in the store, the version in force at T judges everything received by T
 * (history older than the first version is judged by the first). A new version replays the
 * whole history under itself, so the level it reaches by its instant may differ from the level
 * the old version had reached: that difference is a level change caused by the model.
 */
import { snapshotAt } from '../core/assess.js';
import { applyCorrections, regrade, type Correction } from '../core/corrections.js';
import { ChannelMap, supersedes } from '../core/counting.js';
import { IncrementalAssessor } from '../core/incremental.js';
import { formatInstant } from '../core/instant.js';
import type { Problem, Report } from '../core/model.js';
import { replay, type LevelChange, type ReplayPoint } from '../core/replay.js';
import type { LevelStep } from '../core/scoring.js';

/** A model version and the instant from which it is in force (-Infinity for the first). */
export interface VersionInForce {
  readonly version: number;
  readonly from: number;
  readonly problem: Problem;
}

/** A level change of the official timeline. */
export interface OfficialChange extends LevelChange {
  /** The instant in ms. */
  readonly atMs: number;
  /** The model version in force. */
  readonly version: number;
  /** `reports`: the evidence moved it; `model`: a new model version replayed the history to another level. */
  readonly cause: 'reports' | 'model';
}

/** What one report did. */
export interface ReportEffect {
  readonly id: string;
  /** pDangerous at its arrival, before and after it was added (same instant, same fading). */
  readonly pBefore: number;
  readonly pAfter: number;
  /** The model version in force when it arrived. */
  readonly version: number;
  /** When it first counted (ms): its arrival, later (a superseding report retracted), or null. */
  readonly firstCounted: number | null;
  /** Why it did not count when it arrived: `superseded by <id>`, `retracted before it arrived`, `unknown indicator`. */
  readonly notCounted?: string;
}

/** What one correction (by the seq of its event) did to pDangerous at its instant. */
export interface CorrectionEffect {
  readonly pBefore: number;
  readonly pAfter: number;
}

export interface OfficialTimeline {
  readonly changes: readonly OfficialChange[];
  /** The level in force from each instant on, starting with the first level at -Infinity. */
  readonly path: readonly LevelStep[];
  readonly effects: ReadonlyMap<string, ReportEffect>;
  readonly correctionEffects: ReadonlyMap<number, CorrectionEffect>;
}

/** A correction with the seq of its event (to report its effect). */
export type SeqCorrection = Correction & { readonly seq: number };

/** The versions of a problem with the instant each comes into force. */
export function versionsInForce(versions: readonly { version: number; appendedAt: number; problem: Problem }[]): VersionInForce[] {
  return [...versions].sort((a, b) => a.version - b.version).map((v, k) => ({ version: v.version, from: k === 0 ? -Infinity : v.appendedAt, problem: v.problem }));
}

const TOP = 3;

function details(problem: Problem, reports: readonly Report[], corrections: readonly Correction[], at: number): Pick<LevelChange, 'pDangerous' | 'leading' | 'evidence' | 'collect'> {
  const asOf = applyCorrections(reports, corrections, at);
  const snapshot = snapshotAt(problem, asOf.reports, at, asOf.retracted);
  return {
    pDangerous: snapshot.pDangerous,
    leading: snapshot.leading,
    evidence: snapshot.sensitivity.slice(0, TOP).map((s) => ({ report: s.report, impact: s.impact, flips: s.flips })),
    collect: snapshot.collect.slice(0, TOP).map((c) => ({ indicator: c.indicator, eig: c.eig, pDangerousIfPresent: c.pDangerousIfPresent, pDangerousIfAbsent: c.pDangerousIfAbsent })),
  };
}

/** The level after the last evaluation at or before `at` (the first level when none). */
function levelAt(points: readonly ReplayPoint[], at: number, first: string): string {
  let level = first;
  for (const p of points) {
    if (p.at > at) break;
    level = p.level;
  }
  return level;
}

/**
 * The official level changes up to `until` (ms): reports received and corrections made by then,
 * each version's replay over its time in force. `reports` in any order.
 */
export function officialChanges(versions: readonly VersionInForce[], reports: readonly Report[], corrections: readonly Correction[], until: number): { changes: OfficialChange[]; path: LevelStep[] } {
  const received = reports.filter((r) => r.received <= until);
  const fixes = corrections.filter((c) => c.at <= until);
  const live = versions.filter((v) => v.from <= until);
  const changes: OfficialChange[] = [];
  let previousPoints: readonly ReplayPoint[] = [];
  let previousFirst = '';
  live.forEach((v, k) => {
    const start = v.from;
    const end = live[k + 1]?.from ?? Infinity;
    const known = new Set(v.problem.indicators.map((i) => i.id));
    const usable = received.filter((r) => known.has(r.indicator));
    const result = replay(v.problem, usable, { corrections: fixes });
    const first = v.problem.warning.levels[0]!.id;
    if (k > 0) {
      const before = levelAt(previousPoints, start - 1, previousFirst);
      const after = levelAt(result.points, start, first);
      if (before !== after) {
        changes.push({ at: formatInstant(start), atMs: start, from: before, to: after, version: v.version, cause: 'model', ...details(v.problem, usable, fixes, start) });
      }
    }
    for (const change of result.changes) {
      const at = Date.parse(change.at);
      if (at > start && at < end) changes.push({ ...change, atMs: at, version: v.version, cause: 'reports' });
    }
    previousPoints = result.points;
    previousFirst = first;
  });
  const first = versions[0]?.problem.warning.levels[0]?.id ?? '';
  const path: LevelStep[] = [{ at: -Infinity, level: first }, ...changes.map((c) => ({ at: c.atMs, level: c.to }))];
  return { changes, path };
}

type Step =
  | { readonly kind: 'model'; readonly at: number; readonly version: VersionInForce }
  | { readonly kind: 'correction'; readonly at: number; readonly correction: SeqCorrection }
  | { readonly kind: 'report'; readonly at: number; readonly report: Report; readonly order: number };

/**
 * What every report did when it arrived (pDangerous before and after, under the version in
 * force) and when it first counted; what every correction did. `reports` in the order the log
 * received them; reports arriving at one instant are added one by one in that order.
 */
export function reportEffects(versions: readonly VersionInForce[], reports: readonly Report[], corrections: readonly SeqCorrection[]): { effects: Map<string, ReportEffect>; correctionEffects: Map<number, CorrectionEffect> } {
  const rank = (s: Step) => (s.kind === 'model' ? 0 : s.kind === 'correction' ? 1 : 2);
  const steps: Step[] = [
    ...versions.slice(1).map((version): Step => ({ kind: 'model', at: version.from, version })),
    ...corrections.map((correction): Step => ({ kind: 'correction', at: correction.at, correction })),
    ...reports.map((report, order): Step => ({ kind: 'report', at: report.received, report, order })),
  ].sort((a, b) => a.at - b.at || rank(a) - rank(b) || (a.kind === 'report' && b.kind === 'report' ? a.order - b.order : 0));

  const byId = new Map(reports.map((r) => [r.id, r]));
  let current = versions[0]!;
  let known = new Set(current.problem.indicators.map((i) => i.id));
  let assessor = new IncrementalAssessor(current.problem);
  /** The reports added so far (current grades), in order, and those retracted. */
  const added = new Map<string, Report>();
  const retracted = new Set<string>();
  const regraded = new Map<string, Report>();
  /** The report counted per (indicator, source), mirrored from the assessor. */
  let counted = new ChannelMap<Report>();
  const effects = new Map<string, ReportEffect>();
  const firstCounted = new Map<string, number>();
  const correctionEffects = new Map<number, CorrectionEffect>();

  const recount = (at: number) => {
    counted = new ChannelMap<Report>();
    for (const r of assessor.countedReports()) {
      counted.set(r, r);
      if (!firstCounted.has(r.id)) firstCounted.set(r.id, at);
    }
  };

  for (const step of steps) {
    if (step.kind === 'model') {
      current = step.version;
      known = new Set(current.problem.indicators.map((i) => i.id));
      assessor = new IncrementalAssessor(current.problem);
      for (const [id, r] of added) if (!retracted.has(id) && known.has(r.indicator)) assessor.add(r);
      recount(step.at);
    } else if (step.kind === 'correction') {
      const c = step.correction;
      const before = assessor.evaluate(step.at).pDangerous;
      const report = added.get(c.report);
      if (c.kind === 'retracted') {
        if (report !== undefined && !retracted.has(c.report) && known.has(report.indicator)) assessor.retract(report);
        retracted.add(c.report);
      } else {
        // A regrade may come before the report's `received` (a backfill received later): it
        // applies from then on, so it starts from the report as the log holds it.
        const base = report ?? regraded.get(c.report) ?? byId.get(c.report);
        if (base !== undefined) {
          const corrected = regrade(base, c.grades);
          if (report !== undefined) {
            added.set(c.report, corrected);
            if (!retracted.has(c.report) && known.has(report.indicator)) assessor.replace(report, corrected);
          } else regraded.set(c.report, corrected);
        }
      }
      recount(step.at);
      correctionEffects.set(c.seq, { pBefore: before, pAfter: assessor.evaluate(step.at).pDangerous });
    } else {
      const original = step.report;
      const report = regraded.get(original.id) ?? original;
      const before = assessor.evaluate(step.at).pDangerous;
      let notCounted: string | undefined;
      if (retracted.has(report.id)) notCounted = 'retracted before it arrived';
      else if (!known.has(report.indicator)) notCounted = `unknown indicator "${report.indicator}" in model version ${current.version}`;
      else {
        added.set(report.id, report);
        assessor.add(report);
        const held = counted.get(report);
        if (held === undefined || supersedes(report, held)) {
          counted.set(report, report);
          if (!firstCounted.has(report.id)) firstCounted.set(report.id, step.at);
        } else notCounted = `superseded by ${held.id}`;
      }
      effects.set(report.id, { id: report.id, pBefore: before, pAfter: assessor.evaluate(step.at).pDangerous, version: current.version, firstCounted: null, ...(notCounted !== undefined ? { notCounted } : {}) });
    }
  }
  for (const [id, effect] of effects) {
    const at = firstCounted.get(id);
    if (at !== undefined) effects.set(id, { ...effect, firstCounted: at });
  }
  return { effects, correctionEffects };
}

/** The official timeline: level changes and report effects up to `until` (ms). */
export function officialTimeline(versions: readonly VersionInForce[], reports: readonly Report[], corrections: readonly SeqCorrection[], until: number): OfficialTimeline {
  const { changes, path } = officialChanges(versions, reports, corrections, until);
  const { effects, correctionEffects } = reportEffects(
    versions.filter((v) => v.from <= until),
    reports.filter((r) => r.received <= until),
    corrections.filter((c) => c.at <= until),
  );
  return { changes, path, effects, correctionEffects };
}
