/**
 * The stores the contract suite runs over. Each test gets a fresh one: a new temporary
 * directory for SQLite, a new schema for PostgreSQL (dropped afterwards). `raw` reaches under
 * the log, as someone with database access would, to tamper with what is stored.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { EventRecord } from '../../../src/log/event.js';
import type { EventLog, EventLogOptions } from '../../../src/log/event-log.js';
import { openPostgresEventLog } from '../../../src/log/postgres-event-log.js';
import { openSqliteEventLog, sqliteDatabasePath } from '../../../src/log/sqlite-event-log.js';

/** Direct access to the stored rows, bypassing the log (and its append-only triggers). */
export interface RawStore {
  rows(): Promise<EventRecord[]>;
  /** Sets one column of one event to `value`. */
  update(seq: number, column: keyof EventRecord, value: string | number): Promise<void>;
  /** Replaces every stored event by `records`. */
  replaceAll(records: readonly EventRecord[]): Promise<void>;
  /** Drops the key on seq (as a tamperer rebuilding the table may), so a seq can be stored twice. */
  dropSeqKey(): Promise<void>;
  close(): Promise<void>;
}

/** One fresh store. */
export interface TestStore {
  readonly log: EventLog;
  /** Another log instance on the same store (closed with the store). */
  open(options?: EventLogOptions): Promise<EventLog>;
  readonly raw: RawStore;
  /** How a child process (test/log/fixtures/append-child.mjs) reaches this store. */
  readonly childLocation: Record<string, string>;
  dispose(): Promise<void>;
}

/** An adapter under test. */
export interface AdapterFixture {
  readonly name: 'sqlite' | 'postgres';
  /** Undefined when it can run here, else why not. */
  readonly unavailable: string | undefined;
  create(options?: EventLogOptions): Promise<TestStore>;
}

const COLUMNS = ['seq', 'id', 'at', 'type', 'stream', 'actor', 'data', 'prev', 'hash'] as const;

const sqlite: AdapterFixture = {
  name: 'sqlite',
  unavailable: undefined,
  async create(options = {}) {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-log-test-'));
    const logs: EventLog[] = [];
    const open = async (more: EventLogOptions = {}): Promise<EventLog> => {
      const log = await openSqliteEventLog({ ...more, dataDir });
      logs.push(log);
      return log;
    };
    const log = await open(options);
    const db = new Database(sqliteDatabasePath(dataDir));
    const unlock = (): void => {
      db.exec('DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete;');
    };
    const raw: RawStore = {
      async rows() {
        return db.prepare(`SELECT ${COLUMNS.join(', ')} FROM events ORDER BY seq`).all() as EventRecord[];
      },
      async update(seq, column, value) {
        unlock();
        db.prepare(`UPDATE events SET ${column} = ? WHERE seq = ?`).run(value, seq);
      },
      async replaceAll(records) {
        unlock();
        const insert = db.prepare(
          `INSERT INTO events (${COLUMNS.join(', ')}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        );
        db.transaction(() => {
          db.exec('DELETE FROM events');
          for (const r of records) insert.run(COLUMNS.map((c) => r[c]));
        })();
      },
      async dropSeqKey() {
        db.exec(`CREATE TABLE keyless (seq INTEGER, id TEXT, at TEXT, type TEXT, stream TEXT, actor TEXT, data TEXT, prev TEXT, hash TEXT);
          INSERT INTO keyless SELECT ${COLUMNS.join(', ')} FROM events; DROP TABLE events; ALTER TABLE keyless RENAME TO events;`);
      },
      async close() {
        db.close();
      },
    };
    return {
      log,
      open,
      raw,
      childLocation: { adapter: 'sqlite', dataDir },
      async dispose() {
        for (const l of logs) await l.close();
        await raw.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

const databaseUrl = process.env.VIGIL_TEST_DATABASE_URL;
let schemaCounter = 0;

const postgres: AdapterFixture = {
  name: 'postgres',
  unavailable: databaseUrl === undefined || databaseUrl === '' ? 'set VIGIL_TEST_DATABASE_URL' : undefined,
  async create(options = {}) {
    const connectionString = databaseUrl as string;
    const schema = `vigil_test_${process.pid}_${++schemaCounter}_${Math.random().toString(36).slice(2, 8)}`;
    const logs: EventLog[] = [];
    const open = async (more: EventLogOptions = {}): Promise<EventLog> => {
      const log = await openPostgresEventLog({ ...more, connectionString, schema, poolSize: 2 });
      logs.push(log);
      return log;
    };
    const log = await open(options);
    const client = new pg.Client({ connectionString });
    await client.connect();
    const unlock = async (): Promise<void> => {
      await client.query(`DROP TRIGGER IF EXISTS events_append_only ON ${schema}.events`);
    };
    const raw: RawStore = {
      async rows() {
        const { rows } = await client.query<EventRecord & { seq: string }>(
          `SELECT ${COLUMNS.join(', ')} FROM ${schema}.events ORDER BY seq`,
        );
        return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
      },
      async update(seq, column, value) {
        await unlock();
        await client.query(`UPDATE ${schema}.events SET ${column} = $1 WHERE seq = $2`, [value, seq]);
      },
      async replaceAll(records) {
        await unlock();
        await client.query('BEGIN');
        await client.query(`DELETE FROM ${schema}.events`);
        for (const r of records) {
          await client.query(
            `INSERT INTO ${schema}.events (${COLUMNS.join(', ')}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
            COLUMNS.map((c) => r[c]),
          );
        }
        await client.query('COMMIT');
      },
      async dropSeqKey() {
        await client.query(`ALTER TABLE ${schema}.events DROP CONSTRAINT events_pkey`);
      },
      async close() {
        await client.end();
      },
    };
    return {
      log,
      open,
      raw,
      childLocation: { adapter: 'postgres', connectionString, schema },
      async dispose() {
        for (const l of logs) await l.close();
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await raw.close();
      },
    };
  },
};

/** Every adapter; the contract suite runs over each one. */
export const ADAPTERS: readonly AdapterFixture[] = [sqlite, postgres];
