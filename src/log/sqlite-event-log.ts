/**
 * The embedded event log: one SQLite file, `<dataDir>/vigil.db`, through better-sqlite3.
 *
 * WAL mode: a commit has reached the disk before `append` resolves. The connection commits
 * with `synchronous = NORMAL` and `append` then waits for an fdatasync of the WAL made off the
 * main thread and shared by the commits before it (`wal-sync.ts`), which is what `FULL` would
 * give without blocking the event loop; listeners hear of events once they are durable.
 * Appends run in `BEGIN IMMEDIATE` transactions, which take SQLite's single write lock, so
 * several processes on one file still make one chain; a writer waits up to `busyTimeoutMs`
 * for the lock.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { VigilError } from '../core/errors.js';
import { appendResults, planAppend, prepareEvents } from './append-plan.js';
import type { AppendContext, AppendPlan, PreparedEvent, StoredDedupe } from './append-plan.js';
import { CHECKPOINT_TYPE, recordToEvent } from './event.js';
import type { EventRecord, StoredEvent } from './event.js';
import { AppendListeners, closedLogError, pagedRecords } from './event-log.js';
import type { EventLog, EventLogOptions, LogHead, NewEvent, ReadQuery } from './event-log.js';
import { SQLITE_MIGRATIONS } from './sqlite-schema.js';
import { BACKSTOP_CHECKPOINT_PAGES, CHECKPOINTER_AFTER_BYTES, WalCheckpointer, WalSync, type Flush } from './wal-sync.js';

/** Where and how to open the SQLite log. */
export interface SqliteEventLogOptions extends EventLogOptions {
  /** The data directory; created when missing. The database is `<dataDir>/vigil.db`. */
  readonly dataDir: string;
  /** How long a writer waits for another process's write lock, default 10 s. */
  readonly busyTimeoutMs?: number;
  /** How the WAL is flushed to disk; default fdatasync (tests hold it to watch what reads show). */
  readonly flush?: Flush;
}

/** The database file of a data directory. */
export function sqliteDatabasePath(dataDir: string): string {
  return join(dataDir, 'vigil.db');
}

const COLUMNS = 'seq, id, at, type, stream, actor, data, prev, hash';
/** A WAL of at least this many frames is started over once the checkpointer has nearly caught up... */
const FINISH_CHECKPOINT_FROM_FRAMES = 1_000;
/** ...that is, has at most this many frames left to copy. */
const FINISH_CHECKPOINT_LEFT_FRAMES = 500;
/** Rows per multi-row INSERT: fewer statement runs, well under SQLite's 32,766 parameters. */
const ROWS_PER_INSERT = 64;
const insertSql = (rows: number): string =>
  `INSERT INTO events (${COLUMNS}) VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`;

/**
 * Opens (creating when needed) the log in `options.dataDir` and brings its schema up to date.
 * Throws VigilError `LOG_UNAVAILABLE` when the file was written by a newer schema version.
 */
export async function openSqliteEventLog(options: SqliteEventLogOptions): Promise<EventLog> {
  mkdirSync(options.dataDir, { recursive: true });
  const db = new Database(sqliteDatabasePath(options.dataDir), { timeout: options.busyTimeoutMs ?? 10_000 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
    // A WAL started over is cut back to this size, so one burst does not leave a huge file.
    db.pragma(`journal_size_limit = ${CHECKPOINTER_AFTER_BYTES * 4}`);
    migrate(db);
    return new SqliteEventLog(db, options);
  } catch (error) {
    db.close();
    throw error;
  }
}

function migrate(db: Database.Database): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT',
  );
  const run = db.transaction(() => {
    const row = db.prepare('SELECT max(version) AS version FROM schema_migrations').get() as {
      version: number | null;
    };
    const applied = row.version ?? 0;
    const latest = SQLITE_MIGRATIONS[SQLITE_MIGRATIONS.length - 1]?.version ?? 0;
    if (applied > latest) {
      throw new VigilError(
        'LOG_UNAVAILABLE',
        `the database has schema version ${applied}; this Vigil knows up to ${latest}`,
      );
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const migration of SQLITE_MIGRATIONS) {
      if (migration.version <= applied) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    }
  });
  run.immediate();
}

/**
 * Inserts `rows` with `many` (ROWS_PER_INSERT rows a statement) while whole chunks remain, the
 * rest with `one`: fewer statement runs than one per row.
 */
function insertInChunks<T>(many: Statement<unknown[]>, one: Statement<unknown[]>, rows: readonly T[], values: (row: T) => unknown[]): void {
  let next = 0;
  for (; next + ROWS_PER_INSERT <= rows.length; next += ROWS_PER_INSERT) many.run(rows.slice(next, next + ROWS_PER_INSERT).flatMap(values));
  for (; next < rows.length; next++) one.run(values(rows[next]!));
}

class SqliteEventLog implements EventLog {
  readonly databaseFile: string;
  private closed = false;
  private readonly wal: WalSync;
  private checkpointer: WalCheckpointer | undefined;
  /**
   * The first seq of each append of this log committed but not yet flushed, in order. Reads
   * through this log stop before the first: nothing is shown that a power cut could still take
   * back (and then give to another event).
   */
  private readonly unflushed: number[] = [];
  /** Why a flush failed; set, the log refuses appends (see checkWritable). */
  private failed: string | undefined;
  /** Set when the checkpointer has copied nearly all of a long WAL: this connection finishes. */
  private finishCheckpoint = false;
  private readonly listeners: AppendListeners;
  private readonly statements: {
    readonly insertEvent: Statement<unknown[]>;
    readonly insertEvents: Statement<unknown[]>;
    readonly insertKey: Statement<[string, string, number]>;
    readonly insertKeys: Statement<unknown[]>;
    readonly findKey: Statement<[string], StoredDedupe>;
    readonly tail: Statement<[], LogHead>;
    readonly lowest: Statement<[], { seq: number | null }>;
    readonly firstAt: Statement<[], { at: string }>;
    readonly lastCheckpoint: Statement<[], { seq: number; at: string }>;
    readonly bySeq: Statement<[number], EventRecord>;
    readonly page: Statement<[number, number, number], EventRecord>;
    readonly streamPage: Statement<[number, number, string, number], EventRecord>;
    readonly insertPublicKey: Statement<[string, string, string]>;
    readonly publicKeys: Statement<[], { key_id: string; public_key: string }>;
  };
  private readonly appendBatch: (
    prepared: readonly PreparedEvent[],
    force: boolean,
  ) => { plan: AppendPlan; stored: Map<number, EventRecord> };

  constructor(
    private readonly db: Database.Database,
    private readonly options: SqliteEventLogOptions,
  ) {
    this.databaseFile = db.name;
    this.listeners = new AppendListeners(options.onListenerError);
    this.wal = new WalSync(`${db.name}-wal`, options.flush);
    this.statements = {
      insertEvent: db.prepare(insertSql(1)),
      insertEvents: db.prepare(insertSql(ROWS_PER_INSERT)),
      insertKey: db.prepare('INSERT INTO event_dedupe (key, fingerprint, seq) VALUES (?, ?, ?)'),
      insertKeys: db.prepare(`INSERT INTO event_dedupe (key, fingerprint, seq) VALUES ${Array.from({ length: ROWS_PER_INSERT }, () => '(?, ?, ?)').join(', ')}`),
      findKey: db.prepare('SELECT fingerprint, seq FROM event_dedupe WHERE key = ?'),
      tail: db.prepare('SELECT seq, hash, at FROM events ORDER BY seq DESC LIMIT 1'),
      lowest: db.prepare('SELECT min(seq) AS seq FROM events'),
      firstAt: db.prepare('SELECT at FROM events WHERE seq = 1'),
      lastCheckpoint: db.prepare(
        `SELECT seq, at FROM events WHERE type = '${CHECKPOINT_TYPE}' ORDER BY seq DESC LIMIT 1`,
      ),
      bySeq: db.prepare(`SELECT ${COLUMNS} FROM events WHERE seq = ?`),
      page: db.prepare(`SELECT ${COLUMNS} FROM events WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT ?`),
      streamPage: db.prepare(
        `SELECT ${COLUMNS} FROM events WHERE seq >= ? AND seq <= ? AND stream = ? ORDER BY seq LIMIT ?`,
      ),
      insertPublicKey: db.prepare(
        'INSERT OR IGNORE INTO signing_keys (key_id, public_key, first_used) VALUES (?, ?, ?)',
      ),
      publicKeys: db.prepare('SELECT key_id, public_key FROM signing_keys ORDER BY first_used, key_id'),
    };
    const transaction = db.transaction((prepared: readonly PreparedEvent[], force: boolean) =>
      this.appendLocked(prepared, force),
    );
    this.appendBatch = (prepared, force) => transaction.immediate(prepared, force);
    const key = options.signingKey;
    if (key !== undefined)
      this.statements.insertPublicKey.run(key.keyId, key.publicKeyPem, new Date(this.now()).toISOString());
  }

  /** Runs inside the write transaction: read what the plan needs, plan, write. */
  private appendLocked(
    prepared: readonly PreparedEvent[],
    force: boolean,
  ): { plan: AppendPlan; stored: Map<number, EventRecord> } {
    const s = this.statements;
    const storedKeys = new Map<string, StoredDedupe>();
    for (const event of prepared) {
      if (event.dedupe === undefined) continue;
      const found = s.findKey.get(event.dedupe.key);
      if (found !== undefined) storedKeys.set(event.dedupe.key, found);
    }
    const key = this.options.signingKey;
    const context: AppendContext = {
      tail: s.tail.get(),
      storedKeys,
      nowMs: this.now(),
      forceCheckpoint: force,
      checkpoints:
        key === undefined
          ? undefined
          : {
              key,
              policy: this.options.checkpointPolicy,
              last: s.lastCheckpoint.get(),
              firstAt: s.firstAt.get()?.at,
            },
    };
    const plan = planAppend(prepared, context);
    insertInChunks(s.insertEvents, s.insertEvent, plan.records, (r) => [r.seq, r.id, r.at, r.type, r.stream, r.actor, r.data, r.prev, r.hash]);
    insertInChunks(s.insertKeys, s.insertKey as Statement<unknown[]>, plan.newKeys, (k) => [k.key, k.fingerprint, k.seq]);
    const stored = new Map<number, EventRecord>();
    for (const slot of plan.slots) {
      if ('storedSeq' in slot && !stored.has(slot.storedSeq)) {
        const record = s.bySeq.get(slot.storedSeq);
        if (record === undefined)
          throw new VigilError('LOG_CORRUPT', `dedupe key points at missing event ${slot.storedSeq}`);
        stored.set(slot.storedSeq, record);
      }
    }
    return { plan, stored };
  }

  private now(): number {
    return (this.options.clock?.() ?? new Date()).getTime();
  }

  private check(): void {
    if (this.closed) throw closedLogError();
  }

  /** Refuses to append once a flush has failed: what follows would chain on unconfirmed events. */
  private checkWritable(): void {
    this.check();
    if (this.failed !== undefined)
      throw new VigilError('LOG_UNAVAILABLE', `the disk did not confirm an earlier write (${this.failed}); restart once the disk is sound`);
  }

  async sync(): Promise<void> {
    this.check();
    await this.wal.sync();
  }

  async append(events: readonly NewEvent[]): Promise<StoredEvent[]> {
    this.checkWritable();
    if (events.length === 0) return [];
    const prepared = prepareEvents(events, this.now());
    const { plan, stored } = this.appendBatch(prepared, false);
    await this.durable(plan.events);
    return appendResults(plan, stored);
  }

  async checkpoint(): Promise<StoredEvent | undefined> {
    this.checkWritable();
    if (this.options.signingKey === undefined) return undefined;
    const { plan } = this.appendBatch([], true);
    await this.durable(plan.events);
    return plan.events[plan.events.length - 1];
  }

  /**
   * Waits until the `written` events just committed are on disk, tells the listeners of them,
   * and only then shows them to reads (so whoever reads them has been told, or will never be);
   * starts the checkpointer once the WAL is big.
   */
  private async durable(written: readonly StoredEvent[]): Promise<void> {
    const firstSeq = written[0]?.seq;
    if (firstSeq !== undefined) this.unflushed.push(firstSeq);
    try {
      await this.wal.sync();
    } catch (error) {
      // Committed, yet not confirmed on disk: nobody is told, the events stay hidden, and the
      // log takes no more appends (a retry would write them twice; later events would chain
      // on them). The caller learns that its append is in doubt.
      this.failed = error instanceof Error ? error.message : String(error);
      throw new VigilError('LOG_UNAVAILABLE', `the disk did not confirm the write (${this.failed}); the events may or may not be in the log`);
    }
    this.listeners.emit(written);
    if (firstSeq !== undefined) this.unflushed.splice(this.unflushed.indexOf(firstSeq), 1);
    if (!this.closed) this.housekeeping();
  }

  /** Checkpoint upkeep after an append; its failures are not the append's (the backstop remains). */
  private housekeeping(): void {
    try {
      if (this.finishCheckpoint) {
        this.finishCheckpoint = false;
        this.db.pragma('wal_checkpoint(PASSIVE)');
      }
      if (this.checkpointer === undefined && this.wal.size() > CHECKPOINTER_AFTER_BYTES) {
        this.checkpointer = new WalCheckpointer(
          this.db.name,
          ({ log, checkpointed }) => {
            if (log >= FINISH_CHECKPOINT_FROM_FRAMES && log - checkpointed <= FINISH_CHECKPOINT_LEFT_FRAMES) this.finishCheckpoint = true;
          },
          // A worker that died is replaced at the next append.
          () => (this.checkpointer = undefined),
        );
      }
    } catch {
      // Next time, or SQLite's own automatic checkpoint.
    }
  }

  async *read(query?: ReadQuery): AsyncIterable<StoredEvent> {
    for await (const page of this.readRecords(query)) {
      for (const record of page) yield recordToEvent(record);
    }
  }

  readRecords(query?: ReadQuery, pageSize = 2_000): AsyncIterable<readonly EventRecord[]> {
    this.check();
    return pagedRecords(query, pageSize, async (from, to, stream, n) => {
      this.check();
      const upTo = Math.min(to, this.visibleTo());
      return stream === undefined
        ? this.statements.page.all(from, upTo, n)
        : this.statements.streamPage.all(from, upTo, stream, n);
    });
  }

  async head(): Promise<LogHead | undefined> {
    this.check();
    const tail = this.statements.tail.get();
    const visible = this.visibleTo();
    if (tail === undefined || tail.seq <= visible) return tail;
    const record = this.statements.bySeq.get(visible);
    return record === undefined ? undefined : { seq: record.seq, hash: record.hash, at: record.at };
  }

  async lowestSeq(): Promise<number | undefined> {
    this.check();
    const seq: unknown = this.statements.lowest.get()?.seq;
    return typeof seq === 'number' ? seq : undefined;
  }

  async unreadSeq(throughSeq: number): Promise<unknown> {
    this.check();
    // seq as the table's rowid (as Vigil creates it) holds whole numbers, each once: no scan.
    const keys = (this.db.pragma('table_info(events)') as { name: string; type: string; pk: number }[]).filter((c) => c.pk > 0);
    const [table] = this.db.pragma("table_list('events')") as { wr: number }[];
    if (keys.length === 1 && keys[0]?.name === 'seq' && keys[0].type.toUpperCase() === 'INTEGER' && table?.wr === 0) return undefined;
    // A table rebuilt by hand: one pass for the first seq that is no whole number, or stored twice.
    const unread = this.db.prepare<[number], { seq: unknown }>(
      `SELECT seq FROM events WHERE typeof(seq) <> 'integer' OR seq <= ? GROUP BY seq
       HAVING typeof(seq) <> 'integer' OR count(*) > 1 ORDER BY typeof(seq) = 'integer', seq LIMIT 1`,
    );
    return unread.get(throughSeq)?.seq;
  }

  /** The last seq reads may show: before this log's first append still being flushed. */
  private visibleTo(): number {
    const first = this.unflushed[0];
    return first === undefined ? Number.MAX_SAFE_INTEGER : first - 1;
  }

  async publicKeys(): Promise<Record<string, string>> {
    this.check();
    const keys: Record<string, string> = {};
    for (const row of this.statements.publicKeys.all()) keys[row.key_id] = row.public_key;
    return keys;
  }

  subscribe(listener: (events: readonly StoredEvent[]) => void): () => void {
    this.check();
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.wal.close();
    await this.checkpointer?.close();
    this.db.close();
  }
}
