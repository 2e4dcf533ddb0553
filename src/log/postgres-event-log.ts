/**
 * The scale-out event log: PostgreSQL through `pg`, several Vigil servers on one log.
 *
 * Appends serialize on a row lock (`SELECT ... FOR UPDATE` on the one row of `log_lock`),
 * taken first in every append transaction; under READ COMMITTED each later statement sees what
 * the previous holder committed, so every writer chains onto the true head. A commit returns
 * only once PostgreSQL has it durable (with the server's default `synchronous_commit`).
 * All tables live in one schema (default `vigil`), so one database can hold several logs.
 */
import pg from 'pg';
import type { PoolClient } from 'pg';
import { VigilError } from '../core/errors.js';
import { appendResults, planAppend, prepareEvents } from './append-plan.js';
import type { AppendPlan, PreparedEvent, StoredDedupe } from './append-plan.js';
import { CHECKPOINT_TYPE, recordToEvent } from './event.js';
import type { EventRecord, StoredEvent } from './event.js';
import { AppendListeners, closedLogError, pagedRecords } from './event-log.js';
import type { EventLog, EventLogOptions, LogHead, NewEvent, ReadQuery } from './event-log.js';
import { postgresMigrations } from './postgres-schema.js';

/** Where and how to open the PostgreSQL log. */
export interface PostgresEventLogOptions extends EventLogOptions {
  /** `postgres://user@host:port/database`. */
  readonly connectionString: string;
  /** The schema holding the log's tables, created when missing. Default `vigil`. */
  readonly schema?: string;
  /** Connections in the pool, default 4. */
  readonly poolSize?: number;
}

/** The channel the adapter notifies on each commit, payload `<schema>:<head seq>`. */
export const NOTIFY_CHANNEL = 'vigil_log';

const COLUMNS = 'seq, id, at, type, stream, actor, data, prev, hash';
/** Rows per INSERT ... SELECT FROM unnest(...): bounded statements for huge batches. */
const ROWS_PER_INSERT = 5_000;
/** Serializes schema migrations of every Vigil log in the database (pg_advisory_xact_lock key). */
const MIGRATION_LOCK = 7_261_001;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

interface RecordRow extends Omit<EventRecord, 'seq'> {
  readonly seq: string;
}

function toRecord(row: RecordRow): EventRecord {
  return { ...row, seq: Number(row.seq) };
}

/**
 * Opens the log in `options.schema` of the database, creating the schema and bringing it up to
 * date (migrations serialized across processes). Throws VigilError `LOG_UNAVAILABLE` when the
 * schema was written by a newer version, or for a schema name other than lowercase
 * letters, digits and `_`; connection errors pass through.
 */
export async function openPostgresEventLog(options: PostgresEventLogOptions): Promise<EventLog> {
  const schema = options.schema ?? 'vigil';
  if (!SCHEMA_NAME.test(schema))
    throw new VigilError('LOG_UNAVAILABLE', `bad schema name ${JSON.stringify(schema)}`);
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.poolSize ?? 4 });
  // An idle client's error (server restart) must not crash the process; the next query fails.
  pool.on('error', () => undefined);
  try {
    await migrate(pool, schema);
    const log = new PostgresEventLog(pool, schema, options);
    const key = options.signingKey;
    if (key !== undefined) {
      await pool.query(
        `INSERT INTO ${schema}.signing_keys (key_id, public_key, first_used) VALUES ($1, $2, now()) ON CONFLICT (key_id) DO NOTHING`,
        [key.keyId, key.publicKeyPem],
      );
    }
    return log;
  } catch (error) {
    await pool.end();
    throw error;
  }
}

async function migrate(pool: pg.Pool, schema: string): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number | null }>(
      `SELECT max(version) AS version FROM ${schema}.schema_migrations`,
    );
    const applied = rows[0]?.version ?? 0;
    const migrations = postgresMigrations(schema);
    const latest = migrations[migrations.length - 1]?.version ?? 0;
    if (applied > latest) {
      throw new VigilError(
        'LOG_UNAVAILABLE',
        `the database has schema version ${applied}; this Vigil knows up to ${latest}`,
      );
    }
    for (const migration of migrations) {
      if (migration.version <= applied) continue;
      await client.query(migration.sql);
      await client.query(`INSERT INTO ${schema}.schema_migrations (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
    }
  });
}

/** Runs `work` in one transaction on a client of `pool`: committed, or rolled back on error. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

class PostgresEventLog implements EventLog {
  private closed = false;
  /** The last append in progress: appends of one instance run one at a time, in call order. */
  private appending: Promise<unknown> = Promise.resolve();
  private readonly listeners: AppendListeners;

  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly options: PostgresEventLogOptions,
  ) {
    this.listeners = new AppendListeners(options.onListenerError);
  }

  private now(): number {
    return (this.options.clock?.() ?? new Date()).getTime();
  }

  private check(): void {
    if (this.closed) throw closedLogError();
  }

  /** Runs `work` after the appends before it, so listeners see batches in commit order. */
  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const result = this.appending.then(work);
    this.appending = result.catch(() => undefined);
    return result;
  }

  async append(events: readonly NewEvent[]): Promise<StoredEvent[]> {
    this.check();
    if (events.length === 0) return [];
    const prepared = prepareEvents(events, this.now());
    return this.serialized(async () => {
      const { plan, stored } = await inTransaction(this.pool, (client) =>
        this.appendLocked(client, prepared, false),
      );
      this.listeners.emit(plan.events);
      return appendResults(plan, stored);
    });
  }

  async checkpoint(): Promise<StoredEvent | undefined> {
    this.check();
    if (this.options.signingKey === undefined) return undefined;
    return this.serialized(async () => {
      const { plan } = await inTransaction(this.pool, (client) => this.appendLocked(client, [], true));
      this.listeners.emit(plan.events);
      return plan.events[plan.events.length - 1];
    });
  }

  /** Runs inside the append transaction: lock, read what the plan needs, plan, write. */
  private async appendLocked(
    client: PoolClient,
    prepared: readonly PreparedEvent[],
    force: boolean,
  ): Promise<{ plan: AppendPlan; stored: Map<number, EventRecord> }> {
    const s = this.schema;
    await client.query(`SELECT 1 FROM ${s}.log_lock WHERE id = 1 FOR UPDATE`);
    const { rows: state } = await client.query<{
      seq: string | null;
      hash: string | null;
      at: string | null;
      first_at: string | null;
      checkpoint_seq: string | null;
      checkpoint_at: string | null;
    }>(
      `SELECT t.seq, t.hash, t.at, (SELECT at FROM ${s}.events WHERE seq = 1) AS first_at,
              c.seq AS checkpoint_seq, c.at AS checkpoint_at
         FROM (SELECT 1) AS one
         LEFT JOIN LATERAL (SELECT seq, hash, at FROM ${s}.events ORDER BY seq DESC LIMIT 1) AS t ON true
         LEFT JOIN LATERAL (SELECT seq, at FROM ${s}.events WHERE type = '${CHECKPOINT_TYPE}' ORDER BY seq DESC LIMIT 1) AS c ON true`,
    );
    // One row always; its columns are null for an empty log or one without checkpoints.
    const row = state[0];
    const tail =
      row?.seq && row.hash !== null && row.at !== null
        ? { seq: Number(row.seq), hash: row.hash, at: row.at }
        : undefined;

    const storedKeys = new Map<string, StoredDedupe>();
    const keys = prepared.flatMap((event) => (event.dedupe === undefined ? [] : [event.dedupe.key]));
    if (keys.length > 0) {
      const { rows } = await client.query<{ key: string; fingerprint: string; seq: string }>(
        `SELECT key, fingerprint, seq FROM ${s}.event_dedupe WHERE key = ANY($1::text[])`,
        [keys],
      );
      for (const found of rows)
        storedKeys.set(found.key, { fingerprint: found.fingerprint, seq: Number(found.seq) });
    }

    const key = this.options.signingKey;
    const plan = planAppend(prepared, {
      tail,
      storedKeys,
      nowMs: this.now(),
      forceCheckpoint: force,
      checkpoints:
        key === undefined
          ? undefined
          : {
              key,
              policy: this.options.checkpointPolicy,
              last:
                row?.checkpoint_seq && row.checkpoint_at !== null
                  ? { seq: Number(row.checkpoint_seq), at: row.checkpoint_at }
                  : undefined,
              firstAt: row?.first_at ?? undefined,
            },
    });

    for (let start = 0; start < plan.records.length; start += ROWS_PER_INSERT) {
      const chunk = plan.records.slice(start, start + ROWS_PER_INSERT);
      await client.query(
        `INSERT INTO ${s}.events (${COLUMNS})
           SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])`,
        [
          chunk.map((r) => r.seq),
          chunk.map((r) => r.id),
          chunk.map((r) => r.at),
          chunk.map((r) => r.type),
          chunk.map((r) => r.stream),
          chunk.map((r) => r.actor),
          chunk.map((r) => r.data),
          chunk.map((r) => r.prev),
          chunk.map((r) => r.hash),
        ],
      );
    }
    if (plan.newKeys.length > 0) {
      await client.query(
        `INSERT INTO ${s}.event_dedupe (key, fingerprint, seq) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])`,
        [
          plan.newKeys.map((k) => k.key),
          plan.newKeys.map((k) => k.fingerprint),
          plan.newKeys.map((k) => k.seq),
        ],
      );
    }
    const last = plan.records[plan.records.length - 1];
    if (last !== undefined)
      await client.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, `${s}:${last.seq}`]);

    const stored = new Map<number, EventRecord>();
    const storedSeqs = [
      ...new Set(plan.slots.flatMap((slot) => ('storedSeq' in slot ? [slot.storedSeq] : []))),
    ];
    if (storedSeqs.length > 0) {
      const { rows } = await client.query<RecordRow>(
        `SELECT ${COLUMNS} FROM ${s}.events WHERE seq = ANY($1::bigint[])`,
        [storedSeqs],
      );
      for (const found of rows) stored.set(Number(found.seq), toRecord(found));
      const missing = storedSeqs.find((seq) => !stored.has(seq));
      if (missing !== undefined)
        throw new VigilError('LOG_CORRUPT', `dedupe key points at missing event ${missing}`);
    }
    return { plan, stored };
  }

  async *read(query?: ReadQuery): AsyncIterable<StoredEvent> {
    for await (const page of this.readRecords(query)) {
      for (const record of page) yield recordToEvent(record);
    }
  }

  readRecords(query?: ReadQuery, pageSize = 2_000): AsyncIterable<readonly EventRecord[]> {
    this.check();
    const s = this.schema;
    return pagedRecords(query, pageSize, async (from, to, stream, n) => {
      this.check();
      const { rows } =
        stream === undefined
          ? await this.pool.query<RecordRow>(
              `SELECT ${COLUMNS} FROM ${s}.events WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT $3`,
              [from, to, n],
            )
          : await this.pool.query<RecordRow>(
              `SELECT ${COLUMNS} FROM ${s}.events WHERE seq >= $1 AND seq <= $2 AND stream = $3 ORDER BY seq LIMIT $4`,
              [from, to, stream, n],
            );
      return rows.map(toRecord);
    });
  }

  async sync(): Promise<void> {
    // A commit PostgreSQL lets others see is already durable (synchronous_commit).
  }

  async head(): Promise<LogHead | undefined> {
    this.check();
    const { rows } = await this.pool.query<{ seq: string; hash: string; at: string }>(
      `SELECT seq, hash, at FROM ${this.schema}.events ORDER BY seq DESC LIMIT 1`,
    );
    const row = rows[0];
    return row === undefined ? undefined : { seq: Number(row.seq), hash: row.hash, at: row.at };
  }

  async lowestSeq(): Promise<number | undefined> {
    this.check();
    const { rows } = await this.pool.query<{ seq: string | null }>(`SELECT min(seq) AS seq FROM ${this.schema}.events`);
    const seq = rows[0]?.seq;
    return seq === null || seq === undefined ? undefined : Number(seq);
  }

  async unreadSeq(throughSeq: number): Promise<unknown> {
    this.check();
    // seq is a bigint column: only a seq stored twice (the key dropped) goes unread.
    const { rows } = await this.pool.query<{ seq: string }>(
      `SELECT seq FROM ${this.schema}.events WHERE seq <= $1 GROUP BY seq HAVING count(*) > 1 ORDER BY seq LIMIT 1`,
      [throughSeq],
    );
    const seq = rows[0]?.seq;
    return seq === undefined ? undefined : Number(seq);
  }

  async publicKeys(): Promise<Record<string, string>> {
    this.check();
    const { rows } = await this.pool.query<{ key_id: string; public_key: string }>(
      `SELECT key_id, public_key FROM ${this.schema}.signing_keys ORDER BY first_used, key_id`,
    );
    const keys: Record<string, string> = {};
    for (const row of rows) keys[row.key_id] = row.public_key;
    return keys;
  }

  subscribe(listener: (events: readonly StoredEvent[]) => void): () => void {
    this.check();
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.appending;
    await this.pool.end();
  }
}
