/**
 * The live feed behind `GET /api/v1/stream`: after each append is projected, every connected
 * reader is sent, as Server-Sent Events, the changes it may see. Reports the reader may not see
 * are never sent; a `withheld` event says how many there were. Assessments (the same for every
 * reader) are sent for every problem that changed.
 */
import type { ServerResponse } from 'node:http';
import { canSee, isMarked, type Principal } from '../app/access.js';
import { PROBLEM_DEFINED, REPORT_RECEIVED, REPORT_REGRADED, REPORT_RETRACTED, type ReportReceivedData } from '../app/events.js';
import type { Store } from '../app/store.js';
import { formatInstant } from '../core/instant.js';
import type { StoredEvent } from '../log/event.js';
import type { Metrics } from './metrics.js';

/** A connection is dropped when this much is waiting to be written to it (a stalled reader). */
const MAX_BUFFERED = 1 << 20;
const HEARTBEAT_MS = 15_000;

interface Client {
  readonly principal: Principal;
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
      this.#sending = this.#sending.then(() => this.#publish(events)).catch(() => undefined);
    });
    this.#heartbeat = setInterval(() => {
      for (const client of this.#clients) this.#write(client, ': keep-alive\n\n');
    }, HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  /** Takes over a response as an event stream for `principal`. */
  add(principal: Principal, response: ServerResponse): void {
    const client: Client = { principal, response };
    this.#clients.add(client);
    this.metrics.streams.inc();
    response.on('close', () => {
      if (this.#clients.delete(client)) this.metrics.streams.dec();
    });
    this.#write(client, `retry: 3000\nevent: hello\ndata: ${JSON.stringify({ user: principal.name })}\n\n`);
  }

  /** How many readers are connected. */
  get size(): number {
    return this.#clients.size;
  }

  /** Ends every stream (server shutting down). */
  close(): void {
    this.#unsubscribe?.();
    if (this.#heartbeat !== undefined) clearInterval(this.#heartbeat);
    // The stream's connection is closed too: left open, it would keep a closing server waiting.
    for (const client of this.#clients) client.response.end(() => client.response.destroy());
    this.#clients.clear();
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

    for (const client of [...this.#clients]) {
      let text = '';
      for (const d of defined) text += `event: problem\ndata: ${JSON.stringify(d)}\n\n`;
      for (const w of warnings) text += `event: warning\ndata: ${JSON.stringify(w)}\n\n`;
      for (const d of dissents) text += `event: dissent\ndata: ${JSON.stringify(d)}\n\n`;
      if (client.principal.roles.includes('admin')) {
        for (const e of events) if (e.type === 'organisation.gaps-foreseen') text += `event: coverage\ndata: ${JSON.stringify({ seq: e.seq, ...e.data })}\n\n`;
      }
      const withheld = new Map<string, number>();
      const reads: { problem: string; report: string }[] = [];
      for (const change of changes) {
        if (!canSee(client.principal, change)) {
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
      if (text === '') continue;
      // The read is recorded before the reader is sent the report.
      if (reads.length > 0) await this.recordReads(client.principal, '/api/v1/stream', reads);
      this.#write(client, text);
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
