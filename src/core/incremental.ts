/**
 * The assessment kept up to date one report at a time: what a server does as reports arrive.
 * Adding a report costs O(hypotheses); evaluating costs O(hypotheses) plus the reports on
 * indicators whose evidence fades (those depend on the instant and are recomputed).
 */
import { compileProblem, type CompiledProblem } from './compiled-problem.js';
import { channelKey, supersedes } from './counting.js';
import { reportEvidence } from './evidence.js';
import type { Problem, Report } from './model.js';
import { logSumExp } from './numbers.js';
import { dangerousMass, logMixture } from './posterior.js';

/** Recompute the running sums from scratch this often, so rounding cannot drift. */
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
  readonly #latest = new Map<string, Report>();
  /** For never-fading indicators: running log A_j, log B_j, counts and cached terms. */
  readonly #logA: Float64Array;
  readonly #logB: Float64Array;
  readonly #counts: Int32Array;
  readonly #terms: (Float64Array | null)[];
  /** log π_i + Σ terms of never-fading indicators. */
  #logWeights: Float64Array;
  /** Counted reports on fading indicators, by indicator. */
  readonly #fading: Map<number, Map<string, Report>>;
  #updates = 0;

  constructor(problem: Problem) {
    this.#compiled = compileProblem(problem);
    const n = this.#compiled.indicatorIds.length;
    this.#logA = new Float64Array(n);
    this.#logB = new Float64Array(n);
    this.#counts = new Int32Array(n);
    this.#terms = new Array<Float64Array | null>(n).fill(null);
    this.#logWeights = Float64Array.from(this.#compiled.logPriors);
    this.#fading = new Map();
    this.#compiled.halfLifeHours.forEach((h, j) => {
      if (h !== undefined) this.#fading.set(j, new Map());
    });
  }

  /** Counts a report, superseding an older one from the same source on the same indicator. */
  add(report: Report): void {
    const key = channelKey(report);
    const current = this.#latest.get(key);
    if (current !== undefined && !supersedes(report, current)) return;
    if (current !== undefined) this.#uncount(current, key);
    this.#latest.set(key, report);
    this.#count(report, key, +1);
  }

  /**
   * Stops counting a retracted report. The report it had superseded does not come back (its
   * source's latest word was retracted, not replaced).
   */
  retract(reportId: string): void {
    for (const [key, report] of this.#latest) {
      if (report.id === reportId) {
        this.#uncount(report, key);
        this.#latest.delete(key);
        return;
      }
    }
  }

  /** The number of reports counted now. */
  get counted(): number {
    return this.#latest.size;
  }

  /** Posterior, pDangerous and leading hypothesis at instant `at` (ms). */
  evaluate(at: number): QuickAssessment {
    const compiled = this.#compiled;
    const w = Float64Array.from(this.#logWeights);
    for (const [j, reports] of this.#fading) {
      if (reports.size === 0) continue;
      let a = 0;
      let b = 0;
      for (const report of reports.values()) {
        const e = reportEvidence(compiled, report, at);
        a += e.logA;
        b += e.logB;
      }
      const logL = compiled.logLikelihood[j]!;
      const log1mL = compiled.logOneMinusLikelihood[j]!;
      for (let i = 0; i < w.length; i++) w[i]! += logMixture(logL[i]!, log1mL[i]!, a, b);
    }
    const z = logSumExp(Array.from(w));
    let leading = 0;
    for (let i = 1; i < w.length; i++) if (w[i]! > w[leading]!) leading = i;
    return {
      posterior: Array.from(w, (x) => Math.exp(x - z)),
      pDangerous: dangerousMass(compiled, w, z),
      leading: compiled.hypothesisIds[leading]!,
    };
  }

  #uncount(report: Report, key: string): void {
    this.#count(report, key, -1);
  }

  #count(report: Report, key: string, sign: 1 | -1): void {
    const e = reportEvidence(this.#compiled, report, report.at);
    const j = e.indicator;
    const fading = this.#fading.get(j);
    if (fading !== undefined) {
      if (sign > 0) fading.set(key, report);
      else fading.delete(key);
      return;
    }
    this.#counts[j]! += sign;
    if (this.#counts[j] === 0) {
      this.#logA[j] = 0;
      this.#logB[j] = 0;
    } else {
      this.#logA[j]! += sign * e.logA;
      this.#logB[j]! += sign * e.logB;
    }
    this.#retermIndicator(j);
    if (++this.#updates % RESYNC_EVERY === 0) this.#resync();
  }

  /** Recomputes indicator j's term and moves the running log weights by the difference. */
  #retermIndicator(j: number): void {
    const compiled = this.#compiled;
    const old = this.#terms[j];
    let term: Float64Array | null = null;
    if (this.#counts[j]! > 0) {
      const logL = compiled.logLikelihood[j]!;
      const log1mL = compiled.logOneMinusLikelihood[j]!;
      const a = this.#logA[j]!;
      const b = this.#logB[j]!;
      term = logL.map((l, i) => logMixture(l, log1mL[i]!, a, b));
    }
    for (let i = 0; i < this.#logWeights.length; i++) {
      this.#logWeights[i]! += (term?.[i] ?? 0) - (old?.[i] ?? 0);
    }
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
