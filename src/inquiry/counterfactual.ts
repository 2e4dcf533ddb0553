/**
 * Counterfactual replay: "with model version X, or with these likelihoods changed, when would
 * each level have been reached, and who would have been told?" The same stored reports and
 * corrections, replayed under the other model (spec section 6), and the escalation policy of
 * the organisation in force at each counterfactual level change run as the engine runs it
 * (holders, deputies, delegates of the absent, nobody reachable), side by side with what
 * happened.
 */
import type { Store } from '../app/store.js';
import { VigilError } from '../core/errors.js';
import { formatInstant } from '../core/instant.js';
import { pointer, type Issue } from '../core/issues.js';
import type { Problem } from '../core/model.js';
import { validateProblem } from '../core/problem-schema.js';
import { replay, type LevelChange } from '../core/replay.js';
import { leadTimes, type LevelStep } from '../core/scoring.js';
import { runEscalation, START, type EscalationCursor } from '../warn/escalation.js';
import { formatDuration } from './duration.js';
import { coreCorrections, loadHistory, organisationAt, versionAt, type ProblemHistory } from './history.js';
import { modelDiff } from './model-diff.js';
import { officialChanges, versionsInForce } from './official-timeline.js';
import { warningHistory } from './warning-record.js';

/** Likelihood changes: indicator id → hypothesis id → P(present | hypothesis), strictly in (0, 1). */
export type LikelihoodChanges = Readonly<Record<string, Readonly<Record<string, number>>>>;

export interface CounterfactualRequest {
  /** A stored model version to replay under. */
  readonly version?: number;
  /** A whole model (as a problem file) to replay under. */
  readonly model?: unknown;
  /** Likelihoods changed on the base model (the version, the model, else the current version). */
  readonly likelihoods?: LikelihoodChanges;
  /** The window shown (ms); default the first report's arrival to now. */
  readonly from?: number;
  readonly to?: number;
}

/** A level change, as shown side by side. */
export interface ChangeView {
  readonly at: string;
  readonly from: string;
  readonly to: string;
  readonly pDangerous: number;
  readonly leading: string;
  readonly evidence: readonly { readonly report: string; readonly impact: number; readonly flips: boolean }[];
  readonly collect: LevelChange['collect'];
}

/** Someone told (or who would have been), at a level change. */
export interface TellView {
  readonly at: string;
  /** The level change this telling follows. */
  readonly change: string;
  readonly level: string;
  readonly person: string;
  readonly reason: string;
  readonly role?: string;
  readonly standingInFor?: readonly string[];
  /** Told only because nobody acknowledged in time (a later escalation step). */
  readonly ifUnacknowledged: boolean;
  readonly allClear: boolean;
}

export interface UnreachableView {
  readonly at: string;
  readonly level: string;
  readonly target: string;
  readonly step: number;
}

export interface LevelComparison {
  readonly level: string;
  readonly actual: string | null;
  readonly counterfactual: string | null;
  /** counterfactual − actual (ms): negative = the other model would have got there sooner. */
  readonly differenceMs: number | null;
  readonly text: string;
}

export interface CounterfactualResult {
  readonly problem: string;
  readonly window: { readonly from: string; readonly to: string };
  readonly model: { readonly source: string; readonly version?: number; readonly changes: readonly string[] };
  /** Stored reports on indicators the counterfactual model lacks (left out of its replay). */
  readonly ignoredReports: number;
  readonly actual: { readonly changes: readonly ChangeView[]; readonly told: readonly TellView[] };
  readonly counterfactual: { readonly changes: readonly ChangeView[]; readonly told: readonly TellView[]; readonly unreachable: readonly UnreachableView[] };
  readonly levels: readonly LevelComparison[];
}

/** The most escalation runs one level change may take (waits and repeats), as a guard. */
const MAX_RUNS = 200;

function invalid(issues: readonly Issue[]): VigilError {
  const [first] = issues;
  return new VigilError('REQUEST_INVALID', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues, ...(issues.length === 1 && first !== undefined ? { path: first.path } : {}) });
}

/** `base` with its likelihoods changed; throws REQUEST_INVALID naming each bad entry. */
export function withLikelihoods(base: Problem, changes: LikelihoodChanges): Problem {
  const issues: Issue[] = [];
  const hypotheses = new Set(base.hypotheses.map((h) => h.id));
  for (const [indicator, byHypothesis] of Object.entries(changes)) {
    if (!base.indicators.some((i) => i.id === indicator)) issues.push({ path: pointer(['likelihoods', indicator]), message: `names no indicator of problem "${base.id}"` });
    for (const [hypothesis, p] of Object.entries(byHypothesis)) {
      if (!hypotheses.has(hypothesis)) issues.push({ path: pointer(['likelihoods', indicator, hypothesis]), message: `names no hypothesis of problem "${base.id}"` });
      else if (!(typeof p === 'number' && p > 0 && p < 1)) issues.push({ path: pointer(['likelihoods', indicator, hypothesis]), message: 'must be strictly between 0 and 1' });
    }
  }
  if (issues.length > 0) throw invalid(issues);
  return {
    ...base,
    indicators: base.indicators.map((i) => (changes[i.id] === undefined ? i : { ...i, likelihood: { ...i.likelihood, ...changes[i.id] } })),
  };
}

/** The model a request asks for, with where it came from. Throws REQUEST_INVALID / PROBLEM_INVALID naming the field. */
export function counterfactualModel(history: ProblemHistory, request: CounterfactualRequest): { problem: Problem; source: string; version?: number } {
  if (request.version !== undefined && request.model !== undefined) throw invalid([{ path: '/model', message: 'give a version or a model, not both' }]);
  let base: Problem;
  let source: string;
  let version: number | undefined;
  if (request.version !== undefined) {
    const found = history.versions.find((v) => v.version === request.version);
    if (found === undefined) throw invalid([{ path: '/version', message: `problem "${history.problem}" has no version ${request.version} (it has 1 to ${history.versions.at(-1)!.version})` }]);
    base = found.problem;
    source = `version ${found.version}`;
    version = found.version;
  } else if (request.model !== undefined) {
    const result = validateProblem(request.model);
    if (!result.ok) {
      const issues = result.issues.map((i) => ({ path: `/model${i.path}`, message: i.message }));
      throw new VigilError('PROBLEM_INVALID', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues, ...(issues.length === 1 ? { path: issues[0]!.path } : {}) });
    }
    base = result.value;
    source = 'a model given';
  } else if (request.likelihoods !== undefined) {
    const current = history.versions.at(-1)!;
    base = current.problem;
    source = `version ${current.version}`;
    version = current.version;
  } else {
    throw invalid([{ path: '/version', message: 'give a model version, a model, or likelihoods to change' }]);
  }
  if (request.likelihoods === undefined || Object.keys(request.likelihoods).length === 0) return { problem: base, source, ...(version !== undefined ? { version } : {}) };
  const changed = withLikelihoods(base, request.likelihoods);
  const result = validateProblem(changed);
  if (!result.ok) throw invalid(result.issues.map((i) => ({ path: `/likelihoods${i.path}`, message: i.message })));
  return { problem: result.value, source: `${source} with likelihoods changed`, ...(version !== undefined ? { version } : {}) };
}

function view(change: LevelChange): ChangeView {
  return { at: change.at, from: change.from, to: change.to, pDangerous: change.pDangerous, leading: change.leading, evidence: change.evidence, collect: change.collect };
}

/**
 * Who the escalation policy in force would have told at each level change (`changes` in time
 * order, levels of `problem`): each change starts the new level's steps, as a new warning
 * version does; the steps after a wait run only until the next change (and the window's end),
 * as if nobody acknowledged; a change back to the first level tells everyone told since the
 * warning opened that it is over.
 */
export function wouldTell(history: Pick<ProblemHistory, 'organisations' | 'problem'>, problem: Problem, changes: readonly LevelChange[], until: number): { told: TellView[]; unreachable: UnreachableView[] } {
  const told: TellView[] = [];
  const unreachable: UnreachableView[] = [];
  const first = problem.warning.levels[0]?.id;
  let sinceOpening = new Map<string, TellView>();
  changes.forEach((change, k) => {
    const at = Date.parse(change.at);
    const end = Math.min(until, k + 1 < changes.length ? Date.parse(changes[k + 1]!.at) : Infinity);
    if (change.to === first) {
      for (const person of sinceOpening.keys()) told.push({ at: change.at, change: change.at, level: change.to, person, reason: 'named', ifUnacknowledged: false, allClear: true });
      sinceOpening = new Map();
      return;
    }
    let cursor: EscalationCursor = START;
    let now = at;
    for (let run = 0; run < MAX_RUNS; run++) {
      const org = organisationAt(history, now);
      const policy = org?.policies.find((p) => p.problem === history.problem || p.problem === problem.id);
      const steps = policy?.levels[change.to] ?? [];
      if (org === undefined || policy === undefined || steps.length === 0) break;
      const actions = runEscalation(steps, cursor, org, policy.control, now);
      let next: { due: number; cursor: EscalationCursor } | undefined;
      for (const action of actions) {
        if (action.kind === 'notify') {
          const r = action.recipient;
          const tell: TellView = {
            at: formatInstant(now),
            change: change.at,
            level: change.to,
            person: r.person,
            reason: r.reason,
            ...(r.role !== undefined ? { role: r.role } : {}),
            ...(r.standingInFor !== undefined ? { standingInFor: [...r.standingInFor] } : {}),
            ifUnacknowledged: run > 0,
            allClear: false,
          };
          told.push(tell);
          if (!sinceOpening.has(r.person)) sinceOpening.set(r.person, tell);
        } else if (action.kind === 'unreachable') {
          unreachable.push({ at: formatInstant(now), level: change.to, target: action.target, step: action.step });
        } else if (action.kind === 'wait') {
          next = { due: action.due, cursor: action.cursor };
        }
      }
      if (next === undefined || next.due >= end) break;
      now = next.due;
      cursor = next.cursor;
    }
  });
  return { told, unreachable };
}

/** The first instant each level (or a higher one) was in force along `changes`. */
function firstReached(changes: readonly { at: string; to: string }[], levels: readonly string[]): (number | null)[] {
  const path: LevelStep[] = changes.map((c) => ({ at: Date.parse(c.at), level: c.to }));
  return leadTimes(path, levels, 0).map((l) => l.firstReached);
}

/**
 * The counterfactual replay of a problem from the store's events, beside what happened.
 * Throws PROBLEM_NOT_FOUND, REQUEST_INVALID or PROBLEM_INVALID naming the bad field.
 */
export async function counterfactual(store: Store, problemId: string, request: CounterfactualRequest, now: number, loaded?: ProblemHistory): Promise<CounterfactualResult> {
  const history = loaded ?? (await loadHistory(store, problemId));
  const chosen = counterfactualModel(history, request);
  const firstReport = history.reports.reduce((m, r) => Math.min(m, r.report.received), Infinity);
  const from = request.from ?? (Number.isFinite(firstReport) ? firstReport : history.versions[0]!.appendedAt);
  const to = request.to ?? now;
  if (!(from <= to)) throw invalid([{ path: '/from', message: `must not be after to (${formatInstant(from)} is after ${formatInstant(to)})` }]);

  const known = new Set(chosen.problem.indicators.map((i) => i.id));
  const received = history.reports.map((r) => r.report).filter((r) => r.received <= to);
  const usable = received.filter((r) => known.has(r.indicator));
  const corrections = coreCorrections(history).filter((c) => c.at <= to);
  const inWindow = (at: string) => {
    const ms = Date.parse(at);
    return ms >= from && ms <= to;
  };

  // What the other model would have done, over the whole history (the level at the window's
  // start depends on it), shown within the window.
  const replayed = replay(chosen.problem, usable, { corrections });
  const cfChanges = replayed.changes.filter((c) => inWindow(c.at));
  const { told, unreachable } = wouldTell(history, chosen.problem, replayed.changes, to);

  // What happened.
  const official = officialChanges(versionsInForce(history.versions), history.reports.map((r) => r.report), corrections, to);
  const record = warningHistory(history.events);
  const officialWarnings = new Map(record.warnings.filter((w) => w.dissent === undefined).map((w) => [w.id, w]));
  const actualTold: TellView[] = record.notifications
    .filter((n) => officialWarnings.has(n.warning) && n.at >= from && n.at <= to)
    .map((n) => {
      const version = officialWarnings.get(n.warning)!.versions.find((v) => v.version === n.version);
      const opened = officialWarnings.get(n.warning)!.versions.find((v) => v.version === n.version)?.at ?? n.at;
      return {
        at: formatInstant(n.at),
        change: formatInstant(opened),
        level: version?.closing === true ? (history.versions.at(-1)!.problem.warning.levels[0]?.id ?? '') : (version?.judgment.level ?? ''),
        person: n.person,
        reason: n.reason,
        ...(n.role !== undefined ? { role: n.role } : {}),
        ...(n.standingInFor !== undefined ? { standingInFor: n.standingInFor } : {}),
        ifUnacknowledged: n.step > 0 && !n.allClear,
        allClear: n.allClear,
      };
    });

  const levels = chosen.problem.warning.levels.map((l) => l.id);
  const actualFirst = firstReached(official.changes, levels);
  const cfFirst = firstReached(replayed.changes, levels);
  const comparison: LevelComparison[] = levels.slice(1).map((level, i) => {
    const a = actualFirst[i] ?? null;
    const c = cfFirst[i] ?? null;
    const differenceMs = a === null || c === null ? null : c - a;
    const text =
      a === null && c === null
        ? 'reached by neither'
        : a === null
          ? `reached only under the other model (${formatInstant(c!)})`
          : c === null
            ? 'never reached under the other model'
            : differenceMs === 0
              ? 'at the same instant'
              : `${formatDuration(Math.abs(differenceMs!))} ${differenceMs! < 0 ? 'sooner' : 'later'} under the other model`;
    return { level, actual: a === null ? null : formatInstant(a), counterfactual: c === null ? null : formatInstant(c), differenceMs, text };
  });

  const reference = versionAt(history, to).problem;
  return {
    problem: problemId,
    window: { from: formatInstant(from), to: formatInstant(to) },
    model: { source: chosen.source, ...(chosen.version !== undefined ? { version: chosen.version } : {}), changes: modelDiff(reference, chosen.problem) },
    ignoredReports: received.length - usable.length,
    actual: { changes: official.changes.filter((c) => c.atMs >= from && c.atMs <= to).map(view), told: actualTold },
    counterfactual: { changes: cfChanges.map(view), told: told.filter((t) => inWindow(t.at)), unreachable: unreachable.filter((u) => inWindow(u.at)) },
    levels: comparison,
  };
}
