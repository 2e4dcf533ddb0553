/**
 * A small SQL port for the projections: enough to run the same queries on SQLite and
 * PostgreSQL. Queries use `?` placeholders; the PostgreSQL adapter numbers them.
 */

export type SqlValue = string | number | null;
export type Row = Record<string, SqlValue>;

export interface SqlDatabase {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs a statement. */
  run(sql: string, params?: readonly SqlValue[]): Promise<void>;
  /** Runs a query; rows with numbers for numeric columns. */
  all<R extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<R[]>;
  /**
   * Inserts many rows: `INSERT INTO <into> VALUES (...)` once per row, each row's values in
   * column order. Faster than `run` per row (one statement per chunk on PostgreSQL). With
   * `skipDuplicates`, a row whose key is already stored is left out (`ON CONFLICT DO NOTHING`).
   */
  insertMany(into: string, rows: readonly (readonly SqlValue[])[], skipDuplicates?: boolean): Promise<void>;
  /** Runs `fn` in one transaction; its statements commit together or not at all. */
  transaction<T>(fn: (tx: SqlDatabase) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
