/**
 * When a warning opens, changes or closes: a pure decision from the current warning (if any)
 * and a fresh evaluation of the problem. A level above the first opens a warning; a level change
 * or a material move of pDangerous makes a new version (re-sent; acknowledgments are of a
 * version); the first level closes it with an all-clear. Small moves are noise: no new version.
 */

/** A problem's state at an evaluation (spec sections 5-7), as a warning carries it. */
export interface Judgment {
  /** ISO instant of the evaluation. */
  readonly at: string;
  readonly level: string;
  /** Index of `level` in the problem's warning levels (0 = the first, "all clear"). */
  readonly levelIndex: number;
  readonly pDangerous: number;
  readonly words: string;
  readonly leading: string;
  /** The reports it hangs on (top by |impact|). */
  readonly evidence: readonly { report: string; impact: number; flips: boolean }[];
  /** What to collect next (top by information gain). */
  readonly collect: readonly { indicator: string; eig: number; pDangerousIfPresent: number; pDangerousIfAbsent: number }[];
}

/** The warning as the decision needs it: its current version's judgment. */
export interface OpenWarning {
  readonly id: string;
  readonly version: number;
  readonly judgment: Judgment;
}

export type WarningDecision =
  | { readonly kind: 'none' }
  | { readonly kind: 'open' }
  | { readonly kind: 'update'; readonly reason: 'level-up' | 'level-down' | 'material-change' }
  | { readonly kind: 'close' };

/**
 * Decides what a fresh judgment does to the problem's open warning (or its absence).
 * `materialChange` is the move of pDangerous (absolute, 0-1) that warrants a new version.
 */
export function decideWarning(open: OpenWarning | undefined, judgment: Judgment, materialChange: number): WarningDecision {
  if (open === undefined) return judgment.levelIndex > 0 ? { kind: 'open' } : { kind: 'none' };
  if (judgment.levelIndex === 0) return { kind: 'close' };
  const before = open.judgment;
  if (judgment.levelIndex > before.levelIndex) return { kind: 'update', reason: 'level-up' };
  if (judgment.levelIndex < before.levelIndex) return { kind: 'update', reason: 'level-down' };
  if (Math.abs(judgment.pDangerous - before.pDangerous) > materialChange) return { kind: 'update', reason: 'material-change' };
  return { kind: 'none' };
}
