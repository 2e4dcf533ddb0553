/**
 * Comparing Vigil's numbers with the reference, to the spec's 1e-9 (relative).
 *
 * Probabilities that the spec defines as ratios of products (posterior, pDangerous, beliefs,
 * pDangerousIfPresent/IfAbsent) are compared purely relatively: computed in log space they keep
 * full relative precision however small they are, and the issue asks for exactly that.
 * Impacts and eig are differences of quantities near 1 (pDangerous with and without a report;
 * entropy before and after), so when they are ~0 their value is rounding noise of size ~1e-16
 * whichever way they are computed; for them an absolute 1e-12 is added to the relative 1e-9.
 */
import type { RefCollect, RefImpact } from './spec-reference.js';

const REL = 1e-9;
const ABS = 1e-12;

/** |a - b| <= 1e-9 max(|a|, |b|). */
export function relClose(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= REL * Math.max(Math.abs(a), Math.abs(b));
}

/** |a - b| <= 1e-9 max(|a|, |b|) + 1e-12: for differences that may be ~0 (impacts, eig). */
export function nearClose(a: number, b: number): boolean {
  return Math.abs(a - b) <= REL * Math.max(Math.abs(a), Math.abs(b)) + ABS;
}

/** The structure of an assessment (spec section 7), as both Vigil and the reference produce it. */
export interface AssessmentLike {
  problem: string;
  at: string;
  posterior: Record<string, number>;
  pDangerous: number;
  leading: string;
  level: string;
  indicators: { id: string; belief: number; reports: number }[];
  sensitivity: { report: string; impact: number; flips: boolean }[];
  collect: { indicator: string; eig: number; pDangerousIfPresent: number; pDangerousIfAbsent: number }[];
  counted: number;
  ignored: { report: string; why: string }[];
}

function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Checks a ranked list against the spec's order using the list's own values: key descending,
 * then id in string order. (Each implementation ranks by its own numbers; two values that are
 * equal mathematically may differ in the last bit, so this is not checked across implementations.)
 */
export function rankingProblems<T>(
  list: readonly T[],
  key: (x: T) => number,
  id: (x: T) => string,
  what: string,
): string[] {
  const out: string[] = [];
  for (let n = 0; n + 1 < list.length; n++) {
    const a = list[n] as T;
    const b = list[n + 1] as T;
    const ka = key(a);
    const kb = key(b);
    if (ka < kb || (ka === kb && byString(id(a), id(b)) >= 0)) {
      out.push(`${what}: ${id(a)} (${ka}) ranked before ${id(b)} (${kb})`);
    }
  }
  return out;
}

/** Differences between the sensitivity lists, matched by report id. */
export function sensitivityProblems(
  actual: readonly RefImpact[],
  expected: readonly RefImpact[],
  what = 'sensitivity',
): string[] {
  const out: string[] = [];
  const want = new Map(expected.map((e) => [e.report, e]));
  if (actual.length !== expected.length)
    out.push(`${what}: ${actual.length} entries, expected ${expected.length}`);
  for (const a of actual) {
    const e = want.get(a.report);
    if (e === undefined) {
      out.push(`${what}: unexpected report ${a.report}`);
      continue;
    }
    if (!nearClose(a.impact, e.impact))
      out.push(`${what} ${a.report}: impact ${a.impact}, expected ${e.impact}`);
    if (a.flips !== e.flips) out.push(`${what} ${a.report}: flips ${a.flips}, expected ${e.flips}`);
  }
  out.push(
    ...rankingProblems(
      actual,
      (x) => Math.abs(x.impact),
      (x) => x.report,
      what,
    ),
  );
  return out;
}

/** Differences between the collection rankings, matched by indicator id. */
export function collectProblems(
  actual: readonly RefCollect[],
  expected: readonly RefCollect[],
  what = 'collect',
): string[] {
  const out: string[] = [];
  const want = new Map(expected.map((e) => [e.indicator, e]));
  if (actual.length !== expected.length)
    out.push(`${what}: ${actual.length} entries, expected ${expected.length}`);
  for (const a of actual) {
    const e = want.get(a.indicator);
    if (e === undefined) {
      out.push(`${what}: unexpected indicator ${a.indicator}`);
      continue;
    }
    if (!nearClose(a.eig, e.eig)) out.push(`${what} ${a.indicator}: eig ${a.eig}, expected ${e.eig}`);
    if (!relClose(a.pDangerousIfPresent, e.pDangerousIfPresent)) {
      out.push(
        `${what} ${a.indicator}: pDangerousIfPresent ${a.pDangerousIfPresent}, expected ${e.pDangerousIfPresent}`,
      );
    }
    if (!relClose(a.pDangerousIfAbsent, e.pDangerousIfAbsent)) {
      out.push(
        `${what} ${a.indicator}: pDangerousIfAbsent ${a.pDangerousIfAbsent}, expected ${e.pDangerousIfAbsent}`,
      );
    }
  }
  out.push(
    ...rankingProblems(
      actual,
      (x) => x.eig,
      (x) => x.indicator,
      what,
    ),
  );
  return out;
}

/**
 * Checks that `actual` is a top-n cut of a ranking whose full reference is `expected`: each entry
 * matches the reference for its id, and the n values are the n greatest reference values
 * (so a tie at the cut may be broken either way).
 */
export function topProblems<T>(
  actual: readonly T[],
  expected: readonly T[],
  n: number,
  key: (x: T) => number,
  id: (x: T) => string,
  what: string,
): string[] {
  const out: string[] = [];
  const expectedLength = Math.min(n, expected.length);
  if (actual.length !== expectedLength)
    out.push(`${what}: ${actual.length} entries, expected ${expectedLength}`);
  const want = new Map(expected.map((e) => [id(e), e]));
  const sortedWant = expected.map(key).sort((a, b) => b - a);
  actual.forEach((a, k) => {
    const e = want.get(id(a));
    if (e === undefined) out.push(`${what}: unexpected ${id(a)}`);
    else if (!nearClose(key(a), key(e))) out.push(`${what} ${id(a)}: ${key(a)}, expected ${key(e)}`);
    const rankValue = sortedWant[k];
    if (rankValue !== undefined && !nearClose(key(a), rankValue))
      out.push(`${what}: #${k + 1} is ${id(a)} (${key(a)}), expected a value of ${rankValue}`);
  });
  return out;
}

/** Every difference between Vigil's assessment and the reference's; empty when they agree. */
export function assessmentProblems(actual: AssessmentLike, expected: AssessmentLike): string[] {
  const out: string[] = [];
  if (actual.problem !== expected.problem)
    out.push(`problem ${actual.problem}, expected ${expected.problem}`);
  if (actual.at !== expected.at) out.push(`at ${actual.at}, expected ${expected.at}`);
  const hypotheses = Object.keys(expected.posterior);
  if (JSON.stringify(Object.keys(actual.posterior)) !== JSON.stringify(hypotheses)) {
    out.push(`posterior keys ${Object.keys(actual.posterior).join(',')}, expected ${hypotheses.join(',')}`);
  }
  for (const h of hypotheses) {
    const a = actual.posterior[h];
    const e = expected.posterior[h] as number;
    if (a === undefined || !relClose(a, e)) out.push(`posterior ${h}: ${a}, expected ${e}`);
  }
  if (!relClose(actual.pDangerous, expected.pDangerous))
    out.push(`pDangerous ${actual.pDangerous}, expected ${expected.pDangerous}`);
  if (actual.leading !== expected.leading)
    out.push(`leading ${actual.leading}, expected ${expected.leading}`);
  if (actual.level !== expected.level) out.push(`level ${actual.level}, expected ${expected.level}`);
  if (actual.indicators.length !== expected.indicators.length)
    out.push(`indicators: ${actual.indicators.length}, expected ${expected.indicators.length}`);
  expected.indicators.forEach((e, j) => {
    const a = actual.indicators[j];
    if (a === undefined || a.id !== e.id) out.push(`indicator #${j}: ${a?.id}, expected ${e.id}`);
    else {
      if (!relClose(a.belief, e.belief)) out.push(`belief ${e.id}: ${a.belief}, expected ${e.belief}`);
      if (a.reports !== e.reports) out.push(`reports on ${e.id}: ${a.reports}, expected ${e.reports}`);
    }
  });
  out.push(...sensitivityProblems(actual.sensitivity, expected.sensitivity));
  out.push(...collectProblems(actual.collect, expected.collect));
  if (actual.counted !== expected.counted)
    out.push(`counted ${actual.counted}, expected ${expected.counted}`);
  const sortIgnored = (xs: readonly { report: string; why: string }[]): string[] =>
    xs.map((x) => `${x.report}: ${x.why}`).sort();
  if (JSON.stringify(sortIgnored(actual.ignored)) !== JSON.stringify(sortIgnored(expected.ignored))) {
    out.push(
      `ignored ${JSON.stringify(sortIgnored(actual.ignored))}, expected ${JSON.stringify(sortIgnored(expected.ignored))}`,
    );
  }
  return out;
}
