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

/** The key of the (indicator, source) pair a report speaks for. */
export function channelKey(report: Pick<Report, 'indicator' | 'source'>): string {
  return `${report.indicator}\u0000${report.source}`;
}

/**
 * Splits reports into those counted at `at` and those ignored, with reasons: `not yet received`,
 * `retracted`, or `superseded by <id>`. `retracted` holds ids retracted at or before `at`; a
 * retracted report supersedes nothing.
 */
export function countReports(reports: readonly Report[], at: number, retracted: ReadonlySet<string> = new Set()): Counting {
  const latest = new Map<string, Report>();
  for (const report of reports) {
    if (report.received > at || retracted.has(report.id)) continue;
    const key = channelKey(report);
    const current = latest.get(key);
    if (current === undefined || supersedes(report, current)) latest.set(key, report);
  }
  const counted: Report[] = [];
  const ignored: IgnoredReport[] = [];
  for (const report of reports) {
    if (report.received > at) ignored.push({ report: report.id, why: 'not yet received' });
    else if (retracted.has(report.id)) ignored.push({ report: report.id, why: 'retracted' });
    else {
      const winner = latest.get(channelKey(report));
      if (winner === report) counted.push(report);
      else ignored.push({ report: report.id, why: `superseded by ${winner?.id ?? '?'}` });
    }
  }
  return { counted, ignored };
}
