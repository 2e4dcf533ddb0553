/** The SQL port over better-sqlite3: one connection, statements cached. */
import Database from 'better-sqlite3';
import { BACKSTOP_CHECKPOINT_PAGES } from '../log/wal-sync.js';
import type { Row, SqlDatabase, SqlValue } from './sql.js';

/** Opens a connection to the SQLite file at `path` (WAL, shared with the event log). */
export function openSqliteSql(path: string): SqlDatabase {
  const db = new Database(path, { timeout: 10_000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // Checkpoints are the log's checkpointer's business (off the main thread); this is the backstop.
  db.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
  return new SqliteSql(db);
}

/**
 * The connection as seen from outside any transaction. A write made while a transaction is open
 * waits for it to end, or it would commit or roll back with work that is not its own; a
 * transaction's own statements go through the handle it is given (`SqliteTransaction`).
 */
class SqliteSql implements SqlDatabase {
  readonly dialect = 'sqlite' as const;
  readonly #statements = new Map<string, Database.Statement>();
  /** The handle given to transactions: its statements run inside the open one. */
  readonly #inside: SqliteTransaction;
  /** Settles when the open transaction ends: one connection, so one transaction at a time. */
  #open: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: Database.Database) {
    this.#inside = new SqliteTransaction(this);
  }

  /** The cached statement for `sql`. */
  prepare(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<void> {
    if (this.db.inTransaction) return this.#serialized(async () => this.run(sql, params));
    this.prepare(sql).run(...params);
  }

  async all<R extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    return this.prepare(sql).all(...params) as R[];
  }

  async insertMany(into: string, rows: readonly (readonly SqlValue[])[], skipDuplicates = false): Promise<void> {
    if (rows.length === 0) return;
    if (this.db.inTransaction) return this.#serialized(async () => this.insertMany(into, rows, skipDuplicates));
    this.db.transaction(() => this.#inside.insertRows(into, rows, skipDuplicates))();
  }

  async transaction<T>(fn: (tx: SqlDatabase) => Promise<T>): Promise<T> {
    // better-sqlite3 transactions are synchronous; ours may await between statements, so use
    // explicit BEGIN/COMMIT. Concurrent callers (requests of a server) queue.
    return this.#serialized(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.#inside);
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  /** Runs `task` after every transaction queued before it has ended. */
  #serialized<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#open.then(task, task);
    this.#open = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** The handle of the open transaction: statements run at once, a nested transaction joins. */
class SqliteTransaction implements SqlDatabase {
  readonly dialect = 'sqlite' as const;

  constructor(private readonly outside: SqliteSql) {}

  async run(sql: string, params: readonly SqlValue[] = []): Promise<void> {
    this.outside.prepare(sql).run(...params);
  }

  async all<R extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    return this.outside.prepare(sql).all(...params) as R[];
  }

  async insertMany(into: string, rows: readonly (readonly SqlValue[])[], skipDuplicates = false): Promise<void> {
    this.insertRows(into, rows, skipDuplicates);
  }

  insertRows(into: string, rows: readonly (readonly SqlValue[])[], skipDuplicates = false): void {
    const first = rows[0];
    if (first === undefined) return;
    const statement = this.outside.prepare(
      `INSERT INTO ${into} VALUES (${first.map(() => '?').join(', ')})${skipDuplicates ? ' ON CONFLICT DO NOTHING' : ''}`,
    );
    for (const row of rows) statement.run(...row);
  }

  async transaction<T>(fn: (tx: SqlDatabase) => Promise<T>): Promise<T> {
    return fn(this);
  }

  async close(): Promise<void> {
    // The connection belongs to the outside handle.
  }
}
