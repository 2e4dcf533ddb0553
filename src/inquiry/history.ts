/**
 * A problem's history as the log holds it: every event of its stream (model versions, reports
 * and their corrections, warnings, notifications, deliveries, acknowledgments, escalation,
 * dissents, outcomes), each with its seq and hash, and the organisations loaded over time (their
 * `organisation.defined` events). The inquiry, the scores and the counterfactual are all
 * computed from this one read of the log.
 */
import type { Store } from '../app/store.js';
import { fromWire, PROBLEM_DEFINED, REPORT_RECEIVED, REPORT_REGRADED, REPORT_RETRACTED, type ProblemDefinedData, type ReportReceivedData, type ReportRegradedData, type ReportRetractedData } from '../app/events.js';
import type { Correction, Grades } from '../core/corrections.js';
import { VigilError } from '../core/errors.js';
import { parseInstant } from '../core/instant.js';
import type { Problem, Report } from '../core/model.js';
import { ORGANISATION_DEFINED } from '../app/warning-events.js';
import type { StoredEvent } from '../log/event.js';
import type { Organisation } from '../warn/organisation.js';
import { PROBLEM_RESOLVED, type ProblemResolvedData, type RecordedOutcome } from './outcome.js';

/** Where an event sits in the log: enough to find it in an export and check it. */
export interface LogRef {
  readonly seq: number;
  readonly hash: string;
  /** When it was appended (ms). */
  readonly appendedAt: number;
  readonly actor: string;
}

export interface VersionEntry extends LogRef {
  readonly version: number;
  readonly problem: Problem;
}

export interface ReportEntry extends LogRef {
  readonly report: Report;
  readonly classification: string;
  readonly compartments: readonly string[];
  readonly backfilled: boolean;
}

export interface CorrectionEntry extends LogRef {
  readonly kind: 'retracted' | 'regraded';
  readonly report: string;
  readonly reason: string;
  readonly grades?: Grades;
}

export interface OrganisationEntry {
  readonly seq: number;
  readonly appendedAt: number;
  readonly actor: string;
  readonly organisation: Organisation;
}

export interface ProblemHistory {
  readonly problem: string;
  /** Model versions, oldest first. */
  readonly versions: readonly VersionEntry[];
  /** Reports in the order the log received them (seq). */
  readonly reports: readonly ReportEntry[];
  /** Retractions and regradings in seq order. */
  readonly corrections: readonly CorrectionEntry[];
  /** Every other event of the stream (warnings, escalation, dissents, ...), in seq order. */
  readonly events: readonly StoredEvent[];
  readonly outcomes: readonly RecordedOutcome[];
  /** The organisations loaded, in seq order. */
  readonly organisations: readonly OrganisationEntry[];
  /** The log head when the history was read. */
  readonly headSeq: number;
}

function ref(event: StoredEvent): LogRef {
  return { seq: event.seq, hash: event.hash, appendedAt: parseInstant(event.at) ?? 0, actor: event.actor };
}

/**
 * Reads a problem's history from the log: its stream, and the organisations from the system
 * stream. Throws PROBLEM_NOT_FOUND when the problem has no model.
 */
export async function loadHistory(store: Store, problemId: string): Promise<ProblemHistory> {
  const head = await store.log.head();
  const headSeq = head?.seq ?? 0;
  const versions: VersionEntry[] = [];
  const reports: ReportEntry[] = [];
  const corrections: CorrectionEntry[] = [];
  const events: StoredEvent[] = [];
  const outcomes: RecordedOutcome[] = [];
  for await (const event of store.log.read({ stream: problemId, to: headSeq })) {
    switch (event.type) {
      case PROBLEM_DEFINED: {
        const data = event.data as unknown as ProblemDefinedData;
        versions.push({ ...ref(event), version: data.version, problem: data.problem });
        break;
      }
      case REPORT_RECEIVED: {
        const data = event.data as unknown as ReportReceivedData;
        reports.push({ ...ref(event), report: fromWire(data.report), classification: data.classification, compartments: data.compartments, backfilled: data.backfilled });
        break;
      }
      case REPORT_RETRACTED:
      case REPORT_REGRADED: {
        const data = event.data as unknown as ReportRetractedData & Partial<ReportRegradedData>;
        corrections.push({
          ...ref(event),
          kind: event.type === REPORT_RETRACTED ? 'retracted' : 'regraded',
          report: data.report,
          reason: data.reason,
          ...(data.grades !== undefined ? { grades: data.grades } : {}),
        });
        break;
      }
      case PROBLEM_RESOLVED:
        outcomes.push({ ...(event.data as unknown as ProblemResolvedData), seq: event.seq, hash: event.hash, recordedAt: event.at, actor: event.actor });
        break;
      default:
        events.push(event);
    }
  }
  if (versions.length === 0) throw new VigilError('PROBLEM_NOT_FOUND', `no problem "${problemId}"`);
  // The organisations from their events in the log (not the projection table built from them).
  const organisations: OrganisationEntry[] = [];
  for await (const page of store.log.readRecords({ stream: 'system', to: headSeq }, 5_000)) {
    for (const record of page) {
      if (record.type !== ORGANISATION_DEFINED) continue;
      const data = JSON.parse(record.data) as { organisation: Organisation };
      organisations.push({ seq: record.seq, appendedAt: parseInstant(record.at) ?? 0, actor: record.actor, organisation: data.organisation });
    }
  }
  return { problem: problemId, versions, reports, corrections, events, outcomes, organisations, headSeq };
}

/** The corrections as the core applies them (each from its own instant). */
export function coreCorrections(history: Pick<ProblemHistory, 'corrections'>): Correction[] {
  return history.corrections.map((c): Correction =>
    c.kind === 'retracted' ? { kind: 'retracted', report: c.report, at: c.appendedAt } : { kind: 'regraded', report: c.report, at: c.appendedAt, grades: c.grades! },
  );
}

/** The model version in force at `at` (ms): the latest defined by then, else the first (as the store's as-of). */
export function versionAt(history: Pick<ProblemHistory, 'versions'>, at: number): VersionEntry {
  let found = history.versions[0]!;
  for (const v of history.versions) if (v.appendedAt <= at && v.version >= found.version) found = v;
  return found;
}

/**
 * The organisation in force at `at`: the latest loaded by then, else the first loaded (history
 * older than the organisation is judged by the first one), else undefined.
 */
export function organisationAt(history: Pick<ProblemHistory, 'organisations'>, at: number): Organisation | undefined {
  let found: Organisation | undefined = history.organisations[0]?.organisation;
  for (const o of history.organisations) if (o.appendedAt <= at) found = o.organisation;
  return found;
}
