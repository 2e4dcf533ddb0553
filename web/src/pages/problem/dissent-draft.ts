/**
 * A dissent being written: the analyst's own probability for every hypothesis (which must sum
 * to 1) and the rationale, checked as typed by the rules the server applies
 * (src/warn/dissent.ts; test/web/dissent-draft.test.ts holds them equal), with the issues keyed
 * by the same JSON Pointers, and the level the dissent would reach. Pure.
 */
import type { Problem } from '../../api/types.js';

export interface DissentDraft {
  /** Hypothesis id -> the probability as typed. */
  readonly values: Readonly<Record<string, string>>;
  readonly rationale: string;
}

/** How far from 1 the probabilities may sum (the server's tolerance). */
export const SUM_TOLERANCE = 1e-6;
/** The longest rationale the API takes. */
export const RATIONALE_MAX = 20_000;

/** A number as typed, or NaN ("" too). */
function num(text: string): number {
  return text.trim() === '' ? NaN : Number(text);
}

/**
 * A starting point: the official probabilities rounded to three places, the rounding put on
 * the largest so that they still sum to 1 (the analyst changes what they disagree with).
 */
export function draftFromOfficial(problem: Problem, posterior: Readonly<Record<string, number>>): DissentDraft {
  const rounded = problem.hypotheses.map((h) => ({ id: h.id, p: Math.round((posterior[h.id] ?? 0) * 1000) }));
  const largest = rounded.reduce((best, r) => (r.p > best.p ? r : best), rounded[0] ?? { id: '', p: 0 });
  const rest = 1000 - rounded.reduce((sum, r) => sum + r.p, 0);
  return { values: Object.fromEntries(rounded.map((r) => [r.id, String((r.id === largest.id ? r.p + rest : r.p) / 1000)])), rationale: '' };
}

/** The sum of the probabilities typed (NaN when one is not a number). */
export function draftSum(problem: Problem, draft: DissentDraft): number {
  return problem.hypotheses.reduce((sum, h) => sum + num(draft.values[h.id] ?? ''), 0);
}

/** True when the probabilities sum to 1 within the server's tolerance. */
export function sumsToOne(sum: number): boolean {
  return Number.isFinite(sum) && Math.abs(sum - 1) <= SUM_TOLERANCE;
}

/** The probabilities scaled to sum to 1 (unchanged when they cannot be: a blank, or a sum of 0). */
export function scaleToOne(problem: Problem, draft: DissentDraft): DissentDraft {
  const sum = draftSum(problem, draft);
  if (!(Number.isFinite(sum) && sum > 0)) return draft;
  return { ...draft, values: Object.fromEntries(problem.hypotheses.map((h) => [h.id, String(Number((num(draft.values[h.id] ?? '') / sum).toPrecision(12)))])) };
}

/** Every issue of a draft, by the JSON Pointer the server would name. */
export function validateDissent(problem: Problem, draft: DissentDraft): Map<string, string[]> {
  const issues = new Map<string, string[]>();
  const add = (path: string, message: string) => issues.set(path, [...(issues.get(path) ?? []), message]);
  for (const h of problem.hypotheses) {
    const text = draft.values[h.id] ?? '';
    const p = num(text);
    if (text.trim() === '') add(`/posterior/${h.id}`, 'is required (a probability for every hypothesis)');
    else if (!(p >= 0 && p <= 1)) add(`/posterior/${h.id}`, 'must be between 0 and 1');
  }
  const sum = draftSum(problem, draft);
  if (issues.size === 0 && !sumsToOne(sum)) add('/posterior', `must sum to 1; they sum to ${Number(sum.toFixed(9))}`);
  if (draft.rationale.trim() === '') add('/rationale', 'must not be empty: say why');
  else if (draft.rationale.length > RATIONALE_MAX) add('/rationale', `must be at most ${RATIONALE_MAX} characters`);
  return issues;
}

/** The probabilities of a draft as numbers (NaN where one is not). */
export function posteriorOf(problem: Problem, draft: DissentDraft): Record<string, number> {
  return Object.fromEntries(problem.hypotheses.map((h) => [h.id, num(draft.values[h.id] ?? '')]));
}

/** The body of POST /api/v1/problems/{id}/dissents. */
export function dissentBody(problem: Problem, draft: DissentDraft): { posterior: Record<string, number>; rationale: string } {
  return { posterior: posteriorOf(problem, draft), rationale: draft.rationale.trim() };
}

/**
 * The P(dangerous) of a dissent's probabilities and the level it reaches: the highest whose
 * threshold it meets (a dissent has no history, so no hysteresis), as the server decides it.
 */
export function dissentLevel(problem: Problem, posterior: Readonly<Record<string, number>>): { pDangerous: number; level: string; levelIndex: number } {
  const pDangerous = problem.hypotheses.filter((h) => h.dangerous === true).reduce((sum, h) => sum + (posterior[h.id] ?? 0), 0);
  let levelIndex = 0;
  problem.warning.levels.forEach((level, k) => {
    if (pDangerous >= level.threshold) levelIndex = k;
  });
  return { pDangerous, level: problem.warning.levels[levelIndex]?.id ?? '', levelIndex };
}
