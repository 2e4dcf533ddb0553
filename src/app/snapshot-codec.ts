/**
 * The compact form of a snapshot's counted reports: one array per report, without free text
 * (the math never reads it), so a snapshot of 100,000 reports stays a few megabytes.
 */
import type { Credibility, Reliability, Report } from '../core/model.js';

type Packed = [string, string, 0 | 1, number, number, string, string, string, number | null, number | null];

/** Packs reports into JSON text. */
export function packReports(reports: readonly Report[]): string {
  return JSON.stringify(
    reports.map((r): Packed => [
      r.id,
      r.indicator,
      r.observed === 'present' ? 1 : 0,
      r.at,
      r.received,
      r.source,
      r.reliability,
      r.credibility,
      r.sensitivity ?? null,
      r.falseAlarmRate ?? null,
    ]),
  );
}

/** Unpacks what `packReports` wrote. */
export function unpackReports(text: string): Report[] {
  return (JSON.parse(text) as Packed[]).map(([id, indicator, observed, at, received, source, reliability, credibility, s, f]) => ({
    id,
    indicator,
    observed: observed === 1 ? 'present' : 'absent',
    at,
    received,
    source,
    reliability: reliability as Reliability,
    credibility: credibility as Credibility,
    ...(s !== null && f !== null ? { sensitivity: s, falseAlarmRate: f } : {}),
  }));
}
