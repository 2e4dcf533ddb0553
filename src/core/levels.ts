/** Warning levels with hysteresis (spec section 6). */
import { DEFAULT_HYSTERESIS, type WarningPolicy } from './model.js';

/**
 * One evaluation of the level rule from level index `current` at a given pDangerous:
 * raise to the highest level above the current one whose threshold is reached; otherwise lower
 * one level at a time while pDangerous < threshold(current) * (1 - hysteresis).
 */
export function nextLevelIndex(policy: WarningPolicy, current: number, pDangerous: number): number {
  const levels = policy.levels;
  for (let k = levels.length - 1; k > current; k--) {
    if (levels[k]!.threshold <= pDangerous) return k;
  }
  const keep = 1 - (policy.hysteresis ?? DEFAULT_HYSTERESIS);
  let level = current;
  while (level > 0 && pDangerous < levels[level]!.threshold * keep) level--;
  return level;
}
