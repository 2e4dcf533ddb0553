/**
 * The order of the warnings inbox: open warnings addressed to me and not yet acknowledged first,
 * then the others not yet acknowledged, then those acknowledged; within each, the highest level
 * first, then the latest change. Pure.
 */
import type { Warning } from '../../api/types.js';

export interface Inbox {
  /** Open, current version not acknowledged, sent to me. */
  readonly mine: readonly Warning[];
  /** Open, current version not acknowledged, sent to others. */
  readonly others: readonly Warning[];
  /** Open, current version acknowledged (mine first). */
  readonly acknowledged: readonly Warning[];
}

function byUrgency(a: Warning, b: Warning): number {
  return b.judgment.levelIndex - a.judgment.levelIndex || Date.parse(b.updatedAt) - Date.parse(a.updatedAt) || a.id.localeCompare(b.id);
}

/**
 * Sorts open warnings into the inbox's sections; `mine` holds the ids of those sent to me
 * (GET /api/v1/warnings?mine=true). A closed warning is in no section.
 */
export function inboxOf(warnings: readonly Warning[], mine: ReadonlySet<string>): Inbox {
  const open = warnings.filter((w) => w.state === 'open');
  const waiting = open.filter((w) => !w.acknowledged).sort(byUrgency);
  return {
    mine: waiting.filter((w) => mine.has(w.id)),
    others: waiting.filter((w) => !mine.has(w.id)),
    acknowledged: open.filter((w) => w.acknowledged).sort((a, b) => Number(mine.has(b.id)) - Number(mine.has(a.id)) || byUrgency(a, b)),
  };
}

/** Per problem, how many warnings are open, and how many of those nobody has acknowledged (current version). */
export function warningCountsByProblem(warnings: readonly Warning[]): Map<string, { open: number; unacknowledged: number }> {
  const counts = new Map<string, { open: number; unacknowledged: number }>();
  for (const w of warnings) {
    if (w.state !== 'open') continue;
    const count = counts.get(w.problem) ?? { open: 0, unacknowledged: 0 };
    counts.set(w.problem, { open: count.open + 1, unacknowledged: count.unacknowledged + (w.acknowledged ? 0 : 1) });
  }
  return counts;
}
