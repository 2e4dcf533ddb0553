/**
 * The evidence everything hangs on (spec section 4): for each counted report, what pDangerous
 * and the leading hypothesis would be without it. The report it superseded does not come back.
 */
import type { CompiledProblem } from './compiled-problem.js';
import type { IndicatorEvidence } from './evidence.js';
import type { Posterior, StateGivenHypothesis } from './posterior.js';

export interface ReportImpact {
  readonly report: string;
  /** pDangerous(with the report) - pDangerous(without it); signed. */
  readonly impact: number;
  /** True when the leading hypothesis differs without the report. */
  readonly flips: boolean;
}

/** Relative difference below which two weights count as tied. */
const TIE = 1e-12;

/**
 * Leave-one-out impact of every counted report, ordered by |impact| descending, then id.
 *
 * Removing report k (with a_k = P(k | S_j = 1), b_k = P(k | S_j = 0)) from indicator j divides
 * A_j by a_k and B_j by b_k, so hypothesis i's weight is multiplied by
 * (L A/a_k + (1-L) B/b_k) / (L A + (1-L) B) = u_ij / a_k + (1 - u_ij) / b_k,
 * with u_ij = P(S_j = 1 | H_i, reports). That is exactly the posterior recomputed without k, at
 * O(hypotheses) per report and with a_k, b_k bounded away from 0 by the channel.
 */
export function sensitivity(
  compiled: CompiledProblem,
  evidence: IndicatorEvidence,
  posterior: Posterior,
  states: readonly StateGivenHypothesis[],
): ReportImpact[] {
  const nH = compiled.hypothesisIds.length;
  const dangerous = compiled.dangerous;
  const p = posterior.p;
  const u1 = states.map((s) => s.logU1.map(Math.exp));
  const u0 = states.map((s) => s.logU0.map(Math.exp));
  const n = evidence.reports.length;
  const impacts = new Float64Array(n);
  const magnitudes = new Float64Array(n);
  const flips = new Uint8Array(n);
  const ids = evidence.reports.map((e) => e.report.id);
  evidence.reports.forEach((e, k) => {
    const j = e.indicator;
    let present = u1[j]!;
    let absent = u0[j]!;
    let inverseA = Math.exp(-e.logA);
    let inverseB = Math.exp(-e.logB);
    if (inverseA === Infinity || inverseB === Infinity) {
      // A channel rate below ~1e-308 (a denormal, which the spec allows): 1/a overflows, and
      // u * (1/a) would be NaN where u underflowed. Take each product whole, from logs.
      const state = states[j]!;
      present = state.logU1.map((logU) => Math.exp(logU - e.logA));
      absent = state.logU0.map((logU) => Math.exp(logU - e.logB));
      inverseA = 1;
      inverseB = 1;
    }
    let total = 0;
    let danger = 0;
    let leading = 0;
    let best = -1;
    for (let i = 0; i < nH; i++) {
      const w = p[i]! * (present[i]! * inverseA + absent[i]! * inverseB);
      total += w;
      if (dangerous[i] === 1) danger += w;
      // Near-equal weights are a tie (to the first in file order), as exact ties are in a
      // recomputation from scratch; the closed form's rounding must not break them.
      if (w > best * (1 + TIE)) {
        best = w;
        leading = i;
      }
    }
    impacts[k] = posterior.pDangerous - Math.min(1, danger / total);
    magnitudes[k] = Math.abs(impacts[k]!);
    flips[k] = leading !== posterior.leading ? 1 : 0;
  });
  return Array.from(orderByMagnitude(magnitudes, ids), (k) => ({ report: ids[k]!, impact: impacts[k]!, flips: flips[k] === 1 }));
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The indexes of `magnitudes` (finite, >= 0) in descending order, equal magnitudes by id.
 *
 * Comparator sorts dominate for 100,000 reports, so this sorts numbers natively: the low bits
 * of each magnitude's mantissa are replaced by its index (positive doubles order as their bit
 * patterns do), the keys are sorted, and the indexes read back. Magnitudes that agree in the
 * bits kept come out next to each other; those runs are then put in exact order (magnitude,
 * then id), so the result is the same as an exact comparator sort.
 */
export function orderByMagnitude(magnitudes: Float64Array, ids: readonly string[]): Int32Array {
  const n = magnitudes.length;
  const indexBits = Math.max(1, Math.ceil(Math.log2(n + 1)));
  if (indexBits > 32) throw new RangeError('too many reports to order');
  const mask = indexBits === 32 ? 0 : ~((1 << indexBits) - 1) >>> 0;
  const keys = Float64Array.from(magnitudes);
  const words = new Uint32Array(keys.buffer);
  const low = LITTLE_ENDIAN ? 0 : 1; // which 32-bit word of a double holds the low mantissa bits
  for (let k = 0; k < n; k++) words[2 * k + low] = ((words[2 * k + low]! & mask) | k) >>> 0;
  keys.sort();
  // Read back descending; keep the kept bits of each position's key to find runs.
  const order = new Int32Array(n);
  const kept = new Float64Array(n);
  const keptWords = new Uint32Array(kept.buffer);
  for (let k = 0; k < n; k++) {
    const from = n - 1 - k;
    order[k] = words[2 * from + low]! & ~mask;
    keptWords[2 * k + low] = words[2 * from + low]! & mask;
    keptWords[2 * k + 1 - low] = words[2 * from + 1 - low]!;
  }
  // Equal ids (never in a report file) fall back to input order, as a stable sort would.
  const before = (a: number, b: number) => magnitudes[b]! - magnitudes[a]! || compareIds(ids[a]!, ids[b]!) || a - b;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && kept[end] === kept[start]) end++;
    if (end - start > 16) {
      order.set(order.subarray(start, end).sort(before), start);
      start = end;
      continue;
    }
    // Short runs (reports alike but for their source): insertion sort in place.
    for (let k = start + 1; k < end; k++) {
      const item = order[k]!;
      let j = k - 1;
      while (j >= start && before(order[j]!, item) > 0) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = item;
    }
    start = end;
  }
  return order;
}

/** String order of ids (UTF-16 code units), as the spec's "then id". */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
