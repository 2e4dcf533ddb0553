/**
 * How numbers and instants read on the watch floor: percentages with a precision that does not
 * pretend, instants in UTC with a Z (one clock for every console), Admiralty grades.
 */

/**
 * "62 %", "0.4 %" (below 1 %), "99.6 %" (above 99 %), "< 0.1 %", "> 99.9 %": never "0 %" or
 * "100 %" for what is neither.
 */
export function percent(p: number): string {
  const x = p * 100;
  if (x > 0 && x < 0.05) return '< 0.1 %';
  if (x > 99.95 && x < 100) return '> 99.9 %';
  if ((x > 0 && x < 1) || (x > 99 && x < 100)) return `${x.toFixed(1)} %`;
  return `${x.toFixed(0)} %`;
}

/** A signed change of probability in percentage points: "+3.1 pp", "−0.2 pp". */
export function points(delta: number): string {
  const x = delta * 100;
  const digits = Math.abs(x) < 10 ? 1 : 0;
  const text = Math.abs(x).toFixed(digits);
  if (Number(text) === 0) return '±0 pp';
  return `${x > 0 ? '+' : '−'}${text} pp`;
}

/** "2026-02-07 03:12:44Z": an ISO instant in UTC, to the second. */
export function utc(iso: string | number | Date): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** "03:12:44Z": the time of day in UTC. */
export function utcTime(iso: string | number | Date): string {
  return utc(iso).slice(11);
}

/** The value of a datetime-local input (read as UTC) for an instant: "2026-02-07T03:12:44". */
export function toInputValue(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** The instant of a datetime-local input value read as UTC, or undefined. */
export function fromInputValue(value: string): number | undefined {
  if (value === '') return undefined;
  const ms = Date.parse(`${value.length === 16 ? `${value}:00` : value}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The grade of a report: "B2" (source reliability, information credibility), or a sensor's "s 0.90 / f 0.05". */
export function grade(report: { reliability?: string; credibility?: string | number; sensitivity?: number; falseAlarmRate?: number }): string {
  if (report.sensitivity !== undefined && report.falseAlarmRate !== undefined) {
    return `s ${report.sensitivity.toFixed(2)} / f ${report.falseAlarmRate.toFixed(2)}`;
  }
  return `${report.reliability ?? 'F'}${report.credibility ?? '6'}`;
}

/** What a grade means, for a tooltip and screen readers. */
export function gradeMeaning(report: { reliability?: string; credibility?: string | number; sensitivity?: number; falseAlarmRate?: number }): string {
  if (report.sensitivity !== undefined && report.falseAlarmRate !== undefined) {
    return `measured source: hit rate ${percent(report.sensitivity)}, false-alarm rate ${percent(report.falseAlarmRate)}`;
  }
  const reliability: Record<string, string> = {
    A: 'completely reliable',
    B: 'usually reliable',
    C: 'fairly reliable',
    D: 'not usually reliable',
    E: 'unreliable',
    F: 'reliability cannot be judged',
  };
  const credibility: Record<string, string> = {
    '1': 'confirmed',
    '2': 'probably true',
    '3': 'possibly true',
    '4': 'doubtful',
    '5': 'improbable',
    '6': 'truth cannot be judged',
  };
  return `source ${reliability[report.reliability ?? 'F'] ?? '?'}, information ${credibility[String(report.credibility ?? '6')] ?? '?'}`;
}
