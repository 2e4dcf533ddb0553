/**
 * The projector: applies log events, in seq order, to the projection tables (problem versions,
 * reports, corrections, the level timeline and snapshots). Everything it writes can be rebuilt
 * from the log; its cursor (the last seq applied) is written in the same transaction as the
 * rows, so a crash between an append and its projection is repaired by catching up.
 */
import { snapshotAt } from '../core/assess.js';
import { applyCorrections } from '../core/corrections.js';
import { IncrementalAssessor } from '../core/incremental.js';
import { parseInstant } from '../core/instant.js';
import { nextLevelIndex } from '../core/levels.js';
import type { Problem, Report } from '../core/model.js';
import { replay } from '../core/replay.js';
import type { StoredEvent } from '../log/event.js';
import type { EventLog } from '../log/event-log.js';
import {
  fromWire,
  PROBLEM_DEFINED,
  REPORT_RECEIVED,
  REPORT_REGRADED,
  REPORT_RETRACTED,
  type ProblemDefinedData,
  type ReportReceivedData,
  type ReportRegradedData,
  type ReportRetractedData,
} from './events.js';
import { ensureProjectionSchema } from './projection-schema.js';
import { currentModel, storedCorrections, storedReports, type StoredModel } from './projection-reads.js';
import { packReports, unpackReports } from './snapshot-codec.js';
import { applyWarningEvents } from './warning-projection.js';
import type { SqlDatabase } from './sql.js';

/** A snapshot of the counted reports is written after this many reports of a problem. */
export const SNAPSHOT_EVERY = 5_000;
/** Events applied per projection transaction while catching up. */
const BATCH = 5_000;

/** The replay of one problem's reports in received order, as far as it has got. */
interface ReplayState {
  version: number;
  problem: Problem;
  assessor: IncrementalAssessor;
  /** The last evaluation instant, and the level before and after evaluating there. */
  lastInstant: number;
  levelBefore: number;
  level: number;
  sinceSnapshot: number;
}

/** A problem's replay in memory: see `Projector.liveState`. */
export interface LiveState {
  readonly version: number;
  readonly problem: Problem;
  /** The counted reports (a copy). */
  counted(): Report[];
  /** pDangerous and the leading hypothesis at `at` (ms, not before `lastInstant`), in O(indicators). */
  quick(at: number): { pDangerous: number; leading: string };
  readonly lastInstant: number;
  /** The level index after the evaluation at `lastInstant`. */
  readonly level: number;
}

/** Parses an event's `at` into ms. */
export function eventTime(event: Pick<StoredEvent, 'at'>): number {
  return parseInstant(event.at) ?? 0;
}

/** A problem's assessment as of its latest report (the `proj_current` row). */
export interface CurrentAssessment {
  version: number;
  instant: number;
  level: string;
  pDangerous: number;
  leading: string;
  posterior: Record<string, number>;
  counted: number;
}

export class Projector {
  readonly #states = new Map<string, ReplayState>();
  /** The current assessment of problems replayed whole because of corrections. */
  readonly #corrected = new Map<string, CurrentAssessment>();
  /** Problems whose timeline must be rebuilt at the end of the batch, from this instant (-Infinity: all). */
  #dirty = new Map<string, number>();
  #cursor = 0;
  /** The first seq of the batch being applied: replays restored meanwhile stop before it. */
  #batchStart = Infinity;

  constructor(
    readonly db: SqlDatabase,
    private readonly log: EventLog,
    /** A snapshot is written after this many reports of a problem. */
    private readonly snapshotEvery = SNAPSHOT_EVERY,
  ) {}

  /** Creates or checks the tables and catches up with the log. */
  async open(): Promise<void> {
    await ensureProjectionSchema(this.db);
    const rows = await this.db.all<{ value: string }>("SELECT value FROM proj_meta WHERE name = 'cursor'");
    this.#cursor = Number(rows[0]?.value ?? 0);
    await this.catchUp();
  }

  /**
   * The replay of a problem as far as it has got, in memory: the model, the counted reports,
   * the last evaluation instant and the level after it. Undefined when there is none or it is
   * to be rebuilt (the caller then asks the projections). It is as of `cursor`: behind the
   * shared tables when another process has projected since (`storedCursor`), which a caller
   * comparing it with rows of those tables must check.
   */
  liveState(problemId: string): LiveState | undefined {
    const state = this.#states.get(problemId);
    if (state === undefined || this.#dirty.has(problemId)) return undefined;
    return {
      version: state.version,
      problem: state.problem,
      counted: () => state.assessor.countedReports(),
      quick: (at) => {
        const quick = state.assessor.evaluate(at);
        return { pDangerous: quick.pDangerous, leading: quick.leading };
      },
      lastInstant: state.lastInstant,
      level: state.level,
    };
  }

  /** The seq of the last event applied. */
  get cursor(): number {
    return this.#cursor;
  }

  /**
   * The seq of the last event applied to the shared tables, by any process (PostgreSQL: several
   * servers project one store). Above `cursor` when another process has projected events this
   * one has not replayed yet: its `liveState` is then behind the tables.
   */
  async storedCursor(): Promise<number> {
    const rows = await this.db.all<{ value: string }>("SELECT value FROM proj_meta WHERE name = 'cursor'");
    return Number(rows[0]?.value ?? 0);
  }

  /** Applies every event after the cursor. */
  async catchUp(): Promise<void> {
    let batch: StoredEvent[] = [];
    for await (const event of this.log.read({ from: this.#cursor + 1 })) {
      batch.push(event);
      if (batch.length >= BATCH) {
        await this.apply(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await this.apply(batch);
  }

  /**
   * Applies events that follow the cursor without a gap (others are ignored or, after a gap,
   * read from the log), in one transaction.
   */
  async apply(events: readonly StoredEvent[]): Promise<void> {
    const fresh = events.filter((e) => e.seq > this.#cursor);
    if (fresh.length === 0) return;
    if (fresh[0]!.seq !== this.#cursor + 1) return this.catchUp();
    let behind = false;
    try {
      await this.db.transaction(async (tx) => {
        // Several processes may project one store (PostgreSQL): the cursor row, locked for the
        // transaction, says what is already applied.
        const stored = await this.#lockedCursor(tx);
        if (stored !== this.#cursor) {
          // Another process projected meanwhile: its tables are the truth, our replays are stale.
          this.#states.clear();
          this.#cursor = stored;
        }
        const after = fresh.filter((e) => e.seq > stored);
        if (after.length === 0) return;
        if (after[0]!.seq !== stored + 1) {
          behind = true;
          return;
        }
        // Only the run without a hole: what lies beyond one (another process's events missing
        // from the batch) is read from the log afterwards, or it would be skipped for good.
        let end = 1;
        while (end < after.length && after[end]!.seq === after[end - 1]!.seq + 1) end += 1;
        if (end < after.length) behind = true;
        const batch = after.slice(0, end);
        // First every row, so that a replay rebuilt within the batch reads what it holds;
        // then the replays advance over the batch's reports in order.
        await this.#insertRows(tx, batch);
        await applyWarningEvents(tx, batch);
        this.#batchStart = batch[0]!.seq;
        for (const event of batch) await this.#applyOne(tx, event);
        this.#batchStart = Number.MAX_SAFE_INTEGER;
        const touched = new Set(batch.filter((e) => e.type === REPORT_RECEIVED || this.#dirty.has(e.stream)).map((e) => e.stream));
        for (const [problem, from] of this.#dirty) await this.#rebuild(tx, problem, from);
        for (const problem of touched) await this.#writeCurrent(tx, problem, batch[batch.length - 1]!.seq);
        this.#dirty = new Map();
        await tx.run("UPDATE proj_meta SET value = ? WHERE name = 'cursor'", [String(batch[batch.length - 1]!.seq)]);
        this.#cursor = batch[batch.length - 1]!.seq;
      });
    } catch (error) {
      // The in-memory replay may be ahead of the rolled-back tables: forget it.
      this.#states.clear();
      this.#dirty = new Map();
      this.#cursor = Number((await this.db.all<{ value: string }>("SELECT value FROM proj_meta WHERE name = 'cursor'"))[0]?.value ?? 0);
      throw error;
    }
    if (behind) await this.catchUp();
  }

  /** The stored cursor, locked until the transaction ends (PostgreSQL; SQLite writers are serial). */
  async #lockedCursor(tx: SqlDatabase): Promise<number> {
    const lock = tx.dialect === 'postgres' ? ' FOR UPDATE' : '';
    const rows = await tx.all<{ value: string }>(`SELECT value FROM proj_meta WHERE name = 'cursor'${lock}`);
    return Number(rows[0]?.value ?? 0);
  }

  /** Inserts the rows of a batch's events into the tables that simply record them. */
  async #insertRows(tx: SqlDatabase, events: readonly StoredEvent[]): Promise<void> {
    const reports: (string | number)[][] = [];
    for (const event of events) {
      if (event.type === REPORT_RECEIVED) {
        const data = event.data as unknown as ReportReceivedData;
        const wire = data.report;
        reports.push([
          event.stream,
          wire.id,
          event.seq,
          parseInstant(wire.received) ?? 0,
          eventTime(event),
          wire.indicator,
          wire.source,
          data.classification,
          JSON.stringify(data.compartments),
          data.backfilled ? 1 : 0,
          JSON.stringify(wire),
        ]);
      } else if (event.type === PROBLEM_DEFINED) {
        const data = event.data as unknown as ProblemDefinedData;
        await tx.run('INSERT INTO proj_problem_versions (problem, version, seq, at_ms, actor, model) VALUES (?, ?, ?, ?, ?, ?)', [
          event.stream,
          data.version,
          event.seq,
          eventTime(event),
          event.actor,
          JSON.stringify(data.problem),
        ]);
      } else if (event.type === REPORT_RETRACTED || event.type === REPORT_REGRADED) {
        const data = event.data as unknown as ReportRetractedData | ReportRegradedData;
        await tx.run('INSERT INTO proj_corrections (seq, problem, report, at_ms, type, body) VALUES (?, ?, ?, ?, ?, ?)', [
          event.seq,
          event.stream,
          data.report,
          eventTime(event),
          event.type,
          JSON.stringify(data),
        ]);
      }
    }
    // A report id is stored once per problem: the log's dedupe key sees to that. Only a store
    // written before report keys became unambiguous (problem ids with a colon, see reportKey) can
    // hold a report twice; its first event stands.
    await tx.insertMany(
      'proj_reports (problem, id, seq, received_ms, event_at_ms, indicator, source, classification, compartments, backfilled, body)',
      reports,
      true,
    );
  }

  /** Moves the replays on by one event whose rows are already inserted. */
  async #applyOne(tx: SqlDatabase, event: StoredEvent): Promise<void> {
    switch (event.type) {
      case PROBLEM_DEFINED:
        this.#states.delete(event.stream);
        this.#markDirty(event.stream, -Infinity);
        return;
      case REPORT_RECEIVED: {
        if (this.#dirty.get(event.stream) === -Infinity) return;
        const report = fromWire((event.data as unknown as ReportReceivedData).report);
        const state = await this.#stateFor(tx, event.stream);
        if (state === undefined) return;
        if (report.received < state.lastInstant) this.#markDirty(event.stream, report.received);
        else if (!this.#dirty.has(event.stream)) await this.#advance(tx, event.stream, state, report);
        return;
      }
      case REPORT_RETRACTED:
      case REPORT_REGRADED:
        this.#markDirty(event.stream, -Infinity);
        return;
      default:
        return;
    }
  }

  /** Records a problem's current assessment from its replay (or the replay of the last rebuild). */
  async #writeCurrent(tx: SqlDatabase, problemId: string, seq: number): Promise<void> {
    const state = this.#states.get(problemId);
    const current = state === undefined ? this.#corrected.get(problemId) : { ...this.#quick(state), version: state.version };
    if (current === undefined) return;
    await tx.run('DELETE FROM proj_current WHERE problem = ?', [problemId]);
    await tx.run(
      'INSERT INTO proj_current (problem, version, instant_ms, level, p_dangerous, leading_hypothesis, posterior, counted, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [problemId, current.version, current.instant, current.level, current.pDangerous, current.leading, JSON.stringify(current.posterior), current.counted, seq],
    );
  }

  /** The replay's state as a current assessment. */
  #quick(state: ReplayState): Omit<CurrentAssessment, 'version'> {
    const quick = state.assessor.evaluate(state.lastInstant);
    return {
      instant: Number.isFinite(state.lastInstant) ? state.lastInstant : 0,
      level: state.problem.warning.levels[state.level]?.id ?? '',
      pDangerous: quick.pDangerous,
      leading: quick.leading,
      posterior: Object.fromEntries(state.problem.hypotheses.map((h, i) => [h.id, quick.posterior[i] ?? 0])),
      counted: state.assessor.counted,
    };
  }

  #markDirty(problem: string, from: number): void {
    this.#dirty.set(problem, Math.min(from, this.#dirty.get(problem) ?? Infinity));
  }

  /** The in-memory replay of a problem, restored from its latest snapshot when needed. */
  async #stateFor(tx: SqlDatabase, problem: string): Promise<ReplayState | undefined> {
    const known = this.#states.get(problem);
    if (known !== undefined) return known;
    const model = await currentModel(tx, problem);
    if (model === undefined) return undefined;
    const corrected = await tx.all('SELECT 1 AS x FROM proj_corrections WHERE problem = ? LIMIT 1', [problem]);
    if (corrected.length > 0) {
      // Corrections change the past: such problems are replayed whole at the end of the batch.
      this.#markDirty(problem, -Infinity);
      return undefined;
    }
    const state = await this.#restore(tx, problem, model, Infinity, this.#batchStart);
    this.#states.set(problem, state);
    return state;
  }

  /**
   * Rebuilds the replay state of a problem: from its latest snapshot taken before instant
   * `before` (none when `before` is -Infinity), every report received after that snapshot is
   * replayed. Level rows and snapshots after the snapshot are recomputed.
   */
  async #restore(
    tx: SqlDatabase,
    problemId: string,
    model: StoredModel,
    before: number,
    beforeSeq = Number.MAX_SAFE_INTEGER,
  ): Promise<ReplayState> {
    const snapshots =
      before === -Infinity
        ? []
        : await tx.all<{ instant_ms: number; level: number; level_before: number; counted: string }>(
            `SELECT instant_ms, level, level_before, counted FROM proj_snapshots
             WHERE problem = ? AND version = ? AND instant_ms < ? ORDER BY instant_ms DESC LIMIT 1`,
            [problemId, model.version, Number.isFinite(before) ? before : Number.MAX_SAFE_INTEGER],
          );
    const snapshot = snapshots[0];
    const state: ReplayState = {
      version: model.version,
      problem: model.problem,
      assessor: new IncrementalAssessor(model.problem, { retractable: false }),
      lastInstant: -Infinity,
      levelBefore: 0,
      level: 0,
      sinceSnapshot: 0,
    };
    const from = snapshot === undefined ? -Infinity : Number(snapshot.instant_ms);
    const held = new Set<string>();
    if (snapshot !== undefined) {
      for (const report of unpackReports(snapshot.counted)) {
        state.assessor.add(report);
        held.add(report.id);
      }
      state.lastInstant = from;
      state.level = Number(snapshot.level);
      state.levelBefore = Number(snapshot.level_before);
    }
    const after = Number.isFinite(from) ? from : Number.MIN_SAFE_INTEGER;
    await tx.run('DELETE FROM proj_snapshots WHERE problem = ? AND version = ? AND instant_ms > ?', [problemId, model.version, after]);
    await tx.run('DELETE FROM proj_levels WHERE problem = ? AND version = ? AND instant_ms > ?', [problemId, model.version, after]);
    // Reports at the snapshot's own instant may have come after it was taken: read them again.
    const rows = await tx.all<{ id: string; body: string }>(
      'SELECT id, body FROM proj_reports WHERE problem = ? AND received_ms >= ? AND seq < ? ORDER BY received_ms, seq',
      [problemId, after, beforeSeq],
    );
    for (const row of rows) if (!held.has(row.id)) await this.#advance(tx, problemId, state, fromWire(JSON.parse(row.body)));
    return state;
  }

  /** Adds one report (received at or after the last instant) and evaluates the level there. */
  async #advance(tx: SqlDatabase, problemId: string, state: ReplayState, report: Report): Promise<void> {
    if (report.received > state.lastInstant) {
      state.levelBefore = state.level;
      state.lastInstant = report.received;
    }
    state.assessor.add(report);
    const quick = state.assessor.evaluate(state.lastInstant);
    const level = nextLevelIndex(state.problem.warning, state.levelBefore, quick.pDangerous);
    if (level !== state.level || level !== state.levelBefore) {
      await tx.run('DELETE FROM proj_levels WHERE problem = ? AND version = ? AND instant_ms = ?', [problemId, state.version, state.lastInstant]);
      if (level !== state.levelBefore) {
        await tx.run('INSERT INTO proj_levels (problem, version, instant_ms, level, p_dangerous, leading_hypothesis) VALUES (?, ?, ?, ?, ?, ?)', [
          problemId,
          state.version,
          state.lastInstant,
          level,
          quick.pDangerous,
          quick.leading,
        ]);
      }
    }
    state.level = level;
    if (++state.sinceSnapshot >= this.snapshotEvery) {
      state.sinceSnapshot = 0;
      await tx.run(
        `INSERT INTO proj_snapshots (problem, version, instant_ms, reports, level, level_before, counted) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (problem, version, instant_ms) DO UPDATE SET reports = excluded.reports, level = excluded.level,
           level_before = excluded.level_before, counted = excluded.counted`,
        [problemId, state.version, state.lastInstant, state.assessor.counted, state.level, state.levelBefore, packReports(state.assessor.countedReports())],
      );
    }
  }

  /** Recomputes a problem's level timeline from `from` on (or whole, with corrections). */
  async #rebuild(tx: SqlDatabase, problemId: string, from: number): Promise<void> {
    const model = await currentModel(tx, problemId);
    if (model === undefined) return;
    const fixes = await storedCorrections(tx, problemId);
    if (fixes.length === 0) {
      this.#states.set(problemId, await this.#restore(tx, problemId, model, from));
      return;
    }
    // With corrections the past itself changed: replay everything, corrections in force from
    // their own instants; no snapshots (they hold uncorrected reports). The replay runs to the
    // latest report or correction, whichever is later, so the current assessment shows a
    // correction made after the last report at once.
    this.#states.delete(problemId);
    const reports = await storedReports(tx, problemId);
    const last = reports[reports.length - 1];
    const instant = Math.max(last?.received ?? -Infinity, ...fixes.map((c) => c.at));
    const timeline = replay(model.problem, reports, { at: instant, corrections: fixes, details: false });
    if (last !== undefined) {
      const asOf = applyCorrections(reports, fixes, instant);
      const snapshot = snapshotAt(model.problem, asOf.reports, instant, asOf.retracted);
      this.#corrected.set(problemId, {
        version: model.version,
        instant,
        level: timeline.finalLevel,
        pDangerous: snapshot.pDangerous,
        leading: snapshot.leading,
        posterior: Object.fromEntries(snapshot.posterior),
        counted: snapshot.counted.length,
      });
    }
    await tx.run('DELETE FROM proj_snapshots WHERE problem = ? AND version = ?', [problemId, model.version]);
    await tx.run('DELETE FROM proj_levels WHERE problem = ? AND version = ?', [problemId, model.version]);
    const index = new Map(model.problem.warning.levels.map((l, k) => [l.id, k]));
    for (const change of timeline.changes) {
      await tx.run('INSERT INTO proj_levels (problem, version, instant_ms, level, p_dangerous, leading_hypothesis) VALUES (?, ?, ?, ?, ?, ?)', [
        problemId,
        model.version,
        parseInstant(change.at) ?? 0,
        index.get(change.to) ?? 0,
        change.pDangerous,
        change.leading,
      ]);
    }
  }
}
