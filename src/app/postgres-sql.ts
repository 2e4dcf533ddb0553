/** The SQL port over node-postgres: a pool, `?` placeholders numbered, bigint read as numbers. */
import pg from 'pg';
import { inTransaction } from '../log/postgres-event-log.js';
import type { Row, SqlDatabase, SqlValue } from './sql.js';

/** `?` -> `$1, $2, ...` (queries here hold no `?` inside string literals). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Column types whose text values are read as numbers: int8, numeric, float8. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700 || oid === 701) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/** Opens a pool on `connectionString` with `schema` first on the search path. */
export function openPostgresSql(connectionString: string, schema: string): SqlDatabase {
  const pool = new pg.Pool({ connectionString, max: 4, types, options: `-c search_path=${schema}` });
  pool.on('error', () => undefined);
  return new PostgresSql(pool, pool);
}

/**
 * The advisory lock that serializes schema migrations of every Vigil process on the database:
 * the key the log's own migrations take (`postgres-event-log.ts`).
 */
const MIGRATION_LOCK = 7_261_001;

/**
 * Within a transaction of `tx`, waits until no other process migrates (PostgreSQL: a
 * transaction-scoped advisory lock, released at commit or rollback). Does nothing on SQLite,
 * whose write transactions already exclude each other (`BEGIN IMMEDIATE`). Creating a table
 * while another process creates it too fails in PostgreSQL even with `IF NOT EXISTS`, so every
 * start-up step that changes the schema runs under this lock, and reads what is there under it.
 */
export async function lockForMigration(tx: SqlDatabase): Promise<void> {
  if (tx.dialect === 'postgres') await tx.run('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK]);
}

type Queryable = pg.Pool | pg.PoolClient;

class PostgresSql implements SqlDatabase {
  readonly dialect = 'postgres' as const;

  constructor(
    private readonly pool: pg.Pool,
    private readonly client: Queryable,
  ) {}

  async run(sql: string, params: readonly SqlValue[] = []): Promise<void> {
    await this.client.query(numbered(sql), [...params]);
  }

  async all<R extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    return (await this.client.query(numbered(sql), [...params])).rows as R[];
  }

  async insertMany(into: string, rows: readonly (readonly SqlValue[])[], skipDuplicates = false): Promise<void> {
    const width = rows[0]?.length ?? 0;
    if (width === 0) return;
    // Chunks within PostgreSQL's 65,535 parameters per statement.
    const perChunk = Math.floor(60_000 / width);
    for (let start = 0; start < rows.length; start += perChunk) {
      const chunk = rows.slice(start, start + perChunk);
      let n = 0;
      const values = chunk.map((row) => `(${row.map(() => `$${++n}`).join(', ')})`).join(', ');
      await this.client.query(`INSERT INTO ${into} VALUES ${values}${skipDuplicates ? ' ON CONFLICT DO NOTHING' : ''}`, chunk.flat());
    }
  }

  async transaction<T>(fn: (tx: SqlDatabase) => Promise<T>): Promise<T> {
    if (this.client !== this.pool) return fn(this);
    return inTransaction(this.pool, (client) => fn(new PostgresSql(this.pool, client)));
  }

  async close(): Promise<void> {
    if (this.client === this.pool) await this.pool.end();
  }
}
