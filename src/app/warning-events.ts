/**
 * The events of warnings and the organisation they reach. A warning lives in its problem's
 * stream; the organisation in `system`. Names and contact details never enter the log: people
 * are ids here.
 */

export const ORGANISATION_DEFINED = 'organisation.defined';
export const WARNING_OPENED = 'warning.opened';
export const WARNING_UPDATED = 'warning.updated';
export const WARNING_CLOSED = 'warning.closed';
export const WARNING_NOTIFIED = 'warning.notified';
export const WARNING_ACKNOWLEDGED = 'warning.acknowledged';
export const ESCALATION_WAITING = 'escalation.waiting';
export const ESCALATION_UNREACHABLE = 'escalation.unreachable';
export const ESCALATION_EXHAUSTED = 'escalation.exhausted';
export const DELIVERY_ATTEMPTED = 'delivery.attempted';
/**
 * `{warning, version, person, channel?, attempt?}`: a delivery taken up again, claimed by one
 * process: a notification written but never sent (the outbox), or a retry that fell due.
 */
export const DELIVERY_RESUMED = 'delivery.resumed';
export const ORGANISATION_GAPS_FORESEEN = 'organisation.gaps-foreseen';
export const DISSENT_FILED = 'dissent.filed';
export const DISSENT_ROUTED = 'dissent.routed';
export const DISSENT_WITHDRAWN = 'dissent.withdrawn';
export const BRIEFING_SENT = 'briefing.sent';
/** `{person, day}`: a server took up the sending of a person's briefing of a day. */
export const BRIEFING_CLAIMED = 'briefing.claimed';

/** Every event type of this module. */
export const WARNING_EVENT_TYPES: ReadonlySet<string> = new Set([
  ORGANISATION_DEFINED,
  WARNING_OPENED,
  WARNING_UPDATED,
  WARNING_CLOSED,
  WARNING_NOTIFIED,
  WARNING_ACKNOWLEDGED,
  ESCALATION_WAITING,
  ESCALATION_UNREACHABLE,
  ESCALATION_EXHAUSTED,
  DELIVERY_ATTEMPTED,
  DISSENT_FILED,
  DISSENT_ROUTED,
  DISSENT_WITHDRAWN,
  BRIEFING_SENT,
]);

/** `dissent.filed`: an analyst's alternative assessment of a problem. */
export interface DissentFiledData {
  dissent: string;
  /** The author (user id); only they may withdraw it. */
  author: string;
  posterior: Record<string, number>;
  pDangerous: number;
  /** The level the dissent's pDangerous reaches under the problem's thresholds. */
  level: string;
  levelIndex: number;
  rationale: string;
  /** The official assessment when it was filed. */
  official: { level: string; pDangerous: number; at: string };
}

/** `dissent.routed`: the control role's person told of a dissent (outside the analyst's chain). */
export interface DissentRoutedData {
  dissent: string;
  person: string;
  role: string;
  reason: string;
  standingInFor?: string[];
}

/** `warning.opened` / `warning.updated` / `warning.closed`: a version of a warning. */
export interface WarningVersionData {
  warning: string;
  version: number;
  /** Why this version: `opened`, `level-up`, `level-down`, `material-change`, `all-clear`. */
  reason: string;
  /** The judgment it carries (see warn/warning-decision.ts Judgment). */
  judgment: Record<string, unknown>;
  /** Frozen when the warning opens: the escalation steps per level, the control role, the material change. */
  policy?: Record<string, unknown>;
  /** Set on a dissent's own warning: the dissent it speaks for. */
  dissent?: string;
}

/** `warning.notified`: one person told of one version, and why them. */
export interface WarningNotifiedData {
  warning: string;
  version: number;
  step: number;
  person: string;
  reason: 'holder' | 'deputy' | 'delegate' | 'named';
  role?: string;
  /** People before this one who were absent or unreachable (for a deputy or a delegate). */
  standingInFor?: string[];
  channels: string[];
  /** True for the all-clear of a closed warning. */
  allClear?: boolean;
}

/** `warning.acknowledged`: a person read this version, and the judgment it carried. */
export interface WarningAcknowledgedData {
  warning: string;
  version: number;
  /** The person (organisation id), when the acknowledger is one. */
  person?: string;
  /** The Vigil user who acknowledged. */
  user: string;
  note?: string;
  via: 'in-app' | 'email' | 'api';
  judgment: { level: string; pDangerous: number; at: string };
}

/** `escalation.waiting`: the next step of a version's escalation is due at `due`. */
export interface EscalationWaitingData {
  warning: string;
  version: number;
  step: number;
  due: string;
  cursor: { step: number; loops: Record<number, number> };
}

/** `delivery.attempted`: one try of one channel for one notification. */
export interface DeliveryAttemptedData {
  warning: string;
  version: number;
  person: string;
  channel: string;
  attempt: number;
  outcome: 'delivered' | 'failed' | 'gave-up';
  status?: number;
  detail?: string;
  /** When the next try is due (failed, not yet given up). */
  retryAt?: string;
}

/** `briefing.sent`: a person's daily briefing went out for their local `day`: one a day, restarts included. */
export interface BriefingSentData {
  person: string;
  /** The local date of the briefing (`YYYY-MM-DD` in `timeZone`). */
  day: string;
  timeZone: string;
  /** The problems it covered. */
  problems: string[];
  /** The log checkpoint it quoted as an outside witness, if the log had one. */
  checkpoint?: { upTo: number; head: string };
}
