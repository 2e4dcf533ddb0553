/**
 * Dissent: an analyst's alternative assessment of a problem (their probabilities and
 * rationale). Pure: checks a dissent's posterior against the problem and finds the level it
 * reaches (the highest level whose threshold its pDangerous meets; a dissent has no history, so
 * no hysteresis).
 */
import type { Issue } from '../core/issues.js';
import type { Problem } from '../core/model.js';

/** Issues of a dissent's posterior: a probability for every hypothesis, each 0-1, summing to 1. */
export function dissentIssues(problem: Problem, posterior: Readonly<Record<string, number>>): Issue[] {
  const issues: Issue[] = [];
  for (const h of problem.hypotheses) {
    if (!Object.hasOwn(posterior, h.id)) issues.push({ path: `/posterior/${h.id}`, message: 'is required (a probability for every hypothesis)' });
  }
  for (const [id, p] of Object.entries(posterior)) {
    if (!problem.hypotheses.some((h) => h.id === id)) issues.push({ path: `/posterior/${id}`, message: `names no hypothesis of problem "${problem.id}"` });
    else if (!(p >= 0 && p <= 1)) issues.push({ path: `/posterior/${id}`, message: 'must be between 0 and 1' });
  }
  const sum = Object.values(posterior).reduce((a, b) => a + b, 0);
  if (issues.length === 0 && Math.abs(sum - 1) > 1e-6) issues.push({ path: '/posterior', message: `must sum to 1 (within 1e-6); it sums to ${sum}` });
  return issues;
}

/**
 * The level a pDangerous (0-1) reaches among `levels` (ordered, the first at threshold 0): the
 * highest whose threshold it meets. No hysteresis: a dissent has no history.
 */
export function levelReached(levels: Problem['warning']['levels'], pDangerous: number): { level: string; levelIndex: number } {
  let levelIndex = 0;
  levels.forEach((level, k) => {
    if (pDangerous >= level.threshold) levelIndex = k;
  });
  return { level: levels[levelIndex]?.id ?? '', levelIndex };
}

/** The dissent's pDangerous and the level it reaches under the problem's current levels. */
export function dissentLevel(problem: Problem, posterior: Readonly<Record<string, number>>): { pDangerous: number; level: string; levelIndex: number } {
  const pDangerous = problem.hypotheses.filter((h) => h.dangerous === true).reduce((sum, h) => sum + (posterior[h.id] ?? 0), 0);
  return { pDangerous, ...levelReached(problem.warning.levels, pDangerous) };
}
