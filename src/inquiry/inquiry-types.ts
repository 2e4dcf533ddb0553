/**
 * The inquiry report as data (its JSON form, `"inquiry": 1`): who knew what, and when, and
 * what they did, for one problem over a window. The HTML and the PDF are drawn from this and
 * nothing else. Instants are ISO 8601 UTC strings; durations are milliseconds with a text beside.
 * Every row that comes from an event cites its `seq` and `hash`, so it can be found in an
 * export of the log and checked.
 */
import type { LogVerification } from './log-verification.js';
import type { ProblemScores } from './scores.js';

export interface Citation {
  readonly seq: number;
  readonly hash: string;
}

/** A report of the window and what it did. */
export interface ReportRow extends Citation {
  readonly withheld?: false;
  readonly id: string;
  readonly indicator: string;
  readonly indicatorTitle: string;
  readonly observed: 'present' | 'absent';
  readonly source: string;
  /** Admiralty grade (`B2`) or a sensor's rates (`s=0.8 f=0.1`). */
  readonly grade: string;
  readonly observedAt: string;
  readonly receivedAt: string;
  /** When its event was appended to the log (for a backfilled report, later than `receivedAt`). */
  readonly recordedAt: string;
  /** When it first counted; null when it never did (by the end of the window). */
  readonly firstCountedAt: string | null;
  /** Why it did not count when it arrived. */
  readonly notCounted?: string;
  /** pDangerous at its arrival, before and after it (same instant, same fading). */
  readonly pBefore: number;
  readonly pAfter: number;
  readonly delta: number;
  readonly version: number;
  readonly classification: string;
  readonly compartments: readonly string[];
  readonly backfilled: boolean;
  /** Who posted it (user or token id) and their name when known. */
  readonly postedBy: string;
  readonly postedByName?: string;
  readonly text?: string;
}

/** A report the reader may not see: where it sits in the log and what it did to pDangerous. */
export interface WithheldReportRow extends Citation {
  readonly withheld: true;
  readonly receivedAt: string;
  readonly recordedAt: string;
  readonly pBefore: number;
  readonly pAfter: number;
  readonly delta: number;
}

/**
 * A report received (by its own account) in the window but recorded after the window ended: it
 * was not known in the window and counts in nothing this report says of it.
 */
export interface LoadedLaterRow extends Citation {
  /** Absent when the reader may not see the report. */
  readonly id?: string;
  readonly withheld?: boolean;
  readonly receivedAt: string;
  readonly recordedAt: string;
  readonly backfilled: boolean;
}

export interface CorrectionRow extends Citation {
  readonly withheld?: false;
  readonly at: string;
  readonly kind: 'retracted' | 'regraded';
  readonly report: string;
  readonly reason: string;
  readonly grade?: string;
  readonly by: string;
  readonly byName?: string;
  readonly pBefore: number;
  readonly pAfter: number;
}

export interface WithheldCorrectionRow extends Citation {
  readonly withheld: true;
  readonly at: string;
  readonly pBefore: number;
  readonly pAfter: number;
}

/** A report an assessment hangs on, described. */
export interface EvidenceRow {
  readonly report: string;
  readonly impact: number;
  readonly flips: boolean;
  readonly description: string;
}

export interface AdviceRow {
  readonly indicator: string;
  readonly indicatorTitle: string;
  readonly eig: number;
  readonly pDangerousIfPresent: number;
  readonly pDangerousIfAbsent: number;
}

export interface LevelChangeRow {
  readonly at: string;
  readonly from: string;
  readonly to: string;
  readonly direction: 'up' | 'down';
  /** `reports`: the evidence moved it; `model`: a new model version did. */
  readonly cause: 'reports' | 'model';
  readonly version: number;
  readonly pDangerous: number;
  readonly words: string;
  readonly leading: string;
  readonly leadingTitle: string;
  readonly evidence: readonly EvidenceRow[];
  readonly collect: readonly AdviceRow[];
  /** Evidence entries left out: reports the reader may not see. */
  readonly withheld: number;
}

export interface DeliveryView {
  readonly at: string;
  readonly channel: string;
  readonly attempt: number;
  readonly outcome: string;
  readonly status?: number;
  readonly detail?: string;
}

export interface NotificationView extends Citation {
  readonly at: string;
  readonly person: string;
  readonly name?: string;
  readonly reason: string;
  readonly role?: string;
  readonly standingInFor?: readonly string[];
  readonly channels: readonly string[];
  readonly allClear: boolean;
  readonly deliveries: readonly DeliveryView[];
  /** ms from the notification to its first delivered attempt. */
  readonly deliveredAfterMs?: number;
  /** ms from the notification to this person's acknowledgment of the version. */
  readonly acknowledgedAfterMs?: number;
}

export interface AcknowledgmentView extends Citation {
  readonly at: string;
  readonly warning: string;
  readonly version: number;
  readonly person?: string;
  readonly name?: string;
  readonly user: string;
  readonly userName?: string;
  readonly via: string;
  readonly note?: string;
  readonly afterVersionMs: number;
  readonly afterNotifiedMs?: number;
}

export interface ErrorView extends Citation {
  readonly at: string;
  /** `unreachable`: a step reached nobody; `gave-up`: a delivery was abandoned for good. */
  readonly kind: 'unreachable' | 'gave-up';
  readonly warning?: string;
  readonly version?: number;
  readonly dissent?: string;
  readonly step?: number;
  readonly target?: string;
  readonly person?: string;
  readonly channel?: string;
  readonly detail?: string;
  /** The error in a sentence. */
  readonly text: string;
}

export interface WarningVersionView extends Citation {
  readonly version: number;
  readonly at: string;
  readonly reason: string;
  readonly closing: boolean;
  readonly level: string;
  readonly pDangerous: number;
  readonly words: string;
  readonly leading: string;
  readonly evidence: readonly EvidenceRow[];
  readonly collect: readonly AdviceRow[];
  readonly withheld: number;
  readonly notifications: readonly NotificationView[];
  readonly acknowledgments: readonly AcknowledgmentView[];
  readonly errors: readonly ErrorView[];
  /** When every escalation step of this version had run without an acknowledgment. */
  readonly escalationEnded?: string;
}

export interface WarningView {
  readonly id: string;
  readonly kind: 'official' | 'dissent';
  readonly dissent?: string;
  readonly openedAt: string;
  readonly closedAt?: string;
  readonly closeReason?: string;
  readonly versions: readonly WarningVersionView[];
}

export interface AbsenceView {
  readonly person: string;
  readonly name?: string;
  readonly from: string;
  readonly to: string;
  readonly delegate?: string;
  readonly delegateName?: string;
}

export interface DelegationView {
  readonly at: string;
  readonly seq: number;
  /** Who stood in. */
  readonly person: string;
  readonly name?: string;
  /** For whom (absent or unreachable, in order). */
  readonly standingInFor: readonly string[];
  readonly role?: string;
  readonly warning?: string;
  readonly version?: number;
  readonly dissent?: string;
}

export interface DissentView extends Citation {
  readonly dissent: string;
  readonly author: string;
  readonly authorName?: string;
  readonly filedAt: string;
  readonly posterior: Readonly<Record<string, number>>;
  readonly pDangerous: number;
  readonly words: string;
  readonly level: string;
  readonly rationale: string;
  readonly officialAtFiling: { readonly level: string; readonly pDangerous: number; readonly at: string };
  readonly routedTo?: { readonly at: string; readonly person: string; readonly name?: string; readonly role: string; readonly reason: string; readonly standingInFor?: readonly string[] };
  readonly unroutable?: string;
  readonly withdrawn?: { readonly at: string; readonly reason?: string };
  readonly warning?: string;
  /** What became of it, in words. */
  readonly fate: string;
}

export interface ModelChangeView extends Citation {
  readonly version: number;
  readonly at: string;
  readonly by: string;
  readonly byName?: string;
  readonly changes: readonly string[];
}

export interface PersonTold extends Citation {
  readonly at: string;
  readonly what: 'warning' | 'all-clear' | 'dissent';
  readonly warning?: string;
  readonly version?: number;
  readonly dissent?: string;
  readonly level?: string;
  readonly pDangerous?: number;
  readonly words?: string;
  readonly reason: string;
  readonly role?: string;
  readonly standingInFor?: readonly string[];
  readonly channels: readonly string[];
  /** Final outcome per channel (`delivered`, `failed`, `gave-up`). */
  readonly deliveries: readonly { readonly channel: string; readonly outcome: string; readonly at: string }[];
  readonly acknowledgedAt?: string;
  readonly acknowledgedAfterMs?: number;
}

export interface PersonView {
  readonly person: string;
  readonly name?: string;
  readonly told: readonly PersonTold[];
  readonly acknowledgments: number;
}

export interface Milestone {
  readonly at: string;
  readonly seq: number;
  readonly what: string;
  /** True for a first warning issued before the window and still out when it opened. */
  readonly beforeWindow?: boolean;
}

export interface Intervals {
  /** The first report in the window that said an indicator was present and raised pDangerous. */
  readonly firstIndicator: Milestone | null;
  /** The first official warning version issued in the window, or the one still out when the window opened (`beforeWindow`). */
  readonly firstWarning: Milestone | null;
  /** The first acknowledgment of an official warning version (not of an all-clear), at or after the first warning. */
  readonly firstAcknowledgment: Milestone | null;
  /** The first acknowledgment that carried a note (a decision recorded with it). */
  readonly firstDecision: Milestone | null;
  readonly steps: readonly { readonly from: string; readonly to: string; readonly ms: number | null; readonly text: string }[];
}

export interface OutcomeView extends Citation {
  readonly hypothesis: string;
  readonly hypothesisTitle: string;
  readonly dangerous: boolean;
  readonly at: string;
  readonly note?: string;
  readonly recordedAt: string;
  readonly by: string;
  readonly byName?: string;
  readonly inForce: boolean;
}

export interface StateView {
  readonly at: string;
  readonly level: string;
  readonly pDangerous: number;
  readonly words: string;
  readonly leading: string;
  readonly leadingTitle: string;
}

export interface InquiryReport {
  readonly inquiry: 1;
  readonly generatedAt: string;
  readonly problem: {
    readonly id: string;
    readonly title: string;
    readonly description?: string;
    readonly version: number;
    readonly hypotheses: readonly { readonly id: string; readonly title: string; readonly prior: number; readonly dangerous: boolean }[];
    readonly levels: readonly { readonly id: string; readonly threshold: number }[];
  };
  readonly window: { readonly from: string; readonly to: string };
  /** Who the report was drawn for: the whole store (CLI), or a reader with a clearance. */
  readonly reader: { readonly kind: 'store' } | { readonly kind: 'reader'; readonly name: string; readonly clearance: string; readonly compartments: readonly string[] };
  /** Reports the reader may not see that this report would otherwise have named. */
  readonly withheld: number;
  readonly atStart: StateView;
  readonly atEnd: StateView;
  readonly reports: readonly (ReportRow | WithheldReportRow)[];
  /** Reports received in the window by their own account but recorded after it ended. */
  readonly loadedLater: readonly LoadedLaterRow[];
  readonly corrections: readonly (CorrectionRow | WithheldCorrectionRow)[];
  readonly levelChanges: readonly LevelChangeRow[];
  readonly warnings: readonly WarningView[];
  readonly absences: readonly AbsenceView[];
  readonly delegations: readonly DelegationView[];
  readonly escalationErrors: readonly ErrorView[];
  readonly dissents: readonly DissentView[];
  readonly modelChanges: readonly ModelChangeView[];
  readonly people: readonly PersonView[];
  readonly intervals: Intervals;
  readonly outcomes: readonly OutcomeView[];
  /** Scores of the problem's whole history up to its outcome; null when unresolved. */
  readonly scores: Omit<ProblemScores, 'series'> | null;
  /** The reliability diagram across every resolved problem (SVG) and its bins. */
  readonly reliability: { readonly svg: string; readonly problems: number; readonly forecasts: number };
  readonly verification: LogVerification;
  /** How this report decides what it says, where that is a choice. */
  readonly notes: readonly string[];
}
