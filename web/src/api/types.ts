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

/** The Server-Sent Events of GET /api/v1/stream. */
export type LiveEvent =
  | { readonly type: 'report'; readonly data: { problem: string; seq: number; report: Omit<StoredReport, 'seq'>; classification?: string; compartments?: string[] } }
  | { readonly type: 'correction'; readonly data: { problem: string; seq: number; type: string; report: string } }
  | { readonly type: 'withheld'; readonly data: { problem: string; count: number } }
  | {
      readonly type: 'assessment';
      readonly data: { problem: string; version?: number; level: string; pDangerous: number; leading: string; posterior: Record<string, number>; counted: number; updatedAt: string };
    }
  | { readonly type: 'problem'; readonly data: { problem: string; version: number; seq: number } };
