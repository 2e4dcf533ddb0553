/**
 * The assessment kept up to date one report at a time: what a server does as reports arrive.
 * Adding a report costs O(hypotheses). Evaluating at the same instant as before costs
 * O(hypotheses); at a new instant, the reports on fading indicators are re-weighed for it.
 */
import { compileProblem, type CompiledProblem } from './compiled-problem.js';
import { likelihoodTerms, reportChannel, type LikelihoodTerms } from './channel.js';
import { ChannelMap, supersedes } from './counting.js';
import { reportEvidence } from './evidence.js';
import { FadingSeries } from './fading-series.js';
import type { Problem, Report } from './model.js';
import { mixtureTerms } from './posterior.js';

/** Re-add the cached terms this often, so rounding in the running sums cannot drift. */
const RESYNC_EVERY = 1024;

export interface QuickAssessment {
  /** p_i in hypothesis order. */
  readonly posterior: number[];
  readonly pDangerous: number;
  /** Id of the leading hypothesis (greatest p_i, ties to the first). */
  readonly leading: string;
}

/**
 * Incremental assessment over reports added in `received` order. `evaluate(at)` equals a full
 * assessment at `at` of the reports added so far (all of which must have `received <= at`), to
 * rounding. Retracted reports are removed with `retract`.
 */
export class IncrementalAssessor {
  readonly #compiled: CompiledProblem;
  /** The counted report per (indicator, source). */
  readonly #latest = new ChannelMap<Report>();
  /** Every report added per (indicator, source), so a retraction can give the previous word back. */
  readonly #words = new ChannelMap<Report[]>();
  /** Per indicator: log A_j, log B_j at instant #at, counts and the cached term per hypothesis. */
  readonly #logA: Float64Array;
  readonly #logB: Float64Array;
  readonly #counts: Int32Array;
  readonly #terms: (Float64Array | null)[];
  /**
   * Counted reports on fading indicators, by indicator, to re-weigh them at a new instant: each
   * with what its weighing needs (when it was observed, its unfaded likelihoods).
   */
  readonly #fading = new Map<
    number,
    {
      readonly reports: Map<Report, { readonly at: number; readonly terms: LikelihoodTerms }>;
      /** The sums that re-weigh them shortly after their last full re-weighing. */
      readonly series: FadingSeries;
    }
  >();
  /** log π_i + Σ_j term_j, valid at #at. */
  #logWeights: Float64Array;
  /** The instant the fading indicators' sums are weighed at. */
  #at = -Infinity;
  #updates = 0;

  readonly #keepWords: boolean;

  /**
   * `options.retractable` (default true) keeps every report added, so that `retract` can give
   * a source's previous word back; without it memory stays bounded by the counted reports and
   * `retract` only stops counting.
   */
  constructor(problem: Problem, options: { retractable?: boolean } = {}) {
    this.#keepWords = options.retractable ?? true;
    this.#compiled = compileProblem(problem);
    const n = this.#compiled.indicatorIds.length;
    this.#logA = new Float64Array(n);
    this.#logB = new Float64Array(n);
    this.#counts = new Int32Array(n);
    this.#terms = new Array<Float64Array | null>(n).fill(null);
    this.#logWeights = Float64Array.from(this.#compiled.logPriors);
    this.#compiled.halfLifeHours.forEach((h, j) => {
      if (h === undefined) return;
      this.#fading.set(j, { reports: new Map(), series: new FadingSeries(h) });
    });
  }

  /** Counts a report, superseding an older one from the same source on the same indicator. */
  add(report: Report): void {
    if (this.#keepWords) {
      const words = this.#words.get(report);
      if (words === undefined) this.#words.set(report, [report]);
      else words.push(report);
    }
    this.#consider(report);
  }

  /** Counts `report` if it supersedes the report counted for its (indicator, source). */
  #consider(report: Report): void {
    const current = this.#latest.get(report);
    if (current !== undefined && !supersedes(report, current)) return;
    if (current !== undefined) this.#count(current, -1);
    this.#latest.set(report, report);
    this.#count(report, +1);
  }

  /**
   * Forgets a retracted report. When it was its source's latest word on the indicator, the
   * source's previous word counts again (as in `countReports`, which never sees retracted
   * reports). Unknown ids are ignored.
   */
  retract(report: Report): void {
    const words = this.#words.get(report) ?? [];
    const index = words.findIndex((r) => r.id === report.id);
    if (index >= 0) words.splice(index, 1);
    const counted = this.#latest.get(report);
    if (counted?.id !== report.id) return;
    this.#count(counted, -1);
    this.#latest.delete(report);
    let previous: Report | undefined;
    for (const r of words) if (previous === undefined || supersedes(r, previous)) previous = r;
    if (previous !== undefined) this.#consider(previous);
  }

  /**
   * Replaces a counted report by a corrected version of itself (new grades), keeping its place.
   * Does nothing when `old` is not the report counted for its (indicator, source).
   */
  replace(old: Report, corrected: Report): void {
    const words = this.#words.get(old);
    const index = words?.findIndex((r) => r.id === old.id) ?? -1;
    if (words !== undefined && index >= 0) words[index] = corrected;
    const counted = this.#latest.get(old);
    if (counted?.id !== old.id) return;
    this.#count(counted, -1); // the stored object: the fading indicator's reports are keyed by it
    this.#latest.set(corrected, corrected);
    this.#count(corrected, +1);
  }

  /** The reports counted now: each source's latest word on each indicator. */
  countedReports(): Report[] {
    return [...this.#latest.values()];
  }

  /** The number of reports counted now. */
  get counted(): number {
    return this.#latest.size;
  }

  /** Posterior, pDangerous and leading hypothesis at instant `at` (ms). */
  evaluate(at: number): QuickAssessment {
    if (at !== this.#at) this.#reweigh(at);
    const w = this.#logWeights;
    let leading = 0;
    for (let i = 1; i < w.length; i++) if (w[i]! > w[leading]!) leading = i;
    const max = w[leading]!;
    const posterior = new Array<number>(w.length);
    let total = 0;
    let danger = 0;
    for (let i = 0; i < w.length; i++) {
      const x = Math.exp(w[i]! - max);
      posterior[i] = x;
      total += x;
      if (this.#compiled.dangerous[i] === 1) danger += x;
    }
    for (let i = 0; i < w.length; i++) posterior[i]! /= total;
    return { posterior, pDangerous: Math.min(1, danger / total), leading: this.#compiled.hypothesisIds[leading]! };
  }

  /**
   * Re-weighs the reports on fading indicators for a new instant: what `reportEvidence` gives
   * each, from the terms kept per report (the hot loop of a busy server), or in O(1) from the
   * indicator's series when the instant is close enough to its last full re-weighing.
   */
  #reweigh(at: number): void {
    this.#at = at;
    for (const [j, { reports, series }] of this.#fading) {
      if (reports.size === 0) continue;
      const { logA, logB } = series.weigh(at) ?? series.take(at, reports.values());
      this.#logA[j] = logA;
      this.#logB[j] = logB;
      this.#reterm(j);
    }
  }

  #count(report: Report, sign: 1 | -1): void {
    const e = reportEvidence(this.#compiled, report, this.#at);
    const j = e.indicator;
    const fading = this.#fading.get(j);
    if (fading !== undefined) {
      if (sign > 0) {
        const terms = likelihoodTerms(reportChannel(report), report.observed);
        fading.reports.set(report, { at: report.at, terms });
        fading.series.change(report.at, terms.a, terms.b, +1);
      } else {
        const kept = fading.reports.get(report);
        fading.reports.delete(report);
        // Callers uncount the stored object; were it ever another, the sums could not be mended.
        if (kept === undefined) fading.series.clear();
        else fading.series.change(kept.at, kept.terms.a, kept.terms.b, -1);
      }
    }
    this.#counts[j]! += sign;
    if (this.#counts[j] === 0) {
      this.#logA[j] = 0;
      this.#logB[j] = 0;
    } else {
      this.#logA[j]! += sign * e.logA;
      this.#logB[j]! += sign * e.logB;
    }
    this.#reterm(j);
    if (++this.#updates % RESYNC_EVERY === 0) this.#resync();
  }

  /** Recomputes indicator j's term and moves the running log weights by the difference. */
  #reterm(j: number): void {
    const old = this.#terms[j] ?? null;
    const w = this.#logWeights;
    if (old !== null) for (let i = 0; i < w.length; i++) w[i]! -= old[i]!;
    if (this.#counts[j]! === 0) {
      this.#terms[j] = null;
      return;
    }
    const term = mixtureTerms(this.#compiled, j, this.#logA[j]!, this.#logB[j]!, old ?? undefined);
    for (let i = 0; i < w.length; i++) w[i]! += term[i]!;
    this.#terms[j] = term;
  }

  /** Re-adds the cached indicator terms, so rounding in the running log weights does not accumulate. */
  #resync(): void {
    const w = Float64Array.from(this.#compiled.logPriors);
    for (const term of this.#terms) {
      if (term === null) continue;
      for (let i = 0; i < w.length; i++) w[i]! += term[i]!;
    }
    this.#logWeights = w;
  }
}
