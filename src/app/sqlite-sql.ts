/** The SQL port over better-sqlite3: one connection, statements cached. */
import { AsyncLocalStorage } from 'node:async_hooks';
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

class SqliteSql implements SqlDatabase {
  readonly dialect = 'sqlite' as const;
  readonly #statements = new Map<string, Database.Statement>();
  /** Set inside the async context of the open transaction (a nested call joins it). */
  readonly #inside = new AsyncLocalStorage<true>();
  /** Settles when the open transaction ends: one connection, so one transaction at a time. */
  #open: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: Database.Database) {}

  #prepare(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<void> {
    // A write from outside the open transaction waits for it, or it would commit or roll
    // back with work that is not its own.
    if (this.db.inTransaction && this.#inside.getStore() === undefined) return this.#serialized(async () => this.run(sql, params));
    this.#prepare(sql).run(...params);
  }

  async all<R extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    return this.#prepare(sql).all(...params) as R[];
  }

  async insertMany(into: string, rows: readonly (readonly SqlValue[])[]): Promise<void> {
    const first = rows[0];
    if (first === undefined) return;
    const statement = this.#prepare(`INSERT INTO ${into} VALUES (${first.map(() => '?').join(', ')})`);
    const insert = () => {
      for (const row of rows) statement.run(...row);
    };
    if (this.#inside.getStore() !== undefined) insert();
    else if (this.db.inTransaction) await this.#serialized(async () => this.insertMany(into, rows));
    else this.db.transaction(insert)();
  }

  async transaction<T>(fn: (tx: SqlDatabase) => Promise<T>): Promise<T> {
    // better-sqlite3 transactions are synchronous; ours may await between statements, so use
    // explicit BEGIN/COMMIT. Concurrent callers (requests of a server) queue; a nested call
    // from inside the transaction joins it.
    if (this.#inside.getStore() !== undefined) return fn(this);
    return this.#serialized(() =>
      this.#inside.run(true, async () => {
        this.db.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(this);
          this.db.exec('COMMIT');
          return result;
        } catch (error) {
          if (this.db.inTransaction) this.db.exec('ROLLBACK');
          throw error;
        }
      }),
    );
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
