/**
 * Re-weighing an indicator's fading reports at an instant shortly after the last full
 * re-weighing, in O(1) instead of O(reports).
 *
 * A report's factor in log A_j (or log B_j) at instant T is `log(1/2 + d * w(T))`, with
 * `d = a - 1/2` and `w(T) = 2^(-(T - at)/h)` (spec section 2.2). Taken at t0, with
 * `c = 1/2 + d * w(t0)` and `r = 1 - 1/(2c)`, every report's weight at T is w(t0) (1 + δ) with
 * the one `δ = 2^(-(T - t0)/h) - 1` for the whole indicator, so its factor is
 * `log c + log(1 + r δ)`. Summed over the reports, with the power sums `S_m = Σ r^m`:
 *
 *     Σ log(1/2 + d w(T)) = Σ log c + δ S1 - δ² S2 / 2 + δ³ S3 / 3 - δ⁴ S4 / 4 + R
 *
 * where |R| <= n |x|^5 / (5 (1 - |x|)) for |x| = max|r| |δ|. The series is used only while
 * |x| <= MAX_X (1e-4): R is below 2.1e-21 per report, far under the 1e-9 (relative) the spec
 * asks of every number. It needs every report's age at T to be >= 0 (a report from the future
 * weighs 1, which the series does not know), so it is used only for T >= the latest `at`.
 * Pure: no I/O, no clock.
 */

import type { LikelihoodTerms } from './channel.js';
import { MS_PER_HOUR } from './instant.js';

/** The largest |r δ| at which the truncated series is used. */
const MAX_X = 1e-4;
/** Power sums kept: the series is truncated after the fourth term. */
const TERMS = 4;

/** One side (A or B) of the sums. */
interface Side {
  base: number;
  readonly powers: Float64Array;
}

/**
 * The sums of one fading indicator, taken at an instant t0; reports counted or uncounted since
 * are added or removed at t0. Rounding in those updates is bounded by taking the sums afresh
 * once as many changes as there are reports have been made.
 */
export class FadingSeries {
  /** The instant the sums are taken at (ms), or NaN when there are none. */
  #t0 = Number.NaN;
  readonly #a: Side = { base: 0, powers: new Float64Array(TERMS) };
  readonly #b: Side = { base: 0, powers: new Float64Array(TERMS) };
  /** max |r| over every report included since t0 (removals leave it: it only widens the check). */
  #maxR = 0;
  /** The latest `at` of a report included since t0. */
  #maxAt = -Infinity;
  #changes = 0;
  #reports = 0;

  /** @param halfLifeHours the indicator's half-life, > 0 */
  constructor(private readonly halfLifeHours: number) {}

  /** Forgets the sums (the next `weigh` is a full one). */
  clear(): void {
    this.#t0 = Number.NaN;
  }

  /**
   * Starts the sums at `t0` from every report's unfaded likelihoods `a`, `b` and time `at`
   * (ms). Returns log A_j and log B_j at t0, computed exactly as spec section 2.2 says (reports
   * from the future weigh 1); the sums are kept only when no report is from the future.
   */
  take(
    t0: number,
    reports: Iterable<{ readonly at: number; readonly terms: LikelihoodTerms }>,
  ): { logA: number; logB: number } {
    const a = this.#a;
    const b = this.#b;
    a.base = 0;
    b.base = 0;
    a.powers.fill(0);
    b.powers.fill(0);
    this.#maxR = 0;
    this.#maxAt = -Infinity;
    this.#changes = 0;
    this.#reports = 0;
    let logA = 0;
    let logB = 0;
    let fromTheFuture = false;
    for (const { at, terms } of reports) {
      this.#reports++;
      this.#maxAt = Math.max(this.#maxAt, at);
      const ageHours = (t0 - at) / MS_PER_HOUR;
      if (!(ageHours > 0)) {
        // Weight 1: the unfaded likelihoods. At age exactly 0 this is also the series' value.
        logA += terms.logA;
        logB += terms.logB;
        if (ageHours < 0 || Number.isNaN(ageHours)) fromTheFuture = true;
        else {
          this.#addTerms(a, terms.a, Math.log(terms.a), +1);
          this.#addTerms(b, terms.b, Math.log(terms.b), +1);
        }
        continue;
      }
      const x = (-ageHours / this.halfLifeHours) * Math.LN2;
      const w = Math.exp(x);
      const half = -0.5 * Math.expm1(x);
      const cA = terms.a * w + half;
      const cB = terms.b * w + half;
      const lA = Math.log(cA);
      const lB = Math.log(cB);
      logA += lA;
      logB += lB;
      this.#addTerms(a, cA, lA, +1);
      this.#addTerms(b, cB, lB, +1);
    }
    this.#t0 = fromTheFuture ? Number.NaN : t0;
    return { logA, logB };
  }

  /**
   * Counts (`sign` +1) or uncounts (-1) a report with unfaded likelihoods `a`, `b` observed at
   * `at`, in the sums taken at t0 (a report observed after t0 weighs more than 1 there, which
   * the series handles once T is past its `at`).
   */
  change(at: number, a: number, b: number, sign: 1 | -1): void {
    if (Number.isNaN(this.#t0)) return;
    this.#reports += sign;
    if (++this.#changes > Math.max(64, this.#reports)) {
      this.#t0 = Number.NaN;
      return;
    }
    const w = 2 ** (-(this.#t0 - at) / MS_PER_HOUR / this.halfLifeHours);
    const cA = a * w + 0.5 * (1 - w);
    const cB = b * w + 0.5 * (1 - w);
    if (!(cA > 0 && cB > 0 && cA < 1 && cB < 1)) {
      this.#t0 = Number.NaN;
      return;
    }
    this.#addTerms(this.#a, cA, Math.log(cA), sign);
    this.#addTerms(this.#b, cB, Math.log(cB), sign);
    if (sign > 0) this.#maxAt = Math.max(this.#maxAt, at);
  }

  /**
   * log A_j and log B_j at `T` from the sums, or undefined when the series may not be used
   * there (no sums, T before t0 or before a report's `at`, or T too far from t0 for the
   * reports' channels): then the caller weighs every report (`take`).
   */
  weigh(T: number): { logA: number; logB: number } | undefined {
    const t0 = this.#t0;
    if (Number.isNaN(t0) || T < t0 || T < this.#maxAt) return undefined;
    const delta = Math.expm1((-(T - t0) / MS_PER_HOUR / this.halfLifeHours) * Math.LN2);
    // Written so that NaN refuses too.
    if (!(Math.abs(delta) * this.#maxR <= MAX_X)) return undefined;
    const logA = series(this.#a, delta);
    const logB = series(this.#b, delta);
    // A channel near 0 can make r^4 overflow, and its removal Inf - Inf: weigh every report then.
    return Number.isFinite(logA) && Number.isFinite(logB) ? { logA, logB } : undefined;
  }

  #addTerms(side: Side, c: number, logC: number, sign: 1 | -1): void {
    side.base += sign * logC;
    const r = 1 - 0.5 / c;
    // maxR never falls (removals included), so sums that once overflowed stay refused.
    this.#maxR = Math.max(this.#maxR, Math.abs(r));
    if (!Number.isFinite(r ** TERMS)) this.#maxR = Infinity;
    let power = r;
    for (let m = 0; m < TERMS; m++) {
      side.powers[m]! += sign * power;
      power *= r;
    }
  }
}

/** Σ log c + δ S1 - δ² S2 / 2 + δ³ S3 / 3 - δ⁴ S4 / 4. */
function series(side: Side, delta: number): number {
  const p = side.powers;
  // Horner form of δ (S1 + δ (-S2/2 + δ (S3/3 - δ S4/4))).
  return side.base + delta * (p[0]! + delta * (-p[1]! / 2 + delta * (p[2]! / 3 - (delta * p[3]!) / 4)));
}
