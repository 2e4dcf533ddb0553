/**
 * Need-to-know on the read paths: which reports a reader may not see, and the answers with
 * those reports taken out. The probabilities are the same for every reader (the warning flows,
 * the source does not); what changes is which reports are named, and each answer says how many
 * were withheld.
 */
import type { AssessmentJson } from '../core/assess.js';
import type { Report } from '../core/model.js';
import { canSee, isMarked, type Marking, type Principal } from './access.js';
import { LOWEST_CLASSIFICATION } from './store.js';
import type { SqlDatabase } from './sql.js';

export type Reader = Pick<Principal, 'clearance' | 'compartments'>;

/** A marked report: its id, indicator and marking. */
export interface MarkedReport extends Marking {
  readonly id: string;
  readonly indicator: string;
}

/** The reports of a problem above the lowest marking (the partial index keeps this cheap). */
export async function markedReports(db: SqlDatabase, problemId: string): Promise<MarkedReport[]> {
  const rows = await db.all<{ id: string; indicator: string; classification: string; compartments: string }>(
    `SELECT id, indicator, classification, compartments FROM proj_reports
     WHERE problem = ? AND (classification <> '${LOWEST_CLASSIFICATION}' OR compartments <> '[]') ORDER BY seq`,
    [problemId],
  );
  return rows.map((r) => ({ id: r.id, indicator: r.indicator, classification: r.classification, compartments: JSON.parse(r.compartments) as string[] }));
}

/** The ids of a problem's reports this reader may not see. */
export async function hiddenReports(db: SqlDatabase, problemId: string, reader: Reader): Promise<Set<string>> {
  return new Set((await markedReports(db, problemId)).filter((m) => !canSee(reader, m)).map((m) => m.id));
}

/** An assessment as a reader receives it: section 7 with `withheld` counts. */
export interface ReaderAssessmentJson extends Omit<AssessmentJson, 'indicators'> {
  indicators: { id: string; belief: number; reports: number; withheld: number }[];
  /** Reports counted or listed as ignored in this assessment that the reader may not see. */
  withheld: number;
}

const SUPERSEDED_BY = 'superseded by ';

/**
 * A reason a report was not counted, as a reader may see it: "superseded by <id>" with `id` in
 * `hidden` becomes "superseded by a withheld report". The id is whatever follows the prefix,
 * whatever characters it holds (line breaks and spaces included).
 */
export function withheldReason(why: string, hidden: ReadonlySet<string>): string {
  return why.startsWith(SUPERSEDED_BY) && hidden.has(why.slice(SUPERSEDED_BY.length)) ? 'superseded by a withheld report' : why;
}

/**
 * Takes the hidden reports out of an assessment: out of `sensitivity` and `ignored`, and out
 * of "superseded by" reasons; counts stay what they are (they are the same numbers every reader
 * sees), with per-indicator and total `withheld` saying how many of them the reader cannot see.
 * `ignoredCount` is the number of reports not counted (default: those listed in `ignored`);
 * when they are only counted, not listed, the hidden ones among them are every hidden report
 * not counted (`hidden` must cover the problem's reports, read after the assessment).
 */
export function redactAssessment(
  json: AssessmentJson,
  counted: readonly Pick<Report, 'id' | 'indicator'>[],
  hidden: ReadonlySet<string>,
  ignoredCount = json.ignored.length,
): ReaderAssessmentJson {
  const withheldBy = new Map<string, number>();
  let withheld = 0;
  for (const r of counted) {
    if (!hidden.has(r.id)) continue;
    withheldBy.set(r.indicator, (withheldBy.get(r.indicator) ?? 0) + 1);
    withheld++;
  }
  if (json.ignored.length === 0 && ignoredCount > 0) {
    const countedIds = new Set(counted.map((r) => r.id));
    let hiddenIgnored = 0;
    for (const id of hidden) if (!countedIds.has(id)) hiddenIgnored++;
    withheld += Math.min(hiddenIgnored, ignoredCount);
  }
  const ignored: AssessmentJson['ignored'] = [];
  for (const entry of json.ignored) {
    if (hidden.has(entry.report)) {
      withheld++;
      continue;
    }
    const why = withheldReason(entry.why, hidden);
    ignored.push(why === entry.why ? entry : { report: entry.report, why });
  }
  return {
    ...json,
    indicators: json.indicators.map((i) => ({ ...i, withheld: withheldBy.get(i.id) ?? 0 })),
    sensitivity: json.sensitivity.filter((s) => !hidden.has(s.report)),
    ignored,
    withheld,
  };
}

/** `items` less those naming a report of `problem` that `reader` may not see, and how many those were. */
export async function visibleEvidence<T extends { readonly report: string }>(
  db: SqlDatabase,
  problem: string,
  reader: Reader,
  items: readonly T[],
): Promise<{ items: T[]; withheld: number }> {
  if (items.length === 0) return { items: [], withheld: 0 };
  const hidden = await hiddenReports(db, problem, reader);
  const kept = items.filter((item) => !hidden.has(item.report));
  return { items: kept, withheld: items.length - kept.length };
}

/** Splits reports into those the reader may see and how many were withheld. */
export function visibleOnly<T extends Marking>(reader: Reader, items: readonly T[]): { visible: T[]; withheld: number } {
  const visible = items.filter((item) => canSee(reader, item));
  return { visible, withheld: items.length - visible.length };
}

/** The ids among `items` whose reading must be recorded (visible and above the lowest marking). */
export function recordedReads<T extends Marking & { readonly id: string }>(items: readonly T[]): string[] {
  return items.filter(isMarked).map((item) => item.id);
}

/** An event as the redaction of the event feed sees it (data as parsed JSON or canonical text). */
export interface FeedEvent {
  readonly seq: number;
  readonly type: string;
  readonly stream: string;
  readonly data: string | Readonly<Record<string, unknown>>;
}

/** True when a string anywhere in `value` is the id of a marked report the reader may not see. */
function namesHiddenReport(value: unknown, marks: ReadonlyMap<string, Marking>, reader: Reader): boolean {
  if (typeof value === 'string') {
    const marking = marks.get(value);
    return marking !== undefined && !canSee(reader, marking);
  }
  if (Array.isArray(value)) return value.some((v) => namesHiddenReport(v, marks, reader));
  if (value !== null && typeof value === 'object') return Object.values(value).some((v) => namesHiddenReport(v, marks, reader));
  return false;
}

/**
 * The events of a page the reader may not see, by seq, and the marked reports it may see (whose
 * reading is recorded): a `report.received` by its own marking, a correction by its report's, a
 * `report.read` by the markings of the reports it names, any other event of a problem when it
 * names a report the reader may not see.
 */
export async function redactFeed(db: SqlDatabase, reader: Reader, events: readonly FeedEvent[]): Promise<{ withheld: Set<number>; reads: { problem: string; report: string }[] }> {
  const withheld = new Set<number>();
  const reads: { problem: string; report: string }[] = [];
  const marksByProblem = new Map<string, Map<string, Marking>>();
  const marksOf = async (problem: string) => {
    let marks = marksByProblem.get(problem);
    if (marks === undefined) {
      marks = new Map((await markedReports(db, problem)).map((m) => [m.id, m]));
      marksByProblem.set(problem, marks);
    }
    return marks;
  };
  for (const event of events) {
    if (event.type === 'report.read') {
      // A record of someone's reading names the reports read: withheld when it names one the
      // reader may not see (reading the record is not reading the reports).
      const data = (typeof event.data === 'string' ? JSON.parse(event.data) : event.data) as { reports?: unknown };
      const named = Array.isArray(data.reports) ? (data.reports as { problem?: unknown; report?: unknown }[]) : [];
      for (const r of named) {
        const marking = (await marksOf(String(r.problem))).get(String(r.report));
        if (marking !== undefined && !canSee(reader, marking)) {
          withheld.add(event.seq);
          break;
        }
      }
      continue;
    }
    if (event.type !== 'report.received' && event.type !== 'report.retracted' && event.type !== 'report.regraded') {
      // Any other event of a problem (a warning's judgment and its evidence, say) is withheld
      // when it names, anywhere in its data, a report the reader may not see.
      if (event.stream === 'system') continue;
      const marks = await marksOf(event.stream);
      if (marks.size === 0) continue;
      if (namesHiddenReport(typeof event.data === 'string' ? JSON.parse(event.data) : event.data, marks, reader)) withheld.add(event.seq);
      continue;
    }
    const data = (typeof event.data === 'string' ? JSON.parse(event.data) : event.data) as { report?: unknown; classification?: unknown; compartments?: unknown };
    let marking: Marking | undefined;
    let report: string;
    if (event.type === 'report.received') {
      const wire = data.report as { id?: unknown } | undefined;
      report = String(wire?.id ?? '');
      marking = { classification: String(data.classification), compartments: Array.isArray(data.compartments) ? data.compartments.map(String) : [] };
    } else {
      report = String(data.report);
      marking = (await marksOf(event.stream)).get(report);
    }
    if (marking === undefined || !isMarked(marking)) continue;
    if (canSee(reader, marking)) reads.push({ problem: event.stream, report });
    else withheld.add(event.seq);
  }
  return { withheld, reads };
}
