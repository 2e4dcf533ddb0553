/**
 * The store: the event log plus its projections, and the commands that turn requests into
 * events (define a problem, record reports, retract or regrade one). Opened on SQLite in a data
 * directory, or on PostgreSQL when a database URL is given.
 */
import { snapshotAt } from '../core/assess.js';
import { nextLevelIndex } from '../core/levels.js';
import { VigilError, isVigilError } from '../core/errors.js';
import type { Grades } from '../core/corrections.js';
import { formatIssue, type Issue } from '../core/issues.js';
import type { Problem, Report } from '../core/model.js';
import { validateProblem } from '../core/problem-schema.js';
import { sha256Hex } from '../log/event.js';
import type { StoredEvent } from '../log/event.js';
import type { EventLog, NewEvent } from '../log/event-log.js';
import { encodeJcs } from '../log/jcs.js';
import { openEventLog as openLog } from '../log/open-event-log.js';
import type { SigningKey } from '../log/signing-key.js';
import { sqliteDatabasePath } from '../log/sqlite-event-log.js';
import { assessAsOf, type AsOfAssessment, type AsOfOptions } from './as-of.js';
import {
  PROBLEM_DEFINED,
  REPORT_RECEIVED,
  REPORT_REGRADED,
  REPORT_RETRACTED,
  toWire,
  type ProblemDefinedData,
  type ReportReceivedData,
} from './events.js';
import { openPostgresSql } from './postgres-sql.js';
import { currentModel, type StoredModel } from './projection-reads.js';
import { GroupCommit } from './group-commit.js';
import { Projector, type CurrentAssessment, type LiveState } from './projector.js';
import type { SqlDatabase } from './sql.js';
import { openSqliteSql } from './sqlite-sql.js';

export interface StoreOptions {
  /** The data directory: the SQLite database and the signing key. Default `./data`. */
  readonly dataDir?: string;
  /** `postgres://...`: keep the log and projections in PostgreSQL instead of SQLite. */
  readonly databaseUrl?: string;
  /** The PostgreSQL schema, default `vigil`. */
  readonly schema?: string;
  /** Where the checkpoint signing key lives; default `<dataDir>/signing-key.pem`. */
  readonly signingKeyPath?: string;
  /** The server clock; default the system clock. */
  readonly clock?: () => Date;
  /** Reports of a problem between snapshots of its counted reports (default 5,000). */
  readonly snapshotEvery?: number;
}

/** A report to record, with its need-to-know marking. */
export interface IncomingReport {
  readonly report: Report;
  readonly classification?: string;
  readonly compartments?: readonly string[];
}

export interface RecordOptions {
  readonly actor: string;
  /** Keep each report's own `received` (loading history); otherwise the server's clock sets it. */
  readonly backfill?: boolean;
}

export interface RecordResult {
  /** Reports newly written. */
  readonly accepted: number;
  /** Reports already there with identical content (safe retries). */
  readonly duplicates: number;
  /** Seq of the last event (the existing one for a pure retry). */
  readonly seq: number;
}

/** The most events of other processes one catch-up (or gap) projects and tells; the rest come next time. */
const CATCH_UP_EVENTS = 10_000;

/** How long a problem's current version, once read, serves before it is read again. */
export const MODEL_RECHECK_MS = 1_000;

/** How far ahead of the server's clock a sender's `at` may be. */
export const CLOCK_SKEW_MS = 60_000;

/** The lowest classification: what a report carries when it names none. */
export const LOWEST_CLASSIFICATION = 'UNCLASSIFIED';

function usesPostgres(options: StoreOptions): boolean {
  return options.databaseUrl !== undefined && options.databaseUrl !== '';
}

/** The level rule run once from `previous` (a level index, clamped to the model's levels). */
function levelAfter(warning: Problem['warning'], previous: number, pDangerous: number): number {
  return nextLevelIndex(warning, Math.min(Math.max(0, Math.trunc(previous)), warning.levels.length - 1), pDangerous);
}

/**
 * The level of a replay in memory at `at`: from `previous` when given; else the replay's own at
 * its latest instant, and the rule run once from it after.
 */
function liveLevel(live: LiveState, at: number, previous: number | undefined, pDangerous: number): number {
  if (previous !== undefined) return levelAfter(live.problem.warning, previous, pDangerous);
  return at === live.lastInstant ? live.level : nextLevelIndex(live.problem.warning, live.level, pDangerous);
}

/** The longest dedupe key the log takes. */
const MAX_KEY_LENGTH = 256;

/**
 * The log's dedupe key of a report: `report:<problem>:<id>` when the problem's id has no colon
 * (so the key names one pair) and the key fits the log's limit; otherwise `report#` and the
 * SHA-256 of the pair's canonical JSON. Keys of the first form are what earlier versions wrote,
 * so retries of reports stored by them are still recognised; before, `x:y` + `z` and `x` + `y:z`
 * shared a key, and a long pair was refused by the log.
 */
export function reportKey(problemId: string, reportId: string): string {
  const plain = `report:${problemId}:${reportId}`;
  if (!problemId.includes(':') && plain.length <= MAX_KEY_LENGTH) return plain;
  return `report#${sha256Hex(encodeJcs([problemId, reportId]))}`;
}

/**
 * Opens only the event log of a store (no projections): what export, verify and keys need.
 * The signing key is created on first use.
 */
export function openEventLog(options: StoreOptions = {}): Promise<{ log: EventLog; signingKey: SigningKey }> {
  return openLog({ ...options, dataDir: options.dataDir ?? 'data' });
}

export class Store {
  /** Events appended through this store, checkpoints included, waiting to be projected. */
  readonly #appended: StoredEvent[] = [];
  readonly #group: GroupCommit;
  /**
   * The latest model of each problem, parsed, with when its version was last read (this
   * process's monotonic clock). A new version appended here replaces it at once; one appended
   * by another process is seen within MODEL_RECHECK_MS.
   */
  readonly #models = new Map<string, { model: StoredModel; readMs: number }>();
  readonly #projectedListeners = new Set<(events: readonly StoredEvent[]) => void>();

  private constructor(
    readonly log: EventLog,
    readonly db: SqlDatabase,
    readonly projector: Projector,
    readonly signingKey: SigningKey,
    private readonly clock: () => Date,
  ) {
    // SQLite writes at the call and then waits for the flush: the next group may be written
    // meanwhile. A PostgreSQL append is a round trip: one group at a time keeps seq order.
    this.#group = new GroupCommit(
      (events) => this.log.append(events),
      () => this.#project(),
      db.dialect === 'sqlite' ? 4 : 1,
    );
    log.subscribe((events) => this.#appended.push(...events));
  }

  /** Opens (creating when needed) the store and catches its projections up with the log. */
  static async open(options: StoreOptions = {}): Promise<Store> {
    const clock = options.clock ?? (() => new Date());
    const { log, signingKey } = await openEventLog(options);
    const db = usesPostgres(options)
      ? openPostgresSql(options.databaseUrl!, options.schema ?? 'vigil')
      : openSqliteSql(sqliteDatabasePath(options.dataDir ?? 'data'));
    const projector = new Projector(db, log, options.snapshotEvery);
    try {
      await projector.open();
    } catch (error) {
      await db.close();
      await log.close();
      throw error;
    }
    return new Store(log, db, projector, signingKey, clock);
  }

  /**
   * Appends `events` atomically and projects them (those the log hands back as appended;
   * anything else, such as another process's events, is read from the log). Appends requested
   * while one is being written are written together (group commit: one transaction, one fsync),
   * each still all or nothing; within a process the projection of one batch never interleaves
   * with the next.
   */
  append(events: readonly NewEvent[]): Promise<StoredEvent[]> {
    return this.#group.append(events);
  }

  /**
   * Projects what the log handed back since the last batch, then tells the listeners. Events
   * of other processes among or before these (holes in the seq) are read from the log, made
   * sure of on disk, projected and told too; a stretch too long to hold is projected by the
   * projector from the log, untold.
   */
  async #project(): Promise<void> {
    const appended = this.#appended.splice(0);
    try {
      const cursor = this.projector.cursor;
      const fresh = appended.filter((e) => e.seq > cursor);
      const last = fresh[fresh.length - 1];
      let events = appended;
      if (last !== undefined && last.seq - cursor !== fresh.length && last.seq - cursor <= CATCH_UP_EVENTS) {
        const range = await this.#readLog(cursor + 1, last.seq);
        if (range.length === last.seq - cursor) {
          await this.log.sync();
          const own = new Set(appended.map((e) => e.seq));
          events = [...appended.filter((e) => e.seq <= cursor), ...range.filter((e) => !own.has(e.seq)), ...fresh].sort((a, b) => a.seq - b.seq);
        }
      }
      await this.projector.apply(events);
      this.#tell(events);
    } catch (error) {
      // Not projected: the next batch takes these again, so no request is answered before
      // its events are in the projections.
      this.#appended.unshift(...appended);
      throw error;
    }
  }

  /**
   * Projects and tells what other processes sharing the store have appended since (this one's
   * own appends are told as ever, once projected). Returns how many events that was.
   */
  catchUp(): Promise<number> {
    return this.#group.inTurn(async () => {
      const events = await this.#readLog(this.projector.cursor + 1, Number.MAX_SAFE_INTEGER);
      if (events.length === 0) return 0;
      // Another process's commit may not be on disk yet: nobody acts on it before it is.
      await this.log.sync();
      await this.projector.apply(events);
      // Appends of this store already handed back are told by their own projection.
      const own = new Set(this.#appended.map((e) => e.seq));
      const others = events.filter((e) => !own.has(e.seq));
      this.#tell(others);
      return others.length;
    });
  }

  /** The events with seq in [from, to] the log shows, at most CATCH_UP_EVENTS of them. */
  async #readLog(from: number, to: number): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    for await (const e of this.log.read({ from, to, limit: CATCH_UP_EVENTS })) events.push(e);
    return events;
  }

  /** Tells the listeners of projected events. */
  #tell(events: readonly StoredEvent[]): void {
    if (events.length === 0) return;
    for (const e of events) if (e.type === PROBLEM_DEFINED) this.#models.delete(e.stream);
    for (const listener of this.#projectedListeners) {
      try {
        listener(events);
      } catch {
        // A listener's failure is its own; the append has succeeded.
      }
    }
  }

  /**
   * Calls `listener` with the events of the store (checkpoints included) after they are
   * projected, so the listener reads projections that include them: those this store appended,
   * and those of other processes sharing the store as `catchUp` or an append finds them. Each
   * event once; another process's event may come after later ones of this store. Returns the
   * unsubscribe.
   */
  onProjected(listener: (events: readonly StoredEvent[]) => void): () => void {
    this.#projectedListeners.add(listener);
    return () => this.#projectedListeners.delete(listener);
  }

  /** The current model of a problem and its version, or undefined. */
  async problem(id: string): Promise<StoredModel | undefined> {
    const cached = this.#models.get(id);
    const now = performance.now();
    if (cached !== undefined && now - cached.readMs < MODEL_RECHECK_MS) return cached.model;
    // Versions are never changed once stored: a model parsed once serves until a newer one.
    const rows = await this.db.all<{ version: number }>('SELECT max(version) AS version FROM proj_problem_versions WHERE problem = ?', [id]);
    const version = rows[0]?.version;
    if (version === undefined || version === null) return undefined;
    if (cached?.model.version === Number(version)) {
      cached.readMs = now;
      return cached.model;
    }
    const model = await currentModel(this.db, id);
    if (model !== undefined) this.#models.set(id, { model, readMs: now });
    return model;
  }

  /** Each problem's assessment as of its latest report, from the projection (no recomputation). */
  async currentAssessments(): Promise<(CurrentAssessment & { problem: string })[]> {
    const rows = await this.db.all<{ problem: string; version: number; instant_ms: number; level: string; p_dangerous: number; leading_hypothesis: string; posterior: string; counted: number }>(
      'SELECT problem, version, instant_ms, level, p_dangerous, leading_hypothesis, posterior, counted FROM proj_current ORDER BY problem',
    );
    return rows.map((r) => ({
      problem: r.problem,
      version: Number(r.version),
      instant: Number(r.instant_ms),
      level: r.level,
      pDangerous: Number(r.p_dangerous),
      leading: r.leading_hypothesis,
      posterior: JSON.parse(r.posterior) as Record<string, number>,
      counted: Number(r.counted),
    }));
  }

  /** Every problem id with its current version. */
  async problems(): Promise<{ id: string; version: number; title: string }[]> {
    const rows = await this.db.all<{ problem: string; version: number; model: string }>(
      `SELECT v.problem, v.version, v.model FROM proj_problem_versions v
       WHERE v.version = (SELECT max(version) FROM proj_problem_versions w WHERE w.problem = v.problem) ORDER BY v.problem`,
    );
    return rows.map((r) => ({ id: r.problem, version: Number(r.version), title: (JSON.parse(r.model) as Problem).title }));
  }

  /**
   * Stores a problem model: version 1 when new, else the next version. An identical model is
   * not stored again (the current version is returned). Throws PROBLEM_INVALID with every issue.
   */
  async defineProblem(input: unknown, actor: string): Promise<{ id: string; version: number; changed: boolean }> {
    const result = validateProblem(input);
    if (!result.ok) throw problemInvalid(result.issues);
    const problem = result.value;
    const current = await this.problem(problem.id);
    if (current !== undefined && encodeJcs(current.problem) === encodeJcs(problem)) {
      return { id: problem.id, version: current.version, changed: false };
    }
    const version = (current?.version ?? 0) + 1;
    const data: ProblemDefinedData = { version, problem };
    await this.append([
      { type: PROBLEM_DEFINED, stream: problem.id, actor, data: asEventData(data), dedupe: { key: `problem:${problem.id}:${version}` } },
    ]);
    return { id: problem.id, version, changed: true };
  }

  /**
   * Records reports for a problem as one atomic batch: all written, or none. A report id that
   * exists with identical content is a safe retry (counted in `duplicates`); with other content
   * the batch fails with REPORT_ID_CONFLICT naming every such index. Reports must already be
   * valid (see `validateReport`); indicators are checked against the current model here.
   */
  async recordReports(problemId: string, incoming: readonly IncomingReport[], options: RecordOptions): Promise<RecordResult> {
    const model = await this.problem(problemId);
    if (model === undefined) throw new VigilError('PROBLEM_NOT_FOUND', `no problem "${problemId}"`);
    const indicators = new Set(model.problem.indicators.map((i) => i.id));
    const now = this.clock().getTime();
    const bad = incoming.flatMap((item, index) => {
      const issues: Issue[] = [];
      if (!indicators.has(item.report.indicator)) {
        issues.push({ path: '/indicator', message: `"${item.report.indicator}" is not an indicator of problem "${problemId}"` });
      }
      // A report cannot describe the future (a minute's grace for a sender's clock running fast).
      if (options.backfill !== true && item.report.at > now + CLOCK_SKEW_MS) {
        issues.push({ path: '/at', message: `is in the future (the server's time is ${new Date(now).toISOString()})` });
      }
      return issues.length > 0 ? [{ index, issues }] : [];
    });
    if (bad.length > 0) throw new VigilError('REPORT_INVALID', describeBadItems(bad), { items: bad });
    const events = incoming.map((item): NewEvent => {
      const backfilled = options.backfill === true;
      const report = backfilled ? item.report : { ...item.report, received: Math.max(now, item.report.at) };
      const wire = toWire(report);
      // Members in canonical order, as the log writes them: encoded without a sorted copy.
      const data: ReportReceivedData = {
        backfilled,
        classification: item.classification ?? LOWEST_CLASSIFICATION,
        compartments: [...(item.compartments ?? [])].sort(),
        report: wire,
      };
      const key = reportKey(problemId, report.id);
      // Loaded history: everything in the event is what the sender said, so the log's own
      // fingerprint of the event's data serves (and costs no second encoding).
      if (backfilled) return { type: REPORT_RECEIVED, stream: problemId, actor: options.actor, data: asEventData(data), dedupe: { key } };
      // A live retry is the same report when everything the sender said is the same; the
      // server's own receive time is not part of what the sender said.
      const { received: _received, ...said } = wire;
      const fingerprint = sha256Hex(encodeJcs({ report: said, classification: data.classification, compartments: data.compartments }));
      return { type: REPORT_RECEIVED, stream: problemId, actor: options.actor, data: asEventData(data), dedupe: { key, fingerprint } };
    });
    try {
      const stored = await this.append(events);
      const accepted = countFresh(stored, events);
      return { accepted, duplicates: stored.length - accepted, seq: Math.max(0, ...stored.map((e) => e.seq)) };
    } catch (error) {
      if (isVigilError(error, 'DEDUPE_CONFLICT')) {
        const conflicts = (error.details?.conflicts ?? []) as { index: number }[];
        throw new VigilError(
          'REPORT_ID_CONFLICT',
          `report id${conflicts.length === 1 ? '' : 's'} already recorded with different content: ${conflicts
            .map((c) => `#${c.index} (${incoming[c.index]?.report.id ?? '?'})`)
            .join(', ')}`,
          { items: conflicts.map((c) => ({ index: c.index, id: incoming[c.index]?.report.id })) },
        );
      }
      throw error;
    }
  }

  /** Retracts a report: from now on it does not count. */
  async retractReport(problemId: string, reportId: string, reason: string, actor: string): Promise<StoredEvent> {
    await this.#requireReport(problemId, reportId);
    const [event] = await this.append([{ type: REPORT_RETRACTED, stream: problemId, actor, data: { report: reportId, reason } }]);
    return event!;
  }

  /** Regrades a report: from now on it counts with these grades. */
  async regradeReport(problemId: string, reportId: string, grades: Grades, reason: string, actor: string): Promise<StoredEvent> {
    await this.#requireReport(problemId, reportId);
    const [event] = await this.append([{ type: REPORT_REGRADED, stream: problemId, actor, data: { report: reportId, grades: { ...grades }, reason } }]);
    return event!;
  }

  async #requireReport(problemId: string, reportId: string): Promise<void> {
    const rows = await this.db.all('SELECT 1 AS x FROM proj_reports WHERE problem = ? AND id = ?', [problemId, reportId]);
    if (rows.length === 0) throw new VigilError('REPORT_NOT_FOUND', `no report "${reportId}" in problem "${problemId}"`);
  }

  /** The assessment of a problem as the system knew it at `at` (ms; default now). */
  async assess(problemId: string, at?: number, options?: AsOfOptions): Promise<AsOfAssessment> {
    return assessAsOf(this.db, problemId, at ?? this.clock().getTime(), options);
  }

  /**
   * The assessment of a problem at `at` (ms, at or after its latest report), from the replay
   * kept in memory when there is one: no reading or parsing of stored reports, for callers that
   * assess after every change (the warning engine). Equal to `assess`; falls back to it when
   * the replay is not at hand, `at` is before its latest report, or the problem has corrections.
   * `ignored` is empty and `ignoredCount` 0 on the fast path.
   *
   * `previous` is the level index a caller that evaluates the problem again and again (the
   * warning engine, every minute) was left at by its previous evaluation: the level rule then
   * runs once from it (spec section 6), so the hysteresis holds between reports too, where
   * fading evidence moves pDangerous. Without it the level is the replay's, whose instants are
   * the reports' only.
   */
  async assessLatest(problemId: string, at: number, previous?: number): Promise<AsOfAssessment> {
    const live = await this.#uncorrectedLiveState(problemId, at);
    if (live === undefined) {
      const full = await this.assess(problemId, at, { ignored: 'count' });
      const warning = previous === undefined ? undefined : (await this.problem(problemId))?.problem.warning;
      if (warning === undefined || previous === undefined) return full;
      return { ...full, level: warning.levels[levelAfter(warning, previous, full.pDangerous)]?.id ?? '' };
    }
    const snapshot = snapshotAt(live.problem, live.counted(), at);
    const index = liveLevel(live, at, previous, snapshot.pDangerous);
    return { ...snapshot, level: live.problem.warning.levels[index]?.id ?? '', version: live.version, ignoredCount: 0 };
  }

  /**
   * The level, pDangerous and leading hypothesis of a problem at `at` (at or after its latest
   * report) in O(indicators), from the replay in memory; undefined when it is not at hand (then
   * use `assessLatest`). Enough to decide whether anything changed. `previous`: as for
   * `assessLatest`.
   */
  async quickLatest(problemId: string, at: number, previous?: number): Promise<{ level: string; levelIndex: number; pDangerous: number; leading: string } | undefined> {
    const live = await this.#uncorrectedLiveState(problemId, at);
    if (live === undefined) return undefined;
    const { pDangerous, leading } = live.quick(at);
    const levelIndex = liveLevel(live, at, previous, pDangerous);
    return { level: live.problem.warning.levels[levelIndex]?.id ?? '', levelIndex, pDangerous, leading };
  }

  /**
   * The replay in memory when it can answer for `at`: there is one, `at` is not before its latest
   * report, the problem has no corrections (those rewrite the past; the projections answer), and
   * no other process has projected events this one has not replayed. A replay behind the shared
   * tables would judge without another server's latest reports, against warning rows that rest
   * on them (and close a warning that server just opened): the projections answer then.
   * The cursor is read after anything the caller read before: what the caller saw of the
   * tables is within what the replay (or the projections) then answer from.
   */
  async #uncorrectedLiveState(problemId: string, at: number): Promise<LiveState | undefined> {
    const live = this.projector.liveState(problemId);
    if (live === undefined || at < live.lastInstant) return undefined;
    if ((await this.projector.storedCursor()) > this.projector.cursor) return undefined;
    const corrected = await this.db.all('SELECT 1 AS x FROM proj_corrections WHERE problem = ? LIMIT 1', [problemId]);
    return corrected.length > 0 ? undefined : live;
  }

  async close(): Promise<void> {
    // Appends under way are written and answered first.
    await this.#group.settled();
    await this.db.close();
    await this.log.close();
  }
}

/** An event payload interface as the log's plain-JSON record type (the shapes are plain JSON). */
function asEventData<T extends object>(data: T): Readonly<Record<string, unknown>> {
  return data as unknown as Readonly<Record<string, unknown>>;
}

/**
 * How many of the stored events were written by this append: the log hands back the data
 * object it was given for a new event, and the earlier event for a retry.
 */
function countFresh(stored: readonly StoredEvent[], inputs: readonly NewEvent[]): number {
  return stored.filter((e, k) => e.data === inputs[k]?.data).length;
}

function problemInvalid(issues: readonly Issue[]): VigilError {
  return new VigilError('PROBLEM_INVALID', issues.map(formatIssue).join('\n'), { issues });
}

/** One line per bad item: `#3: /indicator: ...`. */
export function describeBadItems(items: readonly { index: number; issues: readonly Issue[] }[]): string {
  return items.map((i) => `#${i.index}: ${i.issues.map(formatIssue).join('; ')}`).join('\n');
}
