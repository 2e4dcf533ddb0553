/**
 * Were the probabilities any good? Once a problem's outcome is recorded, the official
 * assessment is scored at regular instants (as the system knew it then: the store's as-of
 * assessment, recomputed from the problem's events in the log), each dissent over the time it
 * stood, and the levels by their lead time before the outcome (from the whole record, so
 * negative for a level reached only after it); across resolved problems, a reliability diagram
 * of pDangerous. An outcome is judged under the model version in force when it was recorded.
 */
import type { Store } from '../app/store.js';
import { VigilError } from '../core/errors.js';
import { formatInstant, parseInstant } from '../core/instant.js';
import type { Problem } from '../core/model.js';
import { leadTimes, meanScores, reliabilityBins, scoreForecast, type Forecast, type LeadTime, type ReliabilityBin, type ResolvedTruth, type ScoreSummary } from '../core/scoring.js';
import { formatDuration } from './duration.js';
import { coreCorrections, loadHistory, versionAt, type ProblemHistory } from './history.js';
import { assessInstants } from './log-assessment.js';
import { officialChanges, versionsInForce } from './official-timeline.js';
import { currentOutcome, outcomeInstant, type RecordedOutcome } from './outcome.js';
import { reliabilitySvg } from './reliability-svg.js';
import { warningHistory } from './warning-record.js';

/** The most instants one scoring may assess. */
export const MAX_INSTANTS = 5_000;
/** Default steps, shortest first: the first that gives at most DEFAULT_INSTANTS instants is used. */
const LADDER_MS = [60_000, 300_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000, 604_800_000];
const DEFAULT_INSTANTS = 500;

export interface ScoreOptions {
  /** Start of the window (ms); default the first report's arrival (or the model's first version), or `to` when that is earlier. */
  readonly from?: number;
  /** End of the window (ms); default the outcome's instant, or now when unresolved. */
  readonly to?: number;
  /** Step between scored instants (ms); default the shortest of 1 min, 5 min, 15 min, 30 min, 1 h, 2 h, 6 h, 12 h, 1 d, 1 w giving at most 500 instants. */
  readonly every?: number;
}

/** The scored window: its bounds, its step and its instants. */
export interface ScoreWindow {
  readonly from: number;
  readonly to: number;
  readonly every: number;
  readonly instants: readonly number[];
}

/**
 * The window of a scoring from the options and the history (a single instant when from = to).
 * Throws VigilError REQUEST_INVALID naming the field (`from`, `every`) when `from` is after
 * `to` or the window would take too many instants.
 */
export function scoreWindow(history: Pick<ProblemHistory, 'reports' | 'versions'>, outcome: RecordedOutcome | undefined, options: ScoreOptions, now: number): ScoreWindow {
  const firstReport = history.reports.reduce((m, r) => Math.min(m, r.report.received), Infinity);
  const to = options.to ?? (outcome !== undefined ? outcomeInstant(outcome) : now);
  // The default start never passes the end: an outcome before the first report is scored at
  // its own instant (the forecast then was the prior), not refused.
  const from = options.from ?? Math.min(Number.isFinite(firstReport) ? firstReport : (history.versions[0]?.appendedAt ?? now), to);
  if (!(from <= to)) throw new VigilError('REQUEST_INVALID', `from: must not be after to (${formatInstant(from)} is after ${formatInstant(to)})`, { path: '/query/from', field: 'from' });
  const span = to - from;
  let every = options.every;
  if (every === undefined) {
    every = LADDER_MS.find((step) => Math.floor(span / step) + 1 <= DEFAULT_INSTANTS) ?? Math.ceil(span / (DEFAULT_INSTANTS - 1) / 60_000) * 60_000;
  }
  const count = Math.floor(span / every) + 1;
  if (count > MAX_INSTANTS) {
    throw new VigilError('REQUEST_INVALID', `every: ${formatDuration(every)} over ${formatDuration(span)} would score ${count} instants (at most ${MAX_INSTANTS}): choose a longer step or a shorter window`, {
      path: '/query/every',
      field: 'every',
    });
  }
  const instants = Array.from({ length: count }, (_, k) => from + k * every);
  return { from, to, every, instants };
}

/** One scored instant of the official assessment. */
export interface ScoredInstant {
  readonly at: string;
  readonly pDangerous: number;
  readonly level: string;
  readonly leading: string;
  readonly posterior: Readonly<Record<string, number>>;
  /** Scores against the outcome (absent when unresolved). */
  readonly brier?: number;
  readonly logScore?: number;
  readonly dangerBrier?: number;
  readonly dangerLogScore?: number;
}

export interface DissentScore {
  readonly dissent: string;
  readonly author: string;
  readonly filedAt: string;
  readonly withdrawnAt?: string;
  readonly pDangerous: number;
  readonly posterior: Readonly<Record<string, number>>;
  /** The dissent over the instants it stood. */
  readonly scores: ScoreSummary | null;
  /** The official assessment over the same instants, for comparison. */
  readonly official: ScoreSummary | null;
}

export interface ProblemScores {
  readonly problem: string;
  readonly outcome: (RecordedOutcome & { readonly dangerous: boolean }) | null;
  readonly window: { readonly from: string; readonly to: string; readonly every: number; readonly everyText: string; readonly instants: number };
  /** The official assessment's mean scores over the window (null when unresolved). */
  readonly official: ScoreSummary | null;
  readonly series: readonly ScoredInstant[];
  readonly dissents: readonly DissentScore[];
  /** When each level was first reached by the level timeline, and its lead before the outcome. */
  readonly leadTimes: readonly (LeadTime & { readonly leadText: string | null })[];
  /** When a warning at each level (or higher) first went out, and its lead before the outcome. */
  readonly warningLeadTimes: readonly (LeadTime & { readonly leadText: string | null })[];
  /** This problem's reliability bins of pDangerous (10 bins). */
  readonly reliability: readonly ReliabilityBin[];
}

function withText(list: readonly LeadTime[]): (LeadTime & { leadText: string | null })[] {
  return list.map((l) => ({ ...l, leadText: l.leadMs === null ? null : `${formatDuration(Math.abs(l.leadMs))} ${l.leadMs >= 0 ? 'before' : 'after'} the outcome` }));
}

/** The truth of an outcome under a model: the hypothesis and whether it is dangerous. */
export function truthOf(problem: Problem, outcome: Pick<RecordedOutcome, 'hypothesis'>): ResolvedTruth {
  return { hypothesis: outcome.hypothesis, dangerous: problem.hypotheses.find((h) => h.id === outcome.hypothesis)?.dangerous === true };
}

/**
 * The model an outcome was recorded against: the version in force when its event was appended
 * (its hypothesis was checked against that version). A later version that renames or redefines
 * the hypothesis does not change what the outcome meant.
 */
export function outcomeModel(history: Pick<ProblemHistory, 'versions'>, outcome: Pick<RecordedOutcome, 'recordedAt'>): Problem {
  return versionAt(history, parseInstant(outcome.recordedAt) ?? Infinity).problem;
}

/**
 * The official level path of a problem up to `until` and its assessment at each of `instants`,
 * recomputed from the log's events.
 */
function officialAssessments(history: ProblemHistory, until: number, instants: readonly number[]) {
  const versions = versionsInForce(history.versions);
  const reports = history.reports.map((r) => r.report);
  const corrections = coreCorrections(history);
  const { path } = officialChanges(versions, reports, corrections, until);
  return { path, assessments: assessInstants(versions, reports, corrections, path, instants) };
}

/**
 * Scores a problem over a window: the official as-of assessment at each instant, each dissent
 * over the instants it stood (filed, not yet withdrawn), lead times. Without an outcome the
 * series is there and the scores are null. Throws PROBLEM_NOT_FOUND, or REQUEST_INVALID naming
 * the bad option.
 */
export async function problemScores(store: Store, problemId: string, options: ScoreOptions, now: number, loaded?: ProblemHistory): Promise<ProblemScores> {
  const history = loaded ?? (await loadHistory(store, problemId));
  const outcome = history.outcomes.at(-1);
  const window = scoreWindow(history, outcome, options, now);
  const model = history.versions.at(-1)!.problem;
  const truth = outcome === undefined ? undefined : truthOf(outcomeModel(history, outcome), outcome);

  // Lead times read the whole record up to now, not the scored window: a level first reached
  // only after the outcome has a negative lead, it was not "never reached".
  const leadUntil = Math.max(window.to, now);
  const { path, assessments } = officialAssessments(history, leadUntil, window.instants);

  // The official assessment at each instant, recomputed from the log's events (as the store's
  // as-of assessment answers, but vouched for by the log's verification).
  const forecasts: Forecast[] = [];
  const series: ScoredInstant[] = [];
  for (const a of assessments) {
    const forecast: Forecast = { at: a.at, posterior: a.posterior, pDangerous: a.pDangerous };
    forecasts.push(forecast);
    series.push({ at: formatInstant(a.at), pDangerous: a.pDangerous, level: a.level, leading: a.leading, posterior: a.posterior, ...(truth !== undefined ? scoreForecast(forecast, truth) : {}) });
  }

  const record = warningHistory(history.events);
  const dissents = record.dissents.map((d): DissentScore => {
    const until = d.withdrawn?.at ?? Infinity;
    const stood = forecasts.filter((f) => f.at >= d.at && f.at < until);
    const own = stood.map((f) => ({ at: f.at, posterior: d.posterior, pDangerous: d.pDangerous }));
    return {
      dissent: d.dissent,
      author: d.author,
      filedAt: formatInstant(d.at),
      ...(d.withdrawn !== undefined ? { withdrawnAt: formatInstant(d.withdrawn.at) } : {}),
      pDangerous: d.pDangerous,
      posterior: d.posterior,
      scores: truth === undefined ? null : meanScores(own, truth),
      official: truth === undefined ? null : meanScores(stood, truth),
    };
  });

  const outcomeAt = outcome === undefined ? NaN : outcomeInstant(outcome);
  const levels = model.warning.levels.map((l) => l.id);
  const warningPath = record.warnings
    .filter((w) => w.dissent === undefined)
    .flatMap((w) => w.versions.filter((v) => v.at <= leadUntil).map((v) => ({ at: v.at, level: v.closing ? levels[0]! : v.judgment.level })))
    .sort((a, b) => a.at - b.at);
  const lead = outcome === undefined ? [] : withText(leadTimes(path, levels, outcomeAt));
  const warningLead = outcome === undefined ? [] : withText(leadTimes(warningPath, levels, outcomeAt));

  return {
    problem: problemId,
    outcome: outcome === undefined || truth === undefined ? null : { ...outcome, dangerous: truth.dangerous },
    window: { from: formatInstant(window.from), to: formatInstant(window.to), every: window.every, everyText: formatDuration(window.every), instants: window.instants.length },
    official: truth === undefined ? null : meanScores(forecasts, truth),
    series,
    dissents,
    leadTimes: lead,
    warningLeadTimes: warningLead,
    reliability: truth === undefined ? [] : reliabilityBins(forecasts.map((f) => ({ p: f.pDangerous, happened: truth.dangerous })), 10),
  };
}

/** The reliability diagram across resolved problems. */
export interface ReliabilityAcross {
  readonly bins: readonly ReliabilityBin[];
  readonly problems: readonly { readonly problem: string; readonly hypothesis: string; readonly dangerous: boolean; readonly outcomeAt: string; readonly instants: number; readonly every: number }[];
  readonly forecasts: number;
  /** The diagram as an SVG image (no script, presentation attributes only). */
  readonly svg: string;
}

/**
 * pDangerous of every resolved problem, scored at its default instants (its first report to its
 * outcome, at most 500 instants), binned into `binCount` bins. Throws RangeError for a bad bin
 * count (the caller validates).
 */
export async function reliabilityAcross(
  store: Store,
  binCount: number,
  now: number,
  /** Forecast/outcome pairs already scored at a problem's default instants (spared a second scoring). */
  known: ReadonlyMap<string, readonly { p: number; happened: boolean }[]> = new Map(),
): Promise<ReliabilityAcross> {
  const pairs: { p: number; happened: boolean }[] = [];
  const problems: ReliabilityAcross['problems'][number][] = [];
  for (const p of await store.problems()) {
    const outcome = await currentOutcome(store, p.id);
    if (outcome === undefined) continue;
    const history = await loadHistory(store, p.id);
    let window: ScoreWindow;
    try {
      window = scoreWindow(history, outcome, {}, now);
    } catch {
      // A window that cannot be scored (too many instants): left out of the diagram.
      continue;
    }
    const truth = truthOf(outcomeModel(history, outcome), outcome);
    const scored = known.get(p.id);
    if (scored !== undefined && scored.length === window.instants.length) for (const pair of scored) pairs.push(pair);
    else {
      for (const a of officialAssessments(history, window.to, window.instants).assessments) pairs.push({ p: a.pDangerous, happened: truth.dangerous });
    }
    problems.push({ problem: p.id, hypothesis: outcome.hypothesis, dangerous: truth.dangerous, outcomeAt: outcome.at, instants: window.instants.length, every: window.every });
  }
  const bins = reliabilityBins(pairs, binCount);
  return {
    bins,
    problems,
    forecasts: pairs.length,
    svg: reliabilitySvg(bins, { title: `Reliability of P(dangerous) across ${problems.length} resolved problem${problems.length === 1 ? '' : 's'} (${pairs.length} forecasts)` }),
  };
}
