/**
 * The level timeline (spec section 6): the reports replayed in the order the system received
 * them, the level rule evaluated at each distinct `received` instant (and at `at`, if given).
 */
import { snapshotAt } from './assess.js';
import { applyCorrections, regrade, type Correction } from './corrections.js';
import type { CollectionAdvice } from './collection.js';
import { IncrementalAssessor } from './incremental.js';
import { formatInstant } from './instant.js';
import { nextLevelIndex } from './levels.js';
import type { Problem, Report } from './model.js';
import type { ReportImpact } from './sensitivity.js';

/** A level change: a warning event. */
export interface LevelChange {
  /** ISO instant of the evaluation at which the level changed. */
  at: string;
  from: string;
  to: string;
  pDangerous: number;
  leading: string;
  /** The top three reports by |impact| at that instant. */
  evidence: { report: string; impact: number; flips: boolean }[];
  /** The top three collection recommendations at that instant. */
  collect: { indicator: string; eig: number; pDangerousIfPresent: number; pDangerousIfAbsent: number }[];
}

/** One evaluation of the replay. */
export interface ReplayPoint {
  readonly at: number;
  readonly pDangerous: number;
  readonly leading: string;
  readonly level: string;
}

export interface Replay {
  readonly changes: LevelChange[];
  /** Every evaluation, in time order. */
  readonly points: ReplayPoint[];
  /** The level after the last evaluation (the first level when there was none). */
  readonly finalLevel: string;
}

export interface ReplayOptions {
  /** Stop at this instant (ms), evaluating there too. */
  readonly at?: number | undefined;
  /** Retractions and regradings, each taking effect from its own instant. */
  readonly corrections?: readonly Correction[] | undefined;
  /** Compute the evidence and advice of each change (default true). */
  readonly details?: boolean;
}

const TOP = 3;

function topImpacts(list: readonly ReportImpact[]) {
  return list.slice(0, TOP).map((s) => ({ report: s.report, impact: s.impact, flips: s.flips }));
}

function topAdvice(list: readonly CollectionAdvice[]) {
  return list.slice(0, TOP).map((c) => ({
    indicator: c.indicator,
    eig: c.eig,
    pDangerousIfPresent: c.pDangerousIfPresent,
    pDangerousIfAbsent: c.pDangerousIfAbsent,
  }));
}

/**
 * Replays reports in `received` order and returns every evaluation and every level change.
 * Costs O(reports x hypotheses) plus, per instant, the reports on fading indicators; each
 * change also costs one full snapshot for its details.
 */
export function replay(problem: Problem, reports: readonly Report[], options: ReplayOptions = {}): Replay {
  const stop = options.at ?? Infinity;
  const corrections = [...(options.corrections ?? [])].filter((c) => c.at <= stop).sort((a, b) => a.at - b.at);
  // A report retracted before it was even received never was an instant of the replay. Its
  // first retraction is the one in force (a later one changes nothing).
  const retractedAt = new Map<string, number>();
  for (const c of corrections) if (c.kind === 'retracted' && !retractedAt.has(c.report)) retractedAt.set(c.report, c.at);
  const sorted = reports
    .filter((r) => r.received <= stop && !((retractedAt.get(r.id) ?? Infinity) <= r.received))
    .sort((a, b) => a.received - b.received);
  const instants: number[] = [];
  for (const r of sorted) if (instants[instants.length - 1] !== r.received) instants.push(r.received);
  if (options.at !== undefined && instants[instants.length - 1] !== options.at) instants.push(options.at);

  const levels = problem.warning.levels;
  const assessor = new IncrementalAssessor(problem);
  const changes: LevelChange[] = [];
  const points: ReplayPoint[] = [];
  let level = 0;
  let next = 0;
  let nextCorrection = 0;
  /** Corrections applied so far: the current version of each regraded report, retracted ids. */
  const versions = new Map<string, Report>();
  const retracted = new Set<string>();
  const added = new Set<string>();
  const byId = corrections.length === 0 ? new Map<string, Report>() : new Map(sorted.map((r) => [r.id, r]));
  for (const instant of instants) {
    while (nextCorrection < corrections.length && corrections[nextCorrection]!.at <= instant) {
      const c = corrections[nextCorrection++]!;
      const original = byId.get(c.report);
      if (original === undefined) continue;
      const current = versions.get(c.report) ?? original;
      if (c.kind === 'retracted') {
        retracted.add(c.report);
        if (added.has(c.report)) assessor.retract(current);
      } else {
        const corrected = regrade(current, c.grades);
        versions.set(c.report, corrected);
        if (added.has(c.report) && !retracted.has(c.report)) assessor.replace(current, corrected);
      }
    }
    while (next < sorted.length && sorted[next]!.received <= instant) {
      const report = sorted[next++]!;
      if (retracted.has(report.id)) continue;
      added.add(report.id);
      assessor.add(versions.get(report.id) ?? report);
    }
    const quick = assessor.evaluate(instant);
    const to = nextLevelIndex(problem.warning, level, quick.pDangerous);
    if (to !== level) {
      const change: LevelChange = {
        at: formatInstant(instant),
        from: levels[level]!.id,
        to: levels[to]!.id,
        pDangerous: quick.pDangerous,
        leading: quick.leading,
        evidence: [],
        collect: [],
      };
      if (options.details !== false) {
        const asOf = applyCorrections(reports, corrections, instant);
        const snapshot = snapshotAt(problem, asOf.reports, instant, asOf.retracted);
        change.pDangerous = snapshot.pDangerous;
        change.leading = snapshot.leading;
        change.evidence = topImpacts(snapshot.sensitivity);
        change.collect = topAdvice(snapshot.collect);
      }
      changes.push(change);
      level = to;
    }
    points.push({ at: instant, pDangerous: quick.pDangerous, leading: quick.leading, level: levels[level]!.id });
  }
  return { changes, points, finalLevel: levels[level]!.id };
}

/** The level changes of the replay (spec section 6), each with its top evidence and advice. */
export function replayLevels(problem: Problem, reports: readonly Report[], options: { at?: number } = {}): LevelChange[] {
  return replay(problem, reports, options).changes;
}
