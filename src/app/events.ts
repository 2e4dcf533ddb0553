/**
 * The application's events: what is appended to the log when a problem is defined, a report is
 * received, retracted or regraded. Past tense, dotted; the data of each is plain JSON.
 */
import type { Correction, Grades } from '../core/corrections.js';
import { formatInstant, parseInstant } from '../core/instant.js';
import type { Problem, Report } from '../core/model.js';

export const PROBLEM_DEFINED = 'problem.defined';
export const REPORT_RECEIVED = 'report.received';
export const REPORT_RETRACTED = 'report.retracted';
export const REPORT_REGRADED = 'report.regraded';

/** A report as it travels in events and files: instants as ISO strings, defaults applied. */
export interface WireReport {
  id: string;
  indicator: string;
  observed: 'present' | 'absent';
  at: string;
  received: string;
  source: string;
  reliability: Report['reliability'];
  credibility: Report['credibility'];
  sensitivity?: number;
  falseAlarmRate?: number;
  text?: string;
}

/** `problem.defined`: a new version of a problem's model (version 1 creates it). */
export interface ProblemDefinedData {
  version: number;
  problem: Problem;
}

/** `report.received`: one report, with its need-to-know marking. */
export interface ReportReceivedData {
  report: WireReport;
  classification: string;
  compartments: string[];
  /** True when `received` was set by the sender (history loaded), not by the server's clock. */
  backfilled: boolean;
}

/** `report.retracted`: a report no longer counts from the event's time on. */
export interface ReportRetractedData {
  report: string;
  reason: string;
}

/** `report.regraded`: a report's grades (or sensor rates) changed from the event's time on. */
export interface ReportRegradedData {
  report: string;
  grades: Grades;
  reason: string;
}

/**
 * A report in wire form, its members in canonical (RFC 8785) order: the order the log writes
 * and reads them in, so encoding the event needs no sorted copy.
 */
export function toWire(report: Report): WireReport {
  const at = formatInstant(report.at);
  const received = formatInstant(report.received);
  const { credibility, id, indicator, observed, reliability, source, sensitivity, falseAlarmRate, text } =
    report;
  if (sensitivity === undefined || falseAlarmRate === undefined) {
    return text === undefined
      ? { at, credibility, id, indicator, observed, received, reliability, source }
      : { at, credibility, id, indicator, observed, received, reliability, source, text };
  }
  return text === undefined
    ? { at, credibility, falseAlarmRate, id, indicator, observed, received, reliability, sensitivity, source }
    : {
        at,
        credibility,
        falseAlarmRate,
        id,
        indicator,
        observed,
        received,
        reliability,
        sensitivity,
        source,
        text,
      };
}

/** A wire report (as written by `toWire`) back to a report. */
export function fromWire(wire: WireReport): Report {
  return {
    id: wire.id,
    indicator: wire.indicator,
    observed: wire.observed,
    at: parseInstant(wire.at) ?? NaN,
    received: parseInstant(wire.received) ?? NaN,
    source: wire.source,
    reliability: wire.reliability,
    credibility: wire.credibility,
    ...(wire.sensitivity !== undefined && wire.falseAlarmRate !== undefined
      ? { sensitivity: wire.sensitivity, falseAlarmRate: wire.falseAlarmRate }
      : {}),
    ...(wire.text !== undefined ? { text: wire.text } : {}),
  };
}

/** A correction event's data and time as a core correction. */
export function toCorrection(
  type: string,
  data: ReportRetractedData | ReportRegradedData,
  at: number,
): Correction {
  return type === REPORT_RETRACTED
    ? { kind: 'retracted', report: data.report, at }
    : { kind: 'regraded', report: data.report, at, grades: (data as ReportRegradedData).grades };
}
