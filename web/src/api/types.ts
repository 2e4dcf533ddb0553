/**
 * The shapes of the Vigil API answers the watch floor reads (README "The API",
 * shared/spec/api.md, assessment.md sections 7 and 8). Written by hand: the UI depends on the
 * public API only, as any integration would.
 */

export type Role = 'viewer' | 'analyst' | 'senior-analyst' | 'duty-officer' | 'decision-maker' | 'auditor' | 'admin';

/** Clearance levels, lowest first (README "Need-to-know"). */
export const CLEARANCES = ['UNCLASSIFIED', 'CONFIDENTIAL', 'SECRET', 'TOP SECRET'] as const;

export interface User {
  readonly kind: 'user' | 'token';
  readonly id: string;
  readonly name: string;
  readonly roles: readonly Role[];
  readonly clearance: string;
  readonly compartments: readonly string[];
}

export interface SessionAnswer {
  readonly user: User;
  readonly csrfToken?: string;
  readonly expiresAt?: string;
}

export interface ProblemSummary {
  readonly id: string;
  readonly title: string;
  readonly version: number;
  readonly level: string;
  readonly pDangerous: number;
  readonly words?: string;
  readonly leading: string;
  readonly counted: number;
  readonly withheld: number;
  readonly updatedAt: string | null;
}

export interface Hypothesis {
  readonly id: string;
  readonly title: string;
  readonly prior: number;
  readonly dangerous?: boolean;
}

export interface Indicator {
  readonly id: string;
  readonly title: string;
  readonly halfLifeHours?: number;
  readonly likelihood: Readonly<Record<string, number>>;
}

export interface WarningLevel {
  readonly id: string;
  readonly threshold: number;
}

export interface Problem {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly hypotheses: readonly Hypothesis[];
  readonly indicators: readonly Indicator[];
  readonly warning: { readonly levels: readonly WarningLevel[]; readonly hysteresis?: number };
}

export interface IndicatorBelief {
  readonly id: string;
  readonly belief: number;
  readonly reports: number;
  readonly withheld?: number;
}

export interface ReportImpact {
  readonly report: string;
  readonly impact: number;
  readonly flips: boolean;
}

export interface CollectionAdvice {
  readonly indicator: string;
  readonly eig: number;
  readonly pDangerousIfPresent: number;
  readonly pDangerousIfAbsent: number;
}

export interface Assessment {
  readonly problem: string;
  readonly at: string;
  readonly posterior: Readonly<Record<string, number>>;
  readonly pDangerous: number;
  readonly leading: string;
  readonly level: string;
  readonly indicators: readonly IndicatorBelief[];
  readonly sensitivity: readonly ReportImpact[];
  readonly collect: readonly CollectionAdvice[];
  readonly counted: number;
  readonly withheld?: number;
  readonly version?: number;
  readonly words?: string;
}

export interface ProblemAnswer {
  readonly version: number;
  readonly problem: Problem;
  readonly assessment: Assessment;
}

export interface TimelinePoint {
  readonly at: string;
  readonly pDangerous: number;
  readonly leading: string;
  readonly level: string;
}

export interface LevelChange {
  readonly at: string;
  readonly from: string;
  readonly to: string;
  readonly pDangerous: number;
  readonly leading: string;
  readonly evidence: readonly ReportImpact[];
  readonly collect: readonly CollectionAdvice[];
}

export interface Timeline {
  readonly problem: string;
  readonly version: number;
  readonly at: string;
  readonly levels: readonly WarningLevel[];
  readonly points: readonly TimelinePoint[];
  readonly changes: readonly LevelChange[];
  readonly finalLevel: string;
  readonly withheld: number;
}

/** A report as the API lists it: the spec's fields plus its marking and log position. */
export interface StoredReport {
  readonly seq: number;
  readonly id: string;
  readonly indicator: string;
  readonly observed: 'present' | 'absent';
  readonly at: string;
  readonly received: string;
  readonly source?: string;
  readonly reliability?: string;
  readonly credibility?: string | number;
  readonly sensitivity?: number;
  readonly falseAlarmRate?: number;
  readonly text?: string;
  readonly classification?: string;
  readonly compartments?: readonly string[];
  readonly backfilled?: boolean;
}

export interface ReportPage {
  readonly reports: readonly StoredReport[];
  readonly withheld: number;
  readonly next: number | null;
}

export type AchRating = 'CC' | 'C' | 'N' | 'NA' | 'I' | 'II';

export interface AchMatrix {
  readonly at: string;
  readonly hypotheses: readonly string[];
  readonly rows: readonly { id: string; credibility: string; relevance: string; ratings: Readonly<Record<string, AchRating>> }[];
  readonly scores: {
    readonly hypotheses: readonly { id: string; inconsistencyScore: number; weightedInconsistencyScore: number }[];
    readonly leastInconsistent: string;
    readonly nonDiagnostic: readonly string[];
  };
  readonly withheld: number;
}

/** One field at fault in an error answer. */
export interface Issue {
  readonly path: string;
  readonly message: string;
}

/** Every 4xx/5xx body of the API. */
export interface ErrorAnswer {
  readonly error: { readonly code: string; readonly message: string; readonly path?: string; readonly issues?: readonly Issue[] };
}

/** Why a person was told: they hold the role, stand in as a deputy or a delegate, or are named in the policy. */
export type NotificationReason = 'holder' | 'deputy' | 'delegate' | 'named';

/** One person told of one version of a warning (a `warning.notified` event). */
export interface WarningNotification {
  readonly at: string;
  readonly version: number;
  /** The policy step that told them (-1 for the all-clear). */
  readonly step: number;
  /** The organisation's person id (names stay out of the log and of this answer). */
  readonly person: string;
  readonly reason: NotificationReason;
  readonly role?: string;
  /** Those this person answers for, absent or unreachable (for a deputy or a delegate). */
  readonly standingInFor?: readonly string[];
  /** The person's channels: `in-app`, `email`, `webhook`. */
  readonly channels: readonly string[];
  readonly allClear?: boolean;
}

/** One try of one channel for one notification (a `delivery.attempted` event). */
export interface WarningDelivery {
  readonly at: string;
  readonly version: number;
  readonly person: string;
  readonly channel: string;
  readonly attempt: number;
  readonly outcome: 'delivered' | 'failed' | 'gave-up';
  readonly status?: number;
  readonly detail?: string;
  /** When the next try is due (failed, not given up). */
  readonly retryAt?: string;
  readonly allClear?: boolean;
}

/** "I have read this version" (a `warning.acknowledged` event). */
export interface WarningAcknowledgment {
  readonly at: string;
  readonly version: number;
  /** The organisation person, when the acknowledger is one. */
  readonly person?: string;
  /** The Vigil user id (`person:<id>` for an email link). */
  readonly user: string;
  readonly note?: string;
  readonly via: 'in-app' | 'email' | 'api';
  readonly judgment: { readonly level: string; readonly pDangerous: number; readonly at: string };
}

/** The judgment a warning version carries: the assessment when it was made, in brief. */
export interface WarningJudgment {
  readonly at: string;
  readonly level: string;
  /** The level's index among the problem's levels (0: the first, "all clear"). */
  readonly levelIndex: number;
  readonly pDangerous: number;
  readonly words: string;
  readonly leading: string;
  /** The reports it hangs on (those the reader may see). */
  readonly evidence: readonly ReportImpact[];
  readonly collect: readonly CollectionAdvice[];
  /** How many of the reports it hangs on are withheld from the reader. */
  readonly withheld: number;
}

/** A warning as GET /api/v1/warnings answers it (README "Warnings that reach a person"). */
export interface Warning {
  readonly id: string;
  readonly problem: string;
  readonly state: 'open' | 'closed';
  readonly version: number;
  /** Whether the current version has been acknowledged (by anyone). */
  readonly acknowledged: boolean;
  readonly openedAt: string;
  readonly updatedAt: string;
  readonly closedAt?: string;
  readonly level: string;
  readonly pDangerous: number;
  readonly words: string;
  readonly leading: string;
  readonly judgment: WarningJudgment;
  /** Every version's notifications, in order. */
  readonly notified: readonly WarningNotification[];
  /** The escalation's next step (index into the policy's steps), due unless someone acknowledges first. */
  readonly nextStep?: { readonly due: string; readonly step: number; readonly version: number };
  readonly deliveries: readonly WarningDelivery[];
  readonly acknowledgments: readonly WarningAcknowledgment[];
  readonly versions: readonly { readonly version: number; readonly at: string; readonly reason: string; readonly level: string; readonly pDangerous: number }[];
}

/** An analyst's dissent (GET /api/v1/problems/{id}/dissents), with its state as of the instant asked. */
export interface Dissent {
  readonly dissent: string;
  readonly problem: string;
  /** The author's user (or token) id: only they may withdraw it. */
  readonly author: string;
  /** The author's user (or token) name, when the server knows it. */
  readonly authorName?: string;
  readonly posterior: Readonly<Record<string, number>>;
  readonly pDangerous: number;
  readonly words: string;
  /** The level the dissent's P(dangerous) reaches under the problem's thresholds. */
  readonly level: string;
  readonly levelIndex: number;
  readonly rationale: string;
  /** The official assessment when it was filed. */
  readonly official: { readonly level: string; readonly pDangerous: number; readonly at: string };
  readonly state: 'open' | 'withdrawn';
  readonly filedAt: string;
  readonly withdrawnAt?: string;
  readonly withdrawal?: { readonly reason?: string };
}

/** The Server-Sent Events of GET /api/v1/stream. */
export type LiveEvent =
  | { readonly type: 'report'; readonly data: { problem: string; seq: number; report: Omit<StoredReport, 'seq'>; classification?: string; compartments?: string[] } }
  | { readonly type: 'correction'; readonly data: { problem: string; seq: number; type: string; report: string } }
  | { readonly type: 'withheld'; readonly data: { problem: string; count: number } }
  | {
      readonly type: 'assessment';
      readonly data: { problem: string; version?: number; level: string; pDangerous: number; leading: string; posterior: Record<string, number>; counted: number; updatedAt: string };
    }
  | { readonly type: 'problem'; readonly data: { problem: string; version: number; seq: number } }
  | {
      readonly type: 'warning';
      /** `type` is the event's (`warning.opened`, `warning.acknowledged`, `escalation.waiting`, ...). */
      readonly data: { type: string; problem: string; warning: string; version: number; seq: number; level?: string; pDangerous?: number; person?: string };
    };
