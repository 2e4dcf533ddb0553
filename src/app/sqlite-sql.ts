/** The SQL port over better-sqlite3: one connection, statements cached. */
import Database from 'better-sqlite3';
import type { Row, SqlDatabase, SqlValue } from './sql.js';

/** Opens a connection to the SQLite file at `path` (WAL, shared with the event log). */
export function openSqliteSql(path: string): SqlDatabase {
  const db = new Database(path, { timeout: 10_000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return new SqliteSql(db);
}

class SqliteSql implements SqlDatabase {
  readonly dialect = 'sqlite' as const;
  readonly #statements = new Map<string, Database.Statement>();
  #depth = 0;

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
    if (this.db.inTransaction) insert();
    else this.db.transaction(insert)();
  }

  async transaction<T>(fn: (tx: SqlDatabase) => Promise<T>): Promise<T> {
    // better-sqlite3 transactions are synchronous; ours may await between statements, so use
    // explicit BEGIN/COMMIT (nested calls join the outer transaction).
    if (this.#depth > 0) return fn(this);
    this.db.exec('BEGIN IMMEDIATE');
    this.#depth++;
    try {
      const result = await fn(this);
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    } finally {
      this.#depth--;
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
