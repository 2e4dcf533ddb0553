/** A report being entered, and the body POST .../reports takes from it (assessment.md section 2). */

export type Grading = 'admiralty' | 'sensor';

export interface ReportDraft {
  readonly id: string;
  readonly indicator: string;
  readonly observed: 'present' | 'absent';
  /** Observation instant (ms). */
  readonly at: number;
  readonly source: string;
  readonly grading: Grading;
  readonly reliability: string;
  readonly credibility: string;
  readonly sensitivity: string;
  readonly falseAlarmRate: string;
  readonly classification: string;
  /** Compartment names separated by commas or spaces. */
  readonly compartments: string;
  readonly text: string;
}

/** The fields a server issue may name (its pointer's first segment). */
export const REPORT_FIELDS = ['id', 'indicator', 'observed', 'at', 'source', 'reliability', 'credibility', 'sensitivity', 'falseAlarmRate', 'classification', 'compartments', 'text'] as const;

/** A fresh report id: the instant and a few random letters ("r-20260207-031244-k3q9"). */
export function newReportId(now: number): string {
  const stamp = new Date(now).toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  const random = Math.random().toString(36).slice(2, 6);
  return `r-${stamp}-${random}`;
}

/** A blank report observed `now`, keeping the choices of `previous` that carry over (source, grading, marking). */
export function emptyReport(now: number, previous?: ReportDraft): ReportDraft {
  return {
    id: newReportId(now),
    indicator: previous?.indicator ?? '',
    observed: 'present',
    at: Math.floor(now / 1000) * 1000,
    source: previous?.source ?? '',
    grading: previous?.grading ?? 'admiralty',
    reliability: previous?.reliability ?? 'C',
    credibility: previous?.credibility ?? '3',
    sensitivity: previous?.sensitivity ?? '',
    falseAlarmRate: previous?.falseAlarmRate ?? '',
    classification: previous?.classification ?? 'UNCLASSIFIED',
    compartments: previous?.compartments ?? '',
    text: '',
  };
}

/** A number typed in a field; the text itself when it is not one (the server names the field). */
function numberOrText(value: string): number | string {
  const n = Number(value);
  return value.trim() !== '' && Number.isFinite(n) ? n : value;
}

/** The JSON body of POST .../reports for a draft: empty optional fields are left out. */
export function reportBody(draft: ReportDraft): Record<string, unknown> {
  const compartments = draft.compartments
    .split(/[\s,]+/)
    .map((c) => c.trim())
    .filter((c) => c !== '');
  return {
    id: draft.id,
    indicator: draft.indicator,
    observed: draft.observed,
    at: new Date(draft.at).toISOString(),
    ...(draft.source.trim() !== '' ? { source: draft.source.trim() } : {}),
    ...(draft.grading === 'admiralty'
      ? { reliability: draft.reliability, credibility: draft.credibility }
      : { sensitivity: numberOrText(draft.sensitivity), falseAlarmRate: numberOrText(draft.falseAlarmRate) }),
    classification: draft.classification,
    ...(compartments.length > 0 ? { compartments } : {}),
    ...(draft.text !== '' ? { text: draft.text } : {}),
  };
}
