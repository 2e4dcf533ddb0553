/**
 * The stores the application tests run over: SQLite in a fresh directory, and PostgreSQL in a
 * fresh schema when VIGIL_TEST_DATABASE_URL is set (CI starts a cluster for it; see
 * scripts/pg-test-cluster.sh). Where PostgreSQL is absent the suite says so, loudly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Store, type StoreOptions } from '../../src/app/store.js';

export interface StoreFixture {
  readonly name: 'sqlite' | 'postgres';
  readonly unavailable: string | undefined;
  /** Options for a fresh, empty store (open it with Store.open, maybe several times). */
  fresh(): Promise<{ options: StoreOptions; dispose(): Promise<void> }>;
}

const pgUrl = process.env.VIGIL_TEST_DATABASE_URL;
let schemas = 0;

export const STORES: readonly StoreFixture[] = [
  {
    name: 'sqlite',
    unavailable: undefined,
    async fresh() {
      const dataDir = mkdtempSync(join(tmpdir(), 'vigil-app-test-'));
      return { options: { dataDir }, dispose: async () => rmSync(dataDir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'postgres',
    unavailable: pgUrl === undefined || pgUrl === '' ? 'VIGIL_TEST_DATABASE_URL is not set' : undefined,
    async fresh() {
      const dataDir = mkdtempSync(join(tmpdir(), 'vigil-app-test-'));
      const schema = `app_test_${process.pid}_${++schemas}`;
      return {
        options: { dataDir, databaseUrl: pgUrl ?? '', schema },
        async dispose() {
          const client = new pg.Client({ connectionString: pgUrl });
          await client.connect();
          await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          await client.end();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  },
];

/** Announces, once per file, a store suite that cannot run here. */
export function announceUnavailable(fixture: StoreFixture): void {
  if (fixture.unavailable !== undefined) {
    console.warn(`\n*** ${fixture.name} application suite NOT RUN: ${fixture.unavailable} ***\n`);
  }
}

/** A clock the test moves by hand. */
export function fakeClock(start: number): { now: () => Date; set(ms: number): void } {
  let t = start;
  return { now: () => new Date(t), set: (ms) => (t = ms) };
}

export { Store };
