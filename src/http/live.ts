/**
 * The live feed behind `GET /api/v1/stream`: after each append is projected, every connected
 * reader is sent, as Server-Sent Events, the changes it may see. Reports the reader may not see
 * are never sent; a `withheld` event says how many there were. Assessments (the same for every
 * reader) are sent for every problem that changed.
 *
 * A stream lives only as long as the credential it was opened with: it is closed as soon as an
 * account event in the log ends that credential (its token revoked, its session ended, its user
 * disabled or their password reset), when the credential, checked again before anything is
 * sent, no longer holds or stands for other rights (a changed clearance: the client reconnects
 * with its new ones), and at the latest RECHECK_EVERY_MS after it lapsed otherwise (a session
 * expired).
 */
import type { ServerResponse } from 'node:http';
import { canSee, isMarked, type Principal } from '../app/access.js';
import { PROBLEM_DEFINED, REPORT_RECEIVED, REPORT_REGRADED, REPORT_RETRACTED, type ReportReceivedData } from '../app/events.js';
import type { Store } from '../app/store.js';
import { formatInstant } from '../core/instant.js';
import { SYSTEM, type StoredEvent } from '../log/event.js';
import type { Metrics } from './metrics.js';

/** A connection is dropped when this much is waiting to be written to it (a stalled reader). */
const MAX_BUFFERED = 1 << 20;
const HEARTBEAT_MS = 15_000;
/** How often every open stream's credential is checked again even when nothing is sent. */
export const RECHECK_EVERY_MS = 5_000;

/** What a stream was opened with, so that the feed can tell when it no longer holds. */
export interface StreamCredential {
  /** Who the stream reads as: what it is sent is decided by these rights. */
  readonly principal: Principal;
  /** The id of the session, when the stream was opened with a session cookie. */
  readonly session?: string;
  /**
   * The principal the credential stands for now; undefined once it no longer holds (revoked,
   * signed out, expired, the user disabled). Not a use of the credential.
   */
  recheck(): Promise<Principal | undefined>;
}

interface Client {
  readonly credential: StreamCredential;
  readonly response: ServerResponse;
}

interface Change {
  readonly problem: string;
  readonly seq: number;
  readonly type: string;
  readonly report: string;
  readonly classification: string;
  readonly compartments: readonly string[];
  /** The message a reader who may see it gets. */
  readonly message: Record<string, unknown>;
}

export type ReadRecorder = (principal: Principal, via: string, reads: readonly { problem: string; report: string }[]) => Promise<void>;

export class LiveFeed {
  readonly #clients = new Set<Client>();
  readonly #levels = new Map<string, string>();
  #heartbeat: NodeJS.Timeout | undefined;
  #recheck: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  /** Settles when the changes of the latest append have been sent. */
  #sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly metrics: Metrics,
    private readonly recordReads: ReadRecorder,
  ) {}

  start(): void {
    this.#unsubscribe = this.store.onProjected((events) => {
      // Before the changes are sent, so none reaches a stream whose credential they ended.
      this.#endLapsed(events);
      this.#sending = this.#sending.then(() => this.#publish(events)).catch(() => undefined);
    });
    this.#heartbeat = setInterval(() => {
      for (const client of this.#clients) this.#write(client, ': keep-alive\n\n');
    }, HEARTBEAT_MS);
    this.#heartbeat.unref();
    let rechecking = false;
    this.#recheck = setInterval(() => {
      if (rechecking) return;
      rechecking = true;
      void Promise.all([...this.#clients].map((client) => this.#stillHolds(client))).finally(() => {
        rechecking = false;
      });
    }, RECHECK_EVERY_MS);
    this.#recheck.unref();
  }

  /** Takes over a response as an event stream for the principal of `credential`. */
  add(credential: StreamCredential, response: ServerResponse): void {
    const client: Client = { credential, response };
    this.#clients.add(client);
    this.metrics.streams.inc();
    response.on('close', () => {
      if (this.#clients.delete(client)) this.metrics.streams.dec();
    });
    this.#write(client, `retry: 3000\nevent: hello\ndata: ${JSON.stringify({ user: credential.principal.name })}\n\n`);
  }

  /** How many readers are connected. */
  get size(): number {
    return this.#clients.size;
  }

  /** Ends every stream (server shutting down). */
  close(): void {
    this.#unsubscribe?.();
    if (this.#heartbeat !== undefined) clearInterval(this.#heartbeat);
    if (this.#recheck !== undefined) clearInterval(this.#recheck);
    // The stream's connection is closed too: left open, it would keep a closing server waiting.
    for (const client of this.#clients) client.response.end(() => client.response.destroy());
    this.#clients.clear();
  }

  /** Ends one stream (its connection too, so the client reconnects, or learns it may not). */
  #end(client: Client): void {
    if (!this.#clients.delete(client)) return;
    this.metrics.streams.dec();
    client.response.end(() => client.response.destroy());
  }

  /** Ends the streams whose credential an account event among `events` ended. */
  #endLapsed(events: readonly StoredEvent[]): void {
    for (const event of events) {
      if (event.stream !== SYSTEM) continue;
      const lapsed = lapsedBy(event);
      if (lapsed === undefined) continue;
      for (const client of this.#clients) if (lapsed(client.credential)) this.#end(client);
    }
  }

  /**
   * True when the client's credential still stands for the rights the stream was opened with;
   * otherwise (or when it cannot be told) the stream is ended.
   */
  async #stillHolds(client: Client): Promise<boolean> {
    let current: Principal | undefined;
    try {
      current = await client.credential.recheck();
    } catch {
      current = undefined;
    }
    if (current !== undefined && sameRights(current, client.credential.principal)) return this.#clients.has(client);
    this.#end(client);
    return false;
  }

  #write(client: Client, text: string): void {
    if (client.response.writableLength > MAX_BUFFERED) {
      client.response.destroy();
      return;
    }
    client.response.write(text);
  }

  async #publish(events: readonly StoredEvent[]): Promise<void> {
    if (this.#clients.size === 0) return;
    const changes = await this.#changes(events);
    const problems = new Set<string>();
    const defined: Record<string, unknown>[] = [];
    for (const event of events) {
      if (event.type === PROBLEM_DEFINED) defined.push({ problem: event.stream, version: event.data.version, seq: event.seq });
      if (event.type === PROBLEM_DEFINED || event.type === REPORT_RECEIVED || event.type === REPORT_RETRACTED || event.type === REPORT_REGRADED) {
        problems.add(event.stream);
      }
    }
    const warnings: Record<string, unknown>[] = [];
    const dissents: Record<string, unknown>[] = [];
    for (const event of events) {
      if (event.type.startsWith('dissent.')) {
        dissents.push({ type: event.type, problem: event.stream, dissent: event.data.dissent, seq: event.seq });
        continue;
      }
      if (!event.type.startsWith('warning.') && !event.type.startsWith('escalation.') && event.type !== 'delivery.attempted') continue;
      const judgment = event.data.judgment as { level?: unknown; pDangerous?: unknown } | undefined;
      warnings.push({
        type: event.type,
        problem: event.stream,
        warning: event.data.warning,
        version: event.data.version,
        seq: event.seq,
        ...(judgment !== undefined ? { level: judgment.level, pDangerous: judgment.pDangerous } : {}),
        ...(event.type === 'warning.notified' || event.type === 'delivery.attempted' ? { person: event.data.person } : {}),
      });
    }
    const assessments = problems.size === 0 ? [] : (await this.store.currentAssessments()).filter((a) => problems.has(a.problem));
    for (const a of assessments) {
      if (this.#levels.get(a.problem) !== a.level) {
        if (this.#levels.has(a.problem)) this.metrics.levelChanges.inc({ problem: a.problem, level: a.level });
        this.#levels.set(a.problem, a.level);
      }
    }

    const outgoing: { client: Client; text: string; reads: { problem: string; report: string }[] }[] = [];
    for (const client of [...this.#clients]) {
      const principal = client.credential.principal;
      let text = '';
      for (const d of defined) text += `event: problem\ndata: ${JSON.stringify(d)}\n\n`;
      for (const w of warnings) text += `event: warning\ndata: ${JSON.stringify(w)}\n\n`;
      for (const d of dissents) text += `event: dissent\ndata: ${JSON.stringify(d)}\n\n`;
      if (principal.roles.includes('admin')) {
        for (const e of events) if (e.type === 'organisation.gaps-foreseen') text += `event: coverage\ndata: ${JSON.stringify({ seq: e.seq, ...e.data })}\n\n`;
      }
      const withheld = new Map<string, number>();
      const reads: { problem: string; report: string }[] = [];
      for (const change of changes) {
        if (!canSee(principal, change)) {
          withheld.set(change.problem, (withheld.get(change.problem) ?? 0) + 1);
          continue;
        }
        if (isMarked(change)) reads.push({ problem: change.problem, report: change.report });
        text += `event: ${change.type}\ndata: ${JSON.stringify(change.message)}\n\n`;
      }
      for (const [problem, count] of withheld) text += `event: withheld\ndata: ${JSON.stringify({ problem, count })}\n\n`;
      for (const a of assessments) {
        const message = { problem: a.problem, version: a.version, level: a.level, pDangerous: a.pDangerous, leading: a.leading, posterior: a.posterior, counted: a.counted, updatedAt: formatInstant(a.instant) };
        text += `event: assessment\ndata: ${JSON.stringify(message)}\n\n`;
      }
      if (text !== '') outgoing.push({ client, text, reads });
    }
    // Nothing is sent on a credential that no longer holds (as authentication reads it: a
    // token's row at most TOKEN_RECHECK_MS old, a session's afresh).
    const holds = await Promise.all(outgoing.map(({ client }) => this.#stillHolds(client)));
    for (const [k, { client, text, reads }] of outgoing.entries()) {
      if (holds[k] !== true) continue;
      // The read is recorded before the reader is sent the report.
      if (reads.length > 0) await this.recordReads(client.credential.principal, '/api/v1/stream', reads);
      if (this.#clients.has(client)) this.#write(client, text);
    }
  }

  /** The report changes among `events`, each with its marking (corrections take their report's). */
  async #changes(events: readonly StoredEvent[]): Promise<Change[]> {
    const changes: Change[] = [];
    for (const event of events) {
      if (event.type === REPORT_RECEIVED) {
        const data = event.data as unknown as ReportReceivedData;
        changes.push({
          problem: event.stream,
          seq: event.seq,
          type: 'report',
          report: data.report.id,
          classification: data.classification,
          compartments: data.compartments,
          message: { problem: event.stream, seq: event.seq, report: data.report, classification: data.classification, compartments: data.compartments, backfilled: data.backfilled },
        });
      } else if (event.type === REPORT_RETRACTED || event.type === REPORT_REGRADED) {
        const report = String(event.data.report);
        const rows = await this.store.db.all<{ classification: string; compartments: string }>(
          'SELECT classification, compartments FROM proj_reports WHERE problem = ? AND id = ?',
          [event.stream, report],
        );
        const row = rows[0];
        if (row === undefined) continue;
        changes.push({
          problem: event.stream,
          seq: event.seq,
          type: 'correction',
          report,
          classification: row.classification,
          compartments: JSON.parse(row.compartments) as string[],
          message: { problem: event.stream, seq: event.seq, type: event.type, ...event.data },
        });
      }
    }
    return changes;
  }
}

/**
 * Which credentials an account event ends: a revoked token, an ended session, every session of
 * a disabled user or of one whose password was reset; undefined for any other event.
 */
function lapsedBy(event: StoredEvent): ((credential: StreamCredential) => boolean) | undefined {
  switch (event.type) {
    case 'token.revoked':
      return (c) => c.principal.kind === 'token' && c.principal.id === event.data.token;
    case 'session.ended':
      return (c) => c.session !== undefined && c.session === event.data.session;
    case 'user.disabled':
    case 'user.password-reset':
      return (c) => c.principal.kind === 'user' && c.principal.id === event.data.user;
    default:
      return undefined;
  }
}

/** True when two principals have the same roles, clearance and compartments. */
function sameRights(a: Principal, b: Principal): boolean {
  const rights = (p: Principal) => JSON.stringify([p.roles, p.clearance, [...p.compartments].sort()]);
  return a.id === b.id && rights(a) === rights(b);
}
