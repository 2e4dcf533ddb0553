/**
 * The projection of warnings: the organisation in force, each warning and its versions, who was
 * told, acknowledgments, delivery attempts, and the timers (the next escalation step or delivery
 * retry, each a row with a due time, so a restart resumes on schedule). Applied by the projector
 * in the same transaction as its cursor; rebuilt from the log like every projection.
 */
import { parseInstant } from '../core/instant.js';
import type { StoredEvent } from '../log/event.js';
import type { SqlDatabase } from './sql.js';
import {
  BRIEFING_SENT,
  DELIVERY_ATTEMPTED,
  ESCALATION_EXHAUSTED,
  ESCALATION_WAITING,
  ORGANISATION_DEFINED,
  WARNING_ACKNOWLEDGED,
  WARNING_CLOSED,
  WARNING_NOTIFIED,
  WARNING_OPENED,
  WARNING_UPDATED,
  DISSENT_FILED,
  DISSENT_WITHDRAWN,
  type BriefingSentData,
  type DeliveryAttemptedData,
  type DissentFiledData,
  type EscalationWaitingData,
  type WarningAcknowledgedData,
  type WarningNotifiedData,
  type WarningVersionData,
} from './warning-events.js';

export const WARNING_TABLES = ['warn_dissents', 'warn_organisation', 'warn_warnings', 'warn_versions', 'warn_notifications', 'warn_acks', 'warn_deliveries', 'warn_timers', 'warn_briefings'];

export const WARNING_CREATE = [
  'CREATE TABLE warn_organisation (seq BIGINT PRIMARY KEY, at_ms BIGINT NOT NULL, actor TEXT NOT NULL, body TEXT NOT NULL)',
  `CREATE TABLE warn_warnings (id TEXT PRIMARY KEY, problem TEXT NOT NULL, state TEXT NOT NULL, version INTEGER NOT NULL,
     opened_ms BIGINT NOT NULL, updated_ms BIGINT NOT NULL, closed_ms BIGINT, judgment TEXT NOT NULL, policy TEXT NOT NULL, dissent TEXT)`,
  'CREATE INDEX warn_warnings_by_problem ON warn_warnings (problem, state)',
  `CREATE TABLE warn_versions (warning TEXT NOT NULL, version INTEGER NOT NULL, seq BIGINT NOT NULL, at_ms BIGINT NOT NULL,
     reason TEXT NOT NULL, judgment TEXT NOT NULL, PRIMARY KEY (warning, version))`,
  `CREATE TABLE warn_notifications (seq BIGINT PRIMARY KEY, warning TEXT NOT NULL, version INTEGER NOT NULL, person TEXT NOT NULL,
     at_ms BIGINT NOT NULL, body TEXT NOT NULL)`,
  'CREATE INDEX warn_notifications_by_warning ON warn_notifications (warning, version)',
  `CREATE TABLE warn_acks (seq BIGINT PRIMARY KEY, warning TEXT NOT NULL, version INTEGER NOT NULL, user_id TEXT NOT NULL,
     person TEXT, at_ms BIGINT NOT NULL, body TEXT NOT NULL)`,
  'CREATE INDEX warn_acks_by_warning ON warn_acks (warning, version)',
  `CREATE TABLE warn_deliveries (seq BIGINT PRIMARY KEY, warning TEXT NOT NULL, version INTEGER NOT NULL, person TEXT NOT NULL,
     channel TEXT NOT NULL, attempt INTEGER NOT NULL, outcome TEXT NOT NULL, at_ms BIGINT NOT NULL, body TEXT NOT NULL)`,
  // Pending timers: one escalation timer per warning; one retry per failed delivery.
  'CREATE TABLE warn_timers (id TEXT PRIMARY KEY, warning TEXT NOT NULL, kind TEXT NOT NULL, due_ms BIGINT NOT NULL, body TEXT NOT NULL)',
  'CREATE INDEX warn_timers_by_due ON warn_timers (due_ms)',
  `CREATE TABLE warn_dissents (id TEXT PRIMARY KEY, problem TEXT NOT NULL, author TEXT NOT NULL, state TEXT NOT NULL,
     filed_ms BIGINT NOT NULL, withdrawn_ms BIGINT, body TEXT NOT NULL, withdrawal TEXT)`,
  'CREATE INDEX warn_dissents_by_problem ON warn_dissents (problem, filed_ms)',
  // The daily briefings sent: one row per person and local day.
  'CREATE TABLE warn_briefings (person TEXT NOT NULL, day TEXT NOT NULL, seq BIGINT NOT NULL, at_ms BIGINT NOT NULL, PRIMARY KEY (person, day))',
];

function ms(iso: string): number {
  return parseInstant(iso) ?? 0;
}

/** The id of a delivery's retry timer. */
export function deliveryTimerId(d: { warning: string; version: number; person: string; channel: string }): string {
  return `delivery:${d.warning}:${d.version}:${d.person}:${d.channel}`;
}

/** The version a warning is at in the projection (its latest opened, updated or closed event), if known. */
async function currentVersion(tx: SqlDatabase, warning: string): Promise<number | undefined> {
  const rows = await tx.all<{ version: number }>('SELECT version FROM warn_warnings WHERE id = ?', [warning]);
  return rows[0] === undefined ? undefined : Number(rows[0].version);
}

/**
 * Applies the warning events of a batch. Several servers write to one log, each deciding on
 * what it read a moment before: an event about a version that is no longer the current one at
 * its place in the log (an acknowledgment, an escalation step or its end, written after another
 * server made a newer version) leaves the newer version's escalation alone. Applied in log
 * order, this is the same on every server and on every rebuild.
 */
export async function applyWarningEvents(tx: SqlDatabase, events: readonly StoredEvent[]): Promise<void> {
  for (const event of events) {
    const at = ms(event.at);
    switch (event.type) {
      case ORGANISATION_DEFINED:
        await tx.run('INSERT INTO warn_organisation (seq, at_ms, actor, body) VALUES (?, ?, ?, ?)', [event.seq, at, event.actor, JSON.stringify(event.data.organisation)]);
        break;
      case WARNING_OPENED: {
        const d = event.data as unknown as WarningVersionData;
        await tx.run(
          'INSERT INTO warn_warnings (id, problem, state, version, opened_ms, updated_ms, closed_ms, judgment, policy, dissent) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)',
          [d.warning, event.stream, 'open', d.version, at, at, JSON.stringify(d.judgment), JSON.stringify(d.policy ?? {}), d.dissent ?? null],
        );
        await tx.run('INSERT INTO warn_versions (warning, version, seq, at_ms, reason, judgment) VALUES (?, ?, ?, ?, ?, ?)', [d.warning, d.version, event.seq, at, d.reason, JSON.stringify(d.judgment)]);
        break;
      }
      case WARNING_UPDATED:
      case WARNING_CLOSED: {
        const d = event.data as unknown as WarningVersionData;
        const closed = event.type === WARNING_CLOSED;
        await tx.run('UPDATE warn_warnings SET state = ?, version = ?, updated_ms = ?, closed_ms = ?, judgment = ? WHERE id = ?', [
          closed ? 'closed' : 'open',
          d.version,
          at,
          closed ? at : null,
          JSON.stringify(d.judgment),
          d.warning,
        ]);
        await tx.run('INSERT INTO warn_versions (warning, version, seq, at_ms, reason, judgment) VALUES (?, ?, ?, ?, ?, ?)', [d.warning, d.version, event.seq, at, d.reason, JSON.stringify(d.judgment)]);
        // A new version restarts its escalation; a closed warning has none.
        await tx.run("DELETE FROM warn_timers WHERE warning = ? AND kind = 'escalation'", [d.warning]);
        break;
      }
      case WARNING_NOTIFIED: {
        const d = event.data as unknown as WarningNotifiedData;
        await tx.run('INSERT INTO warn_notifications (seq, warning, version, person, at_ms, body) VALUES (?, ?, ?, ?, ?, ?)', [event.seq, d.warning, d.version, d.person, at, JSON.stringify(d)]);
        break;
      }
      case WARNING_ACKNOWLEDGED: {
        const d = event.data as unknown as WarningAcknowledgedData;
        // Stale (another server made a newer version first): not an acknowledgment of the
        // warning as it is; the engine that wrote it answers WARNING_STALE (it finds no row).
        if ((await currentVersion(tx, d.warning)) !== d.version) break;
        await tx.run('INSERT INTO warn_acks (seq, warning, version, user_id, person, at_ms, body) VALUES (?, ?, ?, ?, ?, ?, ?)', [
          event.seq,
          d.warning,
          d.version,
          d.user,
          d.person ?? null,
          at,
          JSON.stringify(d),
        ]);
        // Acknowledged: the escalation of this version (the current one) stops.
        await tx.run("DELETE FROM warn_timers WHERE warning = ? AND kind = 'escalation'", [d.warning]);
        break;
      }
      case ESCALATION_WAITING: {
        const d = event.data as unknown as EscalationWaitingData;
        // A step of an older version, or of one acknowledged since the step was decided
        // (another server's acknowledgment came first in the log): no timer, so the escalation
        // of the current version goes on, and an acknowledged one stays stopped.
        if ((await currentVersion(tx, d.warning)) !== d.version) break;
        const acknowledged = await tx.all('SELECT 1 AS x FROM warn_acks WHERE warning = ? AND version = ? LIMIT 1', [d.warning, d.version]);
        if (acknowledged.length > 0) break;
        await tx.run("DELETE FROM warn_timers WHERE warning = ? AND kind = 'escalation'", [d.warning]);
        await tx.run('INSERT INTO warn_timers (id, warning, kind, due_ms, body) VALUES (?, ?, ?, ?, ?)', [`escalation:${d.warning}`, d.warning, 'escalation', ms(d.due), JSON.stringify(d)]);
        break;
      }
      case ESCALATION_EXHAUSTED:
        // Only the end of the current version's escalation ends its timer.
        if ((await currentVersion(tx, String(event.data.warning))) !== Number(event.data.version)) break;
        await tx.run("DELETE FROM warn_timers WHERE warning = ? AND kind = 'escalation'", [String(event.data.warning)]);
        break;
      case DELIVERY_ATTEMPTED: {
        const d = event.data as unknown as DeliveryAttemptedData;
        await tx.run('INSERT INTO warn_deliveries (seq, warning, version, person, channel, attempt, outcome, at_ms, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
          event.seq,
          d.warning,
          d.version,
          d.person,
          d.channel,
          d.attempt,
          d.outcome,
          at,
          JSON.stringify(d),
        ]);
        const id = deliveryTimerId(d);
        await tx.run('DELETE FROM warn_timers WHERE id = ?', [id]);
        if (d.outcome === 'failed' && d.retryAt !== undefined) {
          await tx.run('INSERT INTO warn_timers (id, warning, kind, due_ms, body) VALUES (?, ?, ?, ?, ?)', [id, d.warning, 'delivery', ms(d.retryAt), JSON.stringify(d)]);
        }
        break;
      }
      case DISSENT_FILED: {
        const d = event.data as unknown as DissentFiledData;
        await tx.run('INSERT INTO warn_dissents (id, problem, author, state, filed_ms, withdrawn_ms, body, withdrawal) VALUES (?, ?, ?, ?, ?, NULL, ?, NULL)', [
          d.dissent,
          event.stream,
          d.author,
          'open',
          at,
          JSON.stringify(d),
        ]);
        break;
      }
      case DISSENT_WITHDRAWN:
        await tx.run("UPDATE warn_dissents SET state = 'withdrawn', withdrawn_ms = ?, withdrawal = ? WHERE id = ?", [at, JSON.stringify(event.data), String(event.data.dissent)]);
        break;
      case BRIEFING_SENT: {
        const d = event.data as unknown as BriefingSentData;
        // A second event for one person and day (two servers racing) changes nothing.
        const known = await tx.all('SELECT 1 AS x FROM warn_briefings WHERE person = ? AND day = ?', [d.person, d.day]);
        if (known.length === 0) await tx.run('INSERT INTO warn_briefings (person, day, seq, at_ms) VALUES (?, ?, ?, ?)', [d.person, d.day, event.seq, at]);
        break;
      }
      default:
        break;
    }
  }
}
