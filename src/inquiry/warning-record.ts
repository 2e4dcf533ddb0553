/**
 * The record of a problem's warnings and dissents, rebuilt from its events: every warning
 * version with the judgment it carried, who was told through which channel and why, every
 * delivery attempt, every acknowledgment (and how long it took), escalation errors; every
 * dissent, where it was routed and what became of it. Pure over the events.
 */
import {
  DELIVERY_ATTEMPTED,
  DISSENT_FILED,
  DISSENT_ROUTED,
  DISSENT_WITHDRAWN,
  ESCALATION_EXHAUSTED,
  ESCALATION_UNREACHABLE,
  WARNING_ACKNOWLEDGED,
  WARNING_CLOSED,
  WARNING_NOTIFIED,
  WARNING_OPENED,
  WARNING_UPDATED,
  type DeliveryAttemptedData,
  type DissentFiledData,
  type DissentRoutedData,
  type WarningAcknowledgedData,
  type WarningNotifiedData,
  type WarningVersionData,
} from '../app/warning-events.js';
import { parseInstant } from '../core/instant.js';
import type { StoredEvent } from '../log/event.js';
import type { Judgment } from '../warn/warning-decision.js';

export interface Cited {
  readonly seq: number;
  readonly hash: string;
  /** When the event was appended (ms). */
  readonly at: number;
}

export interface DeliveryRow extends Cited {
  readonly channel: string;
  readonly attempt: number;
  readonly outcome: 'delivered' | 'failed' | 'gave-up';
  readonly status?: number;
  readonly detail?: string;
}

export interface NotificationRow extends Cited {
  readonly warning: string;
  readonly version: number;
  readonly person: string;
  readonly step: number;
  readonly reason: string;
  readonly role?: string;
  readonly standingInFor?: readonly string[];
  readonly channels: readonly string[];
  readonly allClear: boolean;
  readonly deliveries: DeliveryRow[];
  /** The first delivered attempt (ms), if any. */
  deliveredAt?: number;
  /** When this person acknowledged this version (ms), if they did. */
  acknowledgedAt?: number;
}

export interface AckRow extends Cited {
  readonly warning: string;
  readonly version: number;
  readonly person?: string;
  readonly user: string;
  readonly via: string;
  readonly note?: string;
  /** ms from the version's issue to this acknowledgment. */
  readonly afterVersionMs: number;
  /** ms from this person's notification of this version, when they were notified. */
  readonly afterNotifiedMs?: number;
}

/**
 * An escalation error: a step that reached nobody, or a delivery abandoned for good (refused, or
 * out of tries). A retry dropped because a newer version went out is not an error.
 */
export interface EscalationError extends Cited {
  readonly kind: 'unreachable' | 'gave-up';
  readonly warning?: string;
  readonly version?: number;
  readonly dissent?: string;
  readonly step?: number;
  /** The target nobody answered for (`role:...`, `person:...`, `control`). */
  readonly target?: string;
  readonly person?: string;
  readonly channel?: string;
  readonly detail?: string;
}

export interface VersionRow extends Cited {
  readonly version: number;
  /** `opened`, `level-up`, `level-down`, `material-change`, `all-clear`, `dissent`, `dissent-withdrawn`, `official-caught-up`. */
  readonly reason: string;
  readonly judgment: Judgment;
  readonly closing: boolean;
  readonly notifications: NotificationRow[];
  readonly acknowledgments: AckRow[];
  readonly errors: EscalationError[];
  /** When every escalation step had run without an acknowledgment (the policy ran out). */
  exhausted?: Cited;
}

export interface WarningRecord {
  readonly id: string;
  /** The dissent this warning speaks for, when it is a dissent's own warning. */
  readonly dissent?: string;
  readonly openedAt: number;
  closedAt?: number;
  closeReason?: string;
  readonly versions: VersionRow[];
}

export interface DissentRecord extends Cited {
  readonly dissent: string;
  readonly author: string;
  readonly posterior: Readonly<Record<string, number>>;
  readonly pDangerous: number;
  readonly level: string;
  readonly rationale: string;
  readonly official: { readonly level: string; readonly pDangerous: number; readonly at: string };
  routedTo?: Cited & { readonly person: string; readonly role: string; readonly reason: string; readonly standingInFor?: readonly string[] };
  unroutable?: Cited;
  withdrawn?: Cited & { readonly reason?: string; readonly by: string };
  /** The dissent's own warning, if it raised one. */
  warning?: string;
}

export interface WarningHistory {
  readonly warnings: WarningRecord[];
  readonly dissents: DissentRecord[];
  /** Every notification, in seq order. */
  readonly notifications: NotificationRow[];
  readonly acknowledgments: AckRow[];
  readonly errors: EscalationError[];
}

function cite(event: StoredEvent): Cited {
  return { seq: event.seq, hash: event.hash, at: parseInstant(event.at) ?? 0 };
}

/**
 * Rebuilds the warnings and dissents of a problem from its events (any order; sorted by seq).
 * An acknowledgment counts only when its version was the warning's current one at that point
 * in the log (as in the warning projection); a stale one is left out.
 */
export function warningHistory(events: readonly StoredEvent[]): WarningHistory {
  const warnings = new Map<string, WarningRecord>();
  const versions = new Map<string, VersionRow>();
  const notified = new Map<string, NotificationRow>();
  const dissents = new Map<string, DissentRecord>();
  const notifications: NotificationRow[] = [];
  const acknowledgments: AckRow[] = [];
  const errors: EscalationError[] = [];
  const key = (warning: string, version: number, person?: string) => `${warning}\u0000${version}\u0000${person ?? ''}`;

  for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
    const c = cite(event);
    switch (event.type) {
      case WARNING_OPENED:
      case WARNING_UPDATED:
      case WARNING_CLOSED: {
        const data = event.data as unknown as WarningVersionData;
        let record = warnings.get(data.warning);
        if (record === undefined) {
          record = { id: data.warning, openedAt: c.at, versions: [], ...(data.dissent !== undefined ? { dissent: data.dissent } : {}) };
          warnings.set(data.warning, record);
          if (data.dissent !== undefined) {
            const d = dissents.get(data.dissent);
            if (d !== undefined) d.warning = data.warning;
          }
        }
        const row: VersionRow = { ...c, version: data.version, reason: data.reason, judgment: data.judgment as unknown as Judgment, closing: event.type === WARNING_CLOSED, notifications: [], acknowledgments: [], errors: [] };
        record.versions.push(row);
        versions.set(key(data.warning, data.version), row);
        if (event.type === WARNING_CLOSED) {
          record.closedAt = c.at;
          record.closeReason = data.reason;
        }
        break;
      }
      case WARNING_NOTIFIED: {
        const data = event.data as unknown as WarningNotifiedData;
        const row: NotificationRow = {
          ...c,
          warning: data.warning,
          version: data.version,
          person: data.person,
          step: data.step,
          reason: data.reason,
          ...(data.role !== undefined ? { role: data.role } : {}),
          ...(data.standingInFor !== undefined ? { standingInFor: data.standingInFor } : {}),
          channels: data.channels,
          allClear: data.allClear === true,
          deliveries: [],
        };
        notifications.push(row);
        versions.get(key(data.warning, data.version))?.notifications.push(row);
        notified.set(key(data.warning, data.version, data.person), row);
        break;
      }
      case DELIVERY_ATTEMPTED: {
        const data = event.data as unknown as DeliveryAttemptedData;
        const row: DeliveryRow = {
          ...c,
          channel: data.channel,
          attempt: data.attempt,
          outcome: data.outcome,
          ...(data.status !== undefined ? { status: data.status } : {}),
          ...(data.detail !== undefined ? { detail: data.detail } : {}),
        };
        const notification = notified.get(key(data.warning, data.version, data.person));
        if (notification !== undefined) {
          notification.deliveries.push(row);
          if (data.outcome === 'delivered' && notification.deliveredAt === undefined) notification.deliveredAt = c.at;
        }
        if (data.outcome === 'gave-up' && !(data.detail ?? '').startsWith('superseded by')) {
          const error: EscalationError = { ...c, kind: 'gave-up', warning: data.warning, version: data.version, person: data.person, channel: data.channel, ...(data.detail !== undefined ? { detail: data.detail } : {}) };
          errors.push(error);
          versions.get(key(data.warning, data.version))?.errors.push(error);
        }
        break;
      }
      case WARNING_ACKNOWLEDGED: {
        const data = event.data as unknown as WarningAcknowledgedData;
        // Refused as stale (the warning had a newer version when it was written): the
        // projection keeps no such acknowledgment, and neither does the record.
        if (warnings.get(data.warning)?.versions.at(-1)?.version !== data.version) break;
        const version = versions.get(key(data.warning, data.version));
        const notification = data.person === undefined ? undefined : notified.get(key(data.warning, data.version, data.person));
        const row: AckRow = {
          ...c,
          warning: data.warning,
          version: data.version,
          ...(data.person !== undefined ? { person: data.person } : {}),
          user: data.user,
          via: data.via,
          ...(data.note !== undefined ? { note: data.note } : {}),
          afterVersionMs: c.at - (version?.at ?? c.at),
          ...(notification !== undefined ? { afterNotifiedMs: c.at - notification.at } : {}),
        };
        acknowledgments.push(row);
        version?.acknowledgments.push(row);
        if (notification !== undefined && notification.acknowledgedAt === undefined) notification.acknowledgedAt = c.at;
        break;
      }
      case ESCALATION_EXHAUSTED: {
        const data = event.data as { warning: string; version: number };
        const version = versions.get(key(data.warning, data.version));
        if (version !== undefined) version.exhausted = c;
        break;
      }
      case ESCALATION_UNREACHABLE: {
        const data = event.data as { warning?: string; version?: number; step?: number; target?: string; dissent?: string };
        const error: EscalationError = {
          ...c,
          kind: 'unreachable',
          ...(data.warning !== undefined ? { warning: data.warning } : {}),
          ...(data.version !== undefined ? { version: data.version } : {}),
          ...(data.dissent !== undefined ? { dissent: data.dissent } : {}),
          ...(data.step !== undefined ? { step: data.step } : {}),
          ...(data.target !== undefined ? { target: data.target } : {}),
        };
        errors.push(error);
        if (data.warning !== undefined && data.version !== undefined) versions.get(key(data.warning, data.version))?.errors.push(error);
        if (data.dissent !== undefined && data.warning === undefined) {
          const d = dissents.get(data.dissent);
          if (d !== undefined) d.unroutable = c;
        }
        break;
      }
      case DISSENT_FILED: {
        const data = event.data as unknown as DissentFiledData;
        dissents.set(data.dissent, {
          ...c,
          dissent: data.dissent,
          author: data.author,
          posterior: data.posterior,
          pDangerous: data.pDangerous,
          level: data.level,
          rationale: data.rationale,
          official: data.official,
        });
        break;
      }
      case DISSENT_ROUTED: {
        const data = event.data as unknown as DissentRoutedData;
        const d = dissents.get(data.dissent);
        if (d !== undefined) d.routedTo = { ...c, person: data.person, role: data.role, reason: data.reason, ...(data.standingInFor !== undefined ? { standingInFor: data.standingInFor } : {}) };
        break;
      }
      case DISSENT_WITHDRAWN: {
        const data = event.data as { dissent: string; reason?: string };
        const d = dissents.get(data.dissent);
        if (d !== undefined) d.withdrawn = { ...c, by: event.actor, ...(data.reason !== undefined ? { reason: data.reason } : {}) };
        break;
      }
      default:
        break;
    }
  }
  return { warnings: [...warnings.values()], dissents: [...dissents.values()], notifications, acknowledgments, errors };
}

/** What became of a dissent, in words. */
export function dissentFate(d: DissentRecord, warnings: readonly WarningRecord[], until: number): string {
  const warning = d.warning === undefined ? undefined : warnings.find((w) => w.id === d.warning);
  if (d.withdrawn !== undefined && d.withdrawn.at <= until) return `withdrawn by its author at ${new Date(d.withdrawn.at).toISOString()}${d.withdrawn.reason !== undefined ? ` ("${d.withdrawn.reason}")` : ''}`;
  if (warning?.closeReason === 'official-caught-up' && warning.closedAt !== undefined && warning.closedAt <= until) {
    return `the official assessment caught up at ${new Date(warning.closedAt).toISOString()}: its own warning was closed`;
  }
  if (warning !== undefined) return 'open, with its own warning to the control role';
  return 'open (it never reached a level above the official one, so it raised no warning of its own)';
}
