/**
 * Which reports count at an instant T (spec section 2.3): received by T, not retracted, and per
 * (indicator, source) only the latest.
 */
import type { Report } from './model.js';

/** Why a report does not count at T. */
export interface IgnoredReport {
  readonly report: string;
  readonly why: string;
}

export interface Counting {
  /** The reports that count, in input order. */
  readonly counted: readonly Report[];
  /** Every other report, in input order, with the reason. */
  readonly ignored: readonly IgnoredReport[];
}

/**
 * True when `a` supersedes `b` for the same (indicator, source): later `at`, then later
 * `received`, then the greater id in string (UTF-16 code unit) order.
 */
export function supersedes(a: Report, b: Report): boolean {
  if (a.at !== b.at) return a.at > b.at;
  if (a.received !== b.received) return a.received > b.received;
  return a.id > b.id;
}

/**
 * A map keyed by (indicator, source): the pair a report speaks for. Two levels of maps, so no
 * key string is built per report.
 */
export class ChannelMap<V> {
  readonly #byIndicator = new Map<string, Map<string, V>>();
  #size = 0;

  get(report: Pick<Report, 'indicator' | 'source'>): V | undefined {
    return this.#byIndicator.get(report.indicator)?.get(report.source);
  }

  set(report: Pick<Report, 'indicator' | 'source'>, value: V): void {
    let bySource = this.#byIndicator.get(report.indicator);
    if (bySource === undefined) this.#byIndicator.set(report.indicator, (bySource = new Map()));
    if (!bySource.has(report.source)) this.#size++;
    bySource.set(report.source, value);
  }

  delete(report: Pick<Report, 'indicator' | 'source'>): void {
    if (this.#byIndicator.get(report.indicator)?.delete(report.source) === true) this.#size--;
  }

  get size(): number {
    return this.#size;
  }

  /** Every value, indicator by indicator. */
  *values(): IterableIterator<V> {
    for (const bySource of this.#byIndicator.values()) yield* bySource.values();
  }
}

/**
 * Splits reports into those counted at `at` and those ignored, with reasons: `not yet received`,
 * `retracted`, or `superseded by <id>`. `retracted` holds ids retracted at or before `at`; a
 * retracted report supersedes nothing.
 */
export function countReports(reports: readonly Report[], at: number, retracted: ReadonlySet<string> = new Set()): Counting {
  // One slot per (indicator, source), remembered per report, so the second pass needs no lookup.
  const slots = new ChannelMap<{ winner: Report }>();
  const slotOf = new Array<{ winner: Report } | undefined>(reports.length);
  const checkRetracted = retracted.size > 0;
  reports.forEach((report, k) => {
    if (report.received > at || (checkRetracted && retracted.has(report.id))) return;
    const slot = slots.get(report);
    if (slot === undefined) slots.set(report, (slotOf[k] = { winner: report }));
    else {
      slotOf[k] = slot;
      if (supersedes(report, slot.winner)) slot.winner = report;
    }
  });
  const counted: Report[] = [];
  const ignored: IgnoredReport[] = [];
  reports.forEach((report, k) => {
    const slot = slotOf[k];
    if (slot === undefined) ignored.push({ report: report.id, why: report.received > at ? 'not yet received' : 'retracted' });
    else if (slot.winner === report) counted.push(report);
    else ignored.push({ report: report.id, why: `superseded by ${slot.winner.id}` });
  });
  return { counted, ignored };
}
