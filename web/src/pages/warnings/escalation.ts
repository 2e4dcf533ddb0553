/**
 * The escalation state of a warning's version as the inbox shows it: who was told and why them
 * (holder, deputy or delegate standing in for someone, named), when, through which channels,
 * what became of each delivery, who acknowledged and who has not answered. Pure: computed from
 * a warning as GET /api/v1/warnings answers it.
 */
import type { Warning, WarningAcknowledgment, WarningDelivery, WarningNotification } from '../../api/types.js';

/** One person told of a version. */
export interface Recipient {
  readonly person: string;
  /** Every time they were told of this version (a `repeat` step tells them again), in order. */
  readonly told: readonly WarningNotification[];
  /** The latest attempt of each channel for this version, in the order the channels were first tried. */
  readonly deliveries: readonly WarningDelivery[];
  /** Their first acknowledgment of this version, if any. */
  readonly acknowledgment: WarningAcknowledgment | undefined;
}

export interface EscalationState {
  readonly version: number;
  /** Everyone told of this version, in the order they were first told. */
  readonly recipients: readonly Recipient[];
  /** Every acknowledgment of this version, recipients' or not (a duty officer may acknowledge any warning). */
  readonly acknowledgments: readonly WarningAcknowledgment[];
  /** The people told of this version who have not acknowledged it. */
  readonly silent: readonly string[];
}

/** Who was told of `version` (default the current one), what became of it, and who has answered. */
export function escalationOf(warning: Warning, version: number = warning.version): EscalationState {
  const byPerson = new Map<string, WarningNotification[]>();
  for (const n of warning.notified) {
    if (n.version !== version) continue;
    byPerson.set(n.person, [...(byPerson.get(n.person) ?? []), n]);
  }
  const acknowledgments = warning.acknowledgments.filter((a) => a.version === version);
  const recipients = [...byPerson].map(([person, told]): Recipient => {
    const latest = new Map<string, WarningDelivery>();
    for (const d of warning.deliveries) if (d.version === version && d.person === person) latest.set(d.channel, d);
    return { person, told, deliveries: [...latest.values()], acknowledgment: acknowledgments.find((a) => a.person === person) };
  });
  return { version, recipients, acknowledgments, silent: recipients.filter((r) => r.acknowledgment === undefined).map((r) => r.person) };
}

/** Why a person was told, in words: "holder of duty-officer", "deputy for director, standing in for dir-1". */
export function whyTold(n: WarningNotification): string {
  if (n.allClear === true) return 'told of the all-clear';
  const insteadOf = n.standingInFor !== undefined && n.standingInFor.length > 0 ? `, standing in for ${n.standingInFor.join(', ')}` : '';
  const role = n.role ?? 'the role';
  switch (n.reason) {
    case 'holder':
      return `holder of ${role}`;
    case 'deputy':
      return `deputy for ${role}${insteadOf}`;
    case 'delegate':
      return `delegate for ${role}${insteadOf}`;
    case 'named':
      return n.role !== undefined ? `named (${n.role})` : 'named in the policy';
    default: {
      const never: never = n.reason;
      return String(never);
    }
  }
}

/** What became of a delivery, in words: "delivered", "failed (HTTP 500), retrying at ...". */
export function deliveryOutcome(d: WarningDelivery, format: (iso: string) => string): string {
  const status = d.status !== undefined ? ` (status ${d.status})` : '';
  const tries = d.attempt > 1 ? ` after ${d.attempt} tries` : '';
  switch (d.outcome) {
    case 'delivered':
      return `delivered${tries}`;
    case 'failed':
      return `failed${status}${d.retryAt !== undefined ? `, trying again at ${format(d.retryAt)}` : ''}`;
    case 'gave-up':
      return `gave up${status}${tries}${d.detail !== undefined ? `: ${d.detail}` : ''}`;
    default: {
      const never: never = d.outcome;
      return String(never);
    }
  }
}

const VERSION_REASONS: Readonly<Record<string, string>> = {
  opened: 'opened: the level rose above the first',
  'level-up': 'the level rose',
  'level-down': 'the level fell',
  'material-change': 'P(dangerous) moved by more than the policy’s material change',
  'all-clear': 'all clear: back to the first level',
  dissent: 'opened by a dissent that reaches a level the official assessment has not',
  'dissent-withdrawn': 'closed: the dissent was withdrawn',
  'official-caught-up': 'closed: the official assessment caught up with the dissent',
};

/** Why a version was made, in words (the API's reason code when it is one the UI does not know). */
export function versionReason(reason: string): string {
  return VERSION_REASONS[reason] ?? reason;
}

/** True for the warning a dissent raised (escalated to the control role), not the official one. */
export function isDissentWarning(warning: Warning): boolean {
  return warning.versions[0]?.reason === 'dissent';
}
