/**
 * Need-to-know on the inquiry report: a reader never sees a report above their clearance or
 * outside their compartments. Its row keeps where it sits in the log (seq, hash), when it
 * arrived and what it did to P(dangerous) (the numbers are the same for every reader), and
 * loses everything else; the evidence lists drop it and say how many they withheld; a reason
 * naming it says "a withheld report". Pure.
 */
import { isMarked, type Marking } from '../app/access.js';
import { withheldReason } from '../app/need-to-know.js';
import type { EvidenceRow, InquiryReport, Milestone } from './inquiry-types.js';

/** The reader the report is redacted for. */
export interface InquiryReader {
  readonly name: string;
  readonly clearance: string;
  readonly compartments: readonly string[];
}

/**
 * The report as `reader` may see it, with `hidden` the ids of the problem's reports the reader
 * may not see, and the ids of the marked reports it shows them (whose reading must be recorded).
 */
export function redactInquiry(report: InquiryReport, hidden: ReadonlySet<string>, reader: InquiryReader): { report: InquiryReport; reads: string[] } {
  const withheldIds = new Set<string>();
  const reads: string[] = [];
  const evidence = (list: readonly EvidenceRow[]) => {
    const kept = list.filter((e) => !hidden.has(e.report));
    for (const e of list) if (hidden.has(e.report)) withheldIds.add(e.report);
    return { evidence: kept, withheld: list.length - kept.length };
  };
  const reason = (text: string | undefined): string | undefined => (text === undefined ? undefined : withheldReason(text, hidden));
  // A milestone names a report by its seq: the row of the report it describes.
  const hiddenSeqs = new Set(report.reports.filter((row) => row.withheld === true || hidden.has(row.id)).map((row) => row.seq));

  const reports = report.reports.map((row) => {
    if (row.withheld === true) return row;
    if (hidden.has(row.id)) {
      withheldIds.add(row.id);
      return { seq: row.seq, hash: row.hash, withheld: true as const, receivedAt: row.receivedAt, recordedAt: row.recordedAt, pBefore: row.pBefore, pAfter: row.pAfter, delta: row.delta };
    }
    const marking: Marking = { classification: row.classification, compartments: row.compartments };
    if (isMarked(marking)) reads.push(row.id);
    const notCounted = reason(row.notCounted);
    const { notCounted: _drop, ...rest } = row;
    return notCounted === undefined ? rest : { ...rest, notCounted };
  });
  const loadedLater = report.loadedLater.map((row) => {
    if (row.id === undefined || !hidden.has(row.id)) return row;
    withheldIds.add(row.id);
    const { id: _drop, ...rest } = row;
    return { ...rest, withheld: true };
  });
  const corrections = report.corrections.map((row) => {
    if (row.withheld === true || !hidden.has(row.report)) return row;
    withheldIds.add(row.report);
    return { seq: row.seq, hash: row.hash, withheld: true as const, at: row.at, pBefore: row.pBefore, pAfter: row.pAfter };
  });
  const levelChanges = report.levelChanges.map((change) => {
    const { evidence: kept, withheld } = evidence(change.evidence);
    return { ...change, evidence: kept, withheld: change.withheld + withheld };
  });
  const warnings = report.warnings.map((w) => ({
    ...w,
    versions: w.versions.map((v) => {
      const { evidence: kept, withheld } = evidence(v.evidence);
      return { ...v, evidence: kept, withheld: v.withheld + withheld };
    }),
  }));
  const milestone = (m: Milestone | null): Milestone | null => {
    if (m === null) return null;
    return hiddenSeqs.has(m.seq) ? { at: m.at, seq: m.seq, what: 'a withheld report' } : m;
  };
  const intervals = {
    ...report.intervals,
    firstIndicator: milestone(report.intervals.firstIndicator),
  };
  return {
    report: {
      ...report,
      reader: { kind: 'reader', name: reader.name, clearance: reader.clearance, compartments: [...reader.compartments] },
      withheld: withheldIds.size,
      reports,
      loadedLater,
      corrections,
      levelChanges,
      warnings,
      intervals,
    },
    reads,
  };
}
