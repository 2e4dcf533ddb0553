/**
 * The evidence list of a problem page: the reports the reader may see, in the order received,
 * with markers where reports were withheld from them. The reports API counts withheld reports
 * per page and the stream sends `withheld {count}` as they arrive, so a marker stands where the
 * API said it: after the reports of its page, or where the stream announced it.
 */
import type { ReportPage, StoredReport } from '../../api/types.js';

export type EvidenceItem =
  | { readonly kind: 'report'; readonly key: number; readonly report: StoredReport }
  /** `key` orders it among the reports (a seq, or between two). */
  | { readonly kind: 'withheld'; readonly key: number; readonly count: number; readonly live: boolean; readonly among?: number };

export interface Evidence {
  readonly items: readonly EvidenceItem[];
  readonly ids: ReadonlySet<string>;
  /** The greatest seq seen: where a marker announced now goes. */
  readonly lastSeq: number;
}

export const EMPTY_EVIDENCE: Evidence = { items: [], ids: new Set(), lastSeq: 0 };

/** Adds one page of GET .../reports. */
export function addPage(evidence: Evidence, page: ReportPage): Evidence {
  let result = evidence;
  for (const report of page.reports) result = addReport(result, report);
  if (page.withheld > 0) {
    const key = (page.next ?? result.lastSeq) + 0.5;
    const marker: EvidenceItem = { kind: 'withheld', key, count: page.withheld, live: false, among: page.reports.length };
    result = { ...result, items: [...result.items, marker], lastSeq: Math.max(result.lastSeq, page.next ?? 0) };
  }
  return result;
}

/** Adds a report (again: no change). */
export function addReport(evidence: Evidence, report: StoredReport): Evidence {
  if (evidence.ids.has(report.id)) return evidence;
  const ids = new Set(evidence.ids);
  ids.add(report.id);
  return { items: [...evidence.items, { kind: 'report', key: report.seq, report }], ids, lastSeq: Math.max(evidence.lastSeq, report.seq) };
}

/** Adds a marker for `count` reports withheld just now. */
export function addWithheld(evidence: Evidence, count: number): Evidence {
  return { ...evidence, items: [...evidence.items, { kind: 'withheld', key: evidence.lastSeq + 0.5, count, live: true }] };
}

/** Newest first. */
export function newestFirst(items: readonly EvidenceItem[]): EvidenceItem[] {
  return [...items].sort((a, b) => b.key - a.key);
}

/**
 * Reports per page: a marker of a page stands after its last report, so smaller pages place the
 * markers closer to where the withheld reports were received, at the cost of more requests.
 */
const PAGE = 50;

/** Every report the reader may see, page by page (at most `maxPages` pages of `limit`). */
export async function loadEvidence(get: (path: string) => Promise<ReportPage>, base: string, limit = PAGE, maxPages = 200): Promise<Evidence> {
  let evidence = EMPTY_EVIDENCE;
  let after = 0;
  for (let page = 0; page < maxPages; page++) {
    const answer = await get(`${base}/reports?after=${after}&limit=${limit}`);
    evidence = addPage(evidence, answer);
    if (answer.next === null) break;
    after = answer.next;
  }
  return evidence;
}
