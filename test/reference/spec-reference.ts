/**
 * An independent, deliberately plain implementation of `shared/spec/assessment.md`, sections
 * 2.1 to 8, written from the spec alone. It exists to check Vigil's core: the tests compare the
 * core against it on random problems and report sets.
 *
 * Clarity over speed: leave-one-out recomputes the whole posterior for every report, the
 * replay recomputes everything at every instant, and nothing is cached. Products of many
 * probabilities are taken in log space (the spec requires it: thousands of reports must not
 * underflow), and conditional probabilities are formed from logs so that they stay accurate
 * when one outcome is nearly impossible.
 *
 * Where the spec leaves a choice open, the choice made here is written beside the code:
 * - a retracted report is withdrawn, as if it had never been filed: it takes no part in
 *   supersession (the source's previous word on the indicator stands) and its arrival is no
 *   evaluation instant of the replay;
 * - `superseded by <id>` names the report that counts for the (indicator, source) pair;
 * - a report both retracted and superseded is listed as `retracted`;
 * - one evaluation of section 6 that moves the level (even by several steps while lowering)
 *   is one level change.
 */
import type { Problem, Report, WarningPolicy } from '../../src/core/model.js';

const MS_PER_HOUR = 3_600_000;

// ---------------------------------------------------------------------------------------------
// Small numeric helpers
// ---------------------------------------------------------------------------------------------

/** log(e^a + e^b), safe when either is -Infinity or both are very negative. */
function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/** log(Σ e^x) over a list. */
function logSum(xs: readonly number[]): number {
  let total = -Infinity;
  for (const x of xs) total = logAdd(total, x);
  return total;
}

/** Shannon entropy in bits of a distribution given by its natural logs (0 log 0 = 0). */
function entropyBitsFromLogs(logP: readonly number[]): number {
  let h = 0;
  for (const l of logP) {
    const p = Math.exp(l);
    if (p > 0) h -= p * (l / Math.LN2);
  }
  return h;
}

function at<T>(xs: readonly T[], i: number): T {
  const x = xs[i];
  if (x === undefined) throw new Error(`index ${i} out of range`);
  return x;
}

/** String order (UTF-16 code units), as the spec's "then id" and "greatest id". */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// 2.1 Channels, 2.2 fading
// ---------------------------------------------------------------------------------------------

export interface RefChannel {
  readonly s: number;
  readonly f: number;
}

/**
 * A channel with its complements, 1 - s = P(says absent | S = 1) and 1 - f, each computed
 * directly rather than by subtraction: when a faded s' lies within 1e-9 of 1, the difference
 * 1 - s' of two doubles keeps only about 7 digits, and a report saying "absent" is weighed by it.
 */
export interface RefFullChannel extends RefChannel {
  readonly notS: number;
  readonly notF: number;
}

const RELIABILITY_R: Record<string, number> = { A: 0.95, B: 0.85, C: 0.75, D: 0.6, E: 0.5, F: 0.65 };
const CREDIBILITY_C: Record<string, number> = {
  '1': 0.95,
  '2': 0.85,
  '3': 0.75,
  '4': 0.6,
  '5': 0.5,
  '6': 0.65,
};

/** Section 2.1: sensor rates if given, otherwise q = r c + (1 - r)(1 - c), s = q, f = 1 - q. */
export function refChannel(report: Report): RefFullChannel {
  if (report.sensitivity !== undefined && report.falseAlarmRate !== undefined) {
    // 1 - x is exact or correctly rounded for a double x in (0, 1).
    return {
      s: report.sensitivity,
      f: report.falseAlarmRate,
      notS: 1 - report.sensitivity,
      notF: 1 - report.falseAlarmRate,
    };
  }
  const r = RELIABILITY_R[report.reliability];
  const c = CREDIBILITY_C[report.credibility];
  if (r === undefined || c === undefined) throw new Error(`bad grades on report ${report.id}`);
  const q = r * c + (1 - r) * (1 - c);
  const notQ = r * (1 - c) + (1 - r) * c;
  return { s: q, f: notQ, notS: notQ, notF: q };
}

/**
 * Section 2.2: w = 2^(-a/h) (1 without a half-life); s' = 0.5 + (s - 0.5) w, likewise f'.
 * Written as s' = s w + 0.5 (1 - w) and 1 - s' = (1 - s) w + 0.5 (1 - w): the same numbers,
 * as sums of non-negative terms, so a fresh or unfading channel keeps its rates exactly.
 */
export function refFade(
  channel: RefChannel | RefFullChannel,
  ageHours: number,
  halfLifeHours: number | undefined,
): RefFullChannel {
  const notS = 'notS' in channel ? channel.notS : 1 - channel.s;
  const notF = 'notF' in channel ? channel.notF : 1 - channel.f;
  const exponent = halfLifeHours === undefined ? 0 : -(ageHours / halfLifeHours) * Math.LN2;
  const w = Math.exp(exponent);
  const oneMinusW = -Math.expm1(exponent);
  return {
    s: channel.s * w + 0.5 * oneMinusW,
    f: channel.f * w + 0.5 * oneMinusW,
    notS: notS * w + 0.5 * oneMinusW,
    notF: notF * w + 0.5 * oneMinusW,
  };
}

/** The faded channel of a report at assessment time T (ms), age = max(0, T - at) in hours. */
export function refFadedChannel(problem: Problem, report: Report, T: number): RefFullChannel {
  const indicator = problem.indicators.find((i) => i.id === report.indicator);
  if (indicator === undefined)
    throw new Error(`report ${report.id} names unknown indicator ${report.indicator}`);
  const ageHours = Math.max(0, T - report.at) / MS_PER_HOUR;
  return refFade(refChannel(report), ageHours, indicator.halfLifeHours);
}

// ---------------------------------------------------------------------------------------------
// 2.3 Which reports count at time T
// ---------------------------------------------------------------------------------------------

export interface RefIgnored {
  readonly report: string;
  readonly why: string;
}

export interface RefSelection {
  /** Counted reports, in input order. */
  readonly counted: readonly Report[];
  /** Every other report with its reason, in input order. */
  readonly ignored: readonly RefIgnored[];
}

/** True when report `a` is later than `b` for supersession: later at, then received, then id. */
function isLater(a: Report, b: Report): boolean {
  if (a.at !== b.at) return a.at > b.at;
  if (a.received !== b.received) return a.received > b.received;
  return compareIds(a.id, b.id) > 0;
}

/** Section 2.3: received by T, not retracted, and the latest per (indicator, source). */
export function refSelect(
  reports: readonly Report[],
  T: number,
  retracted: ReadonlySet<string> = new Set(),
): RefSelection {
  const candidates = reports.filter((r) => r.received <= T && !retracted.has(r.id));
  const latest = new Map<string, Report>();
  for (const r of candidates) {
    const key = JSON.stringify([r.indicator, r.source]);
    const current = latest.get(key);
    if (current === undefined || isLater(r, current)) latest.set(key, r);
  }
  const counted: Report[] = [];
  const ignored: RefIgnored[] = [];
  for (const r of reports) {
    if (r.received > T) {
      ignored.push({ report: r.id, why: 'not yet received' });
    } else if (retracted.has(r.id)) {
      ignored.push({ report: r.id, why: 'retracted' });
    } else {
      const winner = latest.get(JSON.stringify([r.indicator, r.source]));
      if (winner === r) counted.push(r);
      else ignored.push({ report: r.id, why: `superseded by ${winner?.id ?? '?'}` });
    }
  }
  return { counted, ignored };
}

// ---------------------------------------------------------------------------------------------
// 3. Posterior and beliefs
// ---------------------------------------------------------------------------------------------

/** log A_j, log B_j and the number of counted reports, per indicator in file order. */
interface IndicatorEvidence {
  readonly logA: number;
  readonly logB: number;
  readonly reports: number;
}

function indicatorEvidence(problem: Problem, counted: readonly Report[], T: number): IndicatorEvidence[] {
  return problem.indicators.map((indicator) => {
    let logA = 0;
    let logB = 0;
    let n = 0;
    for (const r of counted) {
      if (r.indicator !== indicator.id) continue;
      const { s, f, notS, notF } = refFadedChannel(problem, r, T);
      if (r.observed === 'present') {
        logA += Math.log(s);
        logB += Math.log(f);
      } else {
        logA += Math.log(notS);
        logB += Math.log(notF);
      }
      n += 1;
    }
    return { logA, logB, reports: n };
  });
}

export interface RefPosterior {
  /** Natural log of p_i, hypothesis file order. */
  readonly logP: readonly number[];
  /** p_i, hypothesis file order. */
  readonly p: readonly number[];
  readonly pDangerous: number;
  /** Index of the leading hypothesis (greatest p_i, first in file order on ties). */
  readonly leading: number;
  /** log u_ij and log(1 - u_ij), [i][j]. */
  readonly logU: readonly (readonly number[])[];
  readonly log1mU: readonly (readonly number[])[];
  readonly evidence: readonly IndicatorEvidence[];
}

function likelihood(problem: Problem, hypothesisId: string, indicatorIndex: number): number {
  const l = at(problem.indicators, indicatorIndex).likelihood[hypothesisId];
  if (l === undefined) throw new Error(`no likelihood for ${hypothesisId}`);
  return l;
}

/** Section 3, in log space, from a given set of counted reports at time T. */
export function refPosterior(problem: Problem, counted: readonly Report[], T: number): RefPosterior {
  const evidence = indicatorEvidence(problem, counted, T);
  const logU: number[][] = [];
  const log1mU: number[][] = [];
  const logWeights: number[] = [];
  for (const h of problem.hypotheses) {
    let logLambda = 0;
    const uRow: number[] = [];
    const u1mRow: number[] = [];
    evidence.forEach((e, j) => {
      const L = likelihood(problem, h.id, j);
      // log(L A) and log((1 - L) B); their sum is the factor of Λ_i for indicator j.
      const present = Math.log(L) + e.logA;
      const absent = Math.log(1 - L) + e.logB;
      const factor = logAdd(present, absent);
      if (e.reports > 0) logLambda += factor;
      uRow.push(present - factor);
      u1mRow.push(absent - factor);
    });
    logU.push(uRow);
    log1mU.push(u1mRow);
    logWeights.push(Math.log(h.prior) + logLambda);
  }
  const logZ = logSum(logWeights);
  const logP = logWeights.map((w) => w - logZ);
  const p = logP.map((l) => Math.exp(l));
  let pDangerous = 0;
  problem.hypotheses.forEach((h, i) => {
    if (h.dangerous === true) pDangerous += at(p, i);
  });
  let leading = 0;
  p.forEach((x, i) => {
    if (x > at(p, leading)) leading = i;
  });
  return { logP, p, pDangerous, leading, logU, log1mU, evidence };
}

/** belief_j = Σ_i p_i u_ij, indicator file order. */
export function refBeliefs(problem: Problem, posterior: RefPosterior): number[] {
  return problem.indicators.map((_indicator, j) => {
    let belief = 0;
    problem.hypotheses.forEach((_h, i) => {
      belief += at(posterior.p, i) * Math.exp(at(at(posterior.logU, i), j));
    });
    return belief;
  });
}

// ---------------------------------------------------------------------------------------------
// 4. Sensitivity, 5. Value of information
// ---------------------------------------------------------------------------------------------

export interface RefImpact {
  readonly report: string;
  readonly impact: number;
  readonly flips: boolean;
}

/** Section 4: leave each counted report out (nothing it superseded comes back) and recompute. */
export function refSensitivity(problem: Problem, counted: readonly Report[], T: number): RefImpact[] {
  const full = refPosterior(problem, counted, T);
  const out = counted.map((k) => {
    const without = refPosterior(
      problem,
      counted.filter((r) => r !== k),
      T,
    );
    return {
      report: k.id,
      impact: full.pDangerous - without.pDangerous,
      flips: without.leading !== full.leading,
    };
  });
  return out.sort((a, b) => Math.abs(b.impact) - Math.abs(a.impact) || compareIds(a.report, b.report));
}

export interface RefCollect {
  readonly indicator: string;
  readonly eig: number;
  readonly pDangerousIfPresent: number;
  readonly pDangerousIfAbsent: number;
}

/** Section 5, for every indicator, ranked by eig descending then id. */
export function refCollect(problem: Problem, posterior: RefPosterior): RefCollect[] {
  const hPrior = entropyBitsFromLogs(posterior.logP);
  const out = problem.indicators.map((indicator, j) => {
    // log(p_i u_ij) and log(p_i (1 - u_ij)).
    const joint1 = problem.hypotheses.map((_h, i) => at(posterior.logP, i) + at(at(posterior.logU, i), j));
    const joint0 = problem.hypotheses.map((_h, i) => at(posterior.logP, i) + at(at(posterior.log1mU, i), j));
    const logP1 = logSum(joint1);
    const logP0 = logSum(joint0);
    const cond1 = joint1.map((l) => l - logP1);
    const cond0 = joint0.map((l) => l - logP0);
    const eig =
      hPrior - (Math.exp(logP1) * entropyBitsFromLogs(cond1) + Math.exp(logP0) * entropyBitsFromLogs(cond0));
    let ifPresent = 0;
    let ifAbsent = 0;
    problem.hypotheses.forEach((h, i) => {
      if (h.dangerous === true) {
        ifPresent += Math.exp(at(cond1, i));
        ifAbsent += Math.exp(at(cond0, i));
      }
    });
    return { indicator: indicator.id, eig, pDangerousIfPresent: ifPresent, pDangerousIfAbsent: ifAbsent };
  });
  return out.sort((a, b) => b.eig - a.eig || compareIds(a.indicator, b.indicator));
}

// ---------------------------------------------------------------------------------------------
// 6. Warning levels
// ---------------------------------------------------------------------------------------------

/** One evaluation of section 6 from level index `current`. */
export function refNextLevel(policy: WarningPolicy, current: number, pDangerous: number): number {
  const levels = policy.levels;
  const hysteresis = policy.hysteresis ?? 0.2;
  let highest = -1;
  for (let k = current + 1; k < levels.length; k++) {
    if (at(levels, k).threshold <= pDangerous) highest = k;
  }
  if (highest >= 0) return highest;
  let level = current;
  while (level > 0 && pDangerous < at(levels, level).threshold * (1 - hysteresis)) level -= 1;
  return level;
}

/** Everything known at one instant. */
interface Snapshot {
  readonly selection: RefSelection;
  readonly posterior: RefPosterior;
  readonly sensitivity: RefImpact[];
  readonly collect: RefCollect[];
}

function snapshot(
  problem: Problem,
  reports: readonly Report[],
  T: number,
  retracted: ReadonlySet<string>,
): Snapshot {
  const selection = refSelect(reports, T, retracted);
  const posterior = refPosterior(problem, selection.counted, T);
  return {
    selection,
    posterior,
    sensitivity: refSensitivity(problem, selection.counted, T),
    collect: refCollect(problem, posterior),
  };
}

export interface RefLevelChange {
  readonly at: string;
  readonly from: string;
  readonly to: string;
  readonly pDangerous: number;
  readonly leading: string;
  /** The whole sensitivity list at that instant (the core keeps the top three). */
  readonly sensitivity: readonly RefImpact[];
  /** The whole collection ranking at that instant (the core keeps the top three). */
  readonly collect: readonly RefCollect[];
}

export interface RefReplay {
  readonly changes: RefLevelChange[];
  /** Index of the level reached at the last instant. */
  readonly finalLevel: number;
}

/** The instant an assessment defaults to: the latest `received` among the reports. */
export function refDefaultAt(reports: readonly Report[]): number {
  if (reports.length === 0) throw new Error('no reports and no instant');
  return Math.max(...reports.map((r) => r.received));
}

/**
 * Section 6 replay: evaluate at each distinct `received` instant up to T in order, then at T
 * itself if it is not one of them, starting at the first level.
 */
export function refReplay(
  problem: Problem,
  reports: readonly Report[],
  T: number,
  retracted: ReadonlySet<string> = new Set(),
): RefReplay {
  // A retracted report is as if it had never been filed: its arrival is no evaluation instant.
  const instants = [
    ...new Set(
      reports
        .filter((r) => !retracted.has(r.id))
        .map((r) => r.received)
        .filter((t) => t <= T),
    ),
  ].sort((a, b) => a - b);
  if (!instants.includes(T)) instants.push(T);
  const levels = problem.warning.levels;
  let current = 0;
  const changes: RefLevelChange[] = [];
  for (const t of instants) {
    const snap = snapshot(problem, reports, t, retracted);
    const next = refNextLevel(problem.warning, current, snap.posterior.pDangerous);
    if (next !== current) {
      changes.push({
        at: new Date(t).toISOString(),
        from: at(levels, current).id,
        to: at(levels, next).id,
        pDangerous: snap.posterior.pDangerous,
        leading: at(problem.hypotheses, snap.posterior.leading).id,
        sensitivity: snap.sensitivity,
        collect: snap.collect,
      });
    }
    current = next;
  }
  return { changes, finalLevel: current };
}

// ---------------------------------------------------------------------------------------------
// 7. The assessment as JSON
// ---------------------------------------------------------------------------------------------

export interface RefAssessment {
  problem: string;
  at: string;
  posterior: Record<string, number>;
  pDangerous: number;
  leading: string;
  level: string;
  indicators: { id: string; belief: number; reports: number }[];
  sensitivity: RefImpact[];
  collect: RefCollect[];
  counted: number;
  ignored: RefIgnored[];
}

export interface RefAssessOptions {
  readonly at?: number;
  readonly retracted?: ReadonlySet<string>;
}

/** Section 7: the whole assessment at T (default: latest received). */
export function refAssess(
  problem: Problem,
  reports: readonly Report[],
  options: RefAssessOptions = {},
): RefAssessment {
  const T = options.at ?? refDefaultAt(reports);
  const retracted = options.retracted ?? new Set<string>();
  const snap = snapshot(problem, reports, T, retracted);
  const beliefs = refBeliefs(problem, snap.posterior);
  const posterior: Record<string, number> = {};
  problem.hypotheses.forEach((h, i) => {
    posterior[h.id] = at(snap.posterior.p, i);
  });
  const replay = refReplay(problem, reports, T, retracted);
  return {
    problem: problem.id,
    at: new Date(T).toISOString(),
    posterior,
    pDangerous: snap.posterior.pDangerous,
    leading: at(problem.hypotheses, snap.posterior.leading).id,
    level: at(problem.warning.levels, replay.finalLevel).id,
    indicators: problem.indicators.map((indicator, j) => ({
      id: indicator.id,
      belief: at(beliefs, j),
      reports: at(snap.posterior.evidence, j).reports,
    })),
    sensitivity: snap.sensitivity,
    collect: snap.collect,
    counted: snap.selection.counted.length,
    ignored: [...snap.selection.ignored],
  };
}

// ---------------------------------------------------------------------------------------------
// 8. Classic ACH
// ---------------------------------------------------------------------------------------------

export type RefAchRating = 'CC' | 'C' | 'N' | 'NA' | 'I' | 'II';
export type RefAchWeight = 'High' | 'Medium' | 'Low';

export interface RefAchRow {
  id: string;
  credibility: RefAchWeight;
  relevance: RefAchWeight;
  ratings: Record<string, RefAchRating>;
}

export interface RefAchMatrix {
  hypotheses: string[];
  rows: RefAchRow[];
}

export interface RefAchScores {
  hypotheses: { id: string; inconsistencyScore: number; weightedInconsistencyScore: number }[];
  leastInconsistent: string;
  nonDiagnostic: string[];
}

function achWeight(w: RefAchWeight): number {
  return w === 'High' ? Math.SQRT2 : w === 'Medium' ? 1 : 1 / Math.SQRT2;
}

function achValue(r: RefAchRating): number {
  return r === 'II' ? -2 : r === 'I' ? -1 : 0;
}

/** Section 8 scores. The least inconsistent is the greatest weighted score (first on ties). */
export function refScoreAch(matrix: RefAchMatrix): RefAchScores {
  const hypotheses = matrix.hypotheses.map((h) => {
    let inconsistencyScore = 0;
    let weightedInconsistencyScore = 0;
    for (const row of matrix.rows) {
      const rating = row.ratings[h];
      if (rating === undefined) throw new Error(`row ${row.id} has no rating for ${h}`);
      inconsistencyScore += -achValue(rating);
      weightedInconsistencyScore += achWeight(row.credibility) * achWeight(row.relevance) * achValue(rating);
    }
    return { id: h, inconsistencyScore, weightedInconsistencyScore };
  });
  let least = at(hypotheses, 0);
  for (const h of hypotheses) if (h.weightedInconsistencyScore > least.weightedInconsistencyScore) least = h;
  const nonDiagnostic = matrix.rows
    .filter(
      (row) => new Set(matrix.hypotheses.map((h) => row.ratings[h]).filter((r) => r !== 'NA')).size <= 1,
    )
    .map((row) => row.id);
  return { hypotheses, leastInconsistent: least.id, nonDiagnostic };
}

/** Section 8, derived: one row per counted report at T, in input order. */
export function refDeriveAch(problem: Problem, reports: readonly Report[], T: number): RefAchMatrix {
  const { counted } = refSelect(reports, T);
  const rows = counted.map((report): RefAchRow => {
    const { s, f, notS, notF } = refFadedChannel(problem, report, T);
    const j = problem.indicators.findIndex((i) => i.id === report.indicator);
    const m = problem.hypotheses.map((h) => {
      const L = likelihood(problem, h.id, j);
      return report.observed === 'present' ? L * s + (1 - L) * f : L * notS + (1 - L) * notF;
    });
    const mean = m.reduce((a, b) => a + b, 0) / m.length;
    const ratings: Record<string, RefAchRating> = {};
    problem.hypotheses.forEach((h, i) => {
      const ratio = at(m, i) / mean;
      ratings[h.id] = ratio >= 2 ? 'CC' : ratio >= 1.25 ? 'C' : ratio > 0.8 ? 'N' : ratio > 0.5 ? 'I' : 'II';
    });
    const accuracy = Math.max(s, notF);
    const credibility: RefAchWeight = accuracy >= 0.85 ? 'High' : accuracy >= 0.65 ? 'Medium' : 'Low';
    return { id: report.id, credibility, relevance: 'Medium', ratings };
  });
  return { hypotheses: problem.hypotheses.map((h) => h.id), rows };
}

// ---------------------------------------------------------------------------------------------
// 9. Words
// ---------------------------------------------------------------------------------------------

/** ICD 203 words; each band includes its lower edge. */
export function refWords(p: number): string {
  if (p < 0.05) return 'almost no chance';
  if (p < 0.2) return 'very unlikely';
  if (p < 0.45) return 'unlikely';
  if (p < 0.55) return 'roughly even chance';
  if (p < 0.8) return 'likely';
  if (p < 0.95) return 'very likely';
  return 'almost certain';
}
