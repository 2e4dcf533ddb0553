/**
 * The account tables: users, API tokens, sessions and sign-in failures. Unlike the projections
 * they are not derived from the log (password hashes never enter it), so they are migrated,
 * never dropped: each schema version adds its steps, and a store keeps its accounts across
 * upgrades.
 */
import { VigilError } from '../core/errors.js';
import { lockForMigration } from './postgres-sql.js';
import type { SqlDatabase } from './sql.js';

/**
 * The steps of each version, oldest first: MIGRATIONS[k] takes the tables from version k to
 * version k + 1. Append a version; never edit one that has shipped. Steps run under the
 * migration lock (`lockForMigration`), and stay idempotent (`IF NOT EXISTS`).
 */
const MIGRATIONS: readonly (readonly string[])[] = [
  [
    // Roles and compartments are JSON arrays; disabled is 0 or 1; times are ms since the epoch.
    `CREATE TABLE IF NOT EXISTS auth_users (id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE,
       password_hash TEXT NOT NULL, roles TEXT NOT NULL, clearance TEXT NOT NULL, compartments TEXT NOT NULL,
       disabled INTEGER NOT NULL, created_ms BIGINT NOT NULL)`,
    // The SHA-256 of each token's secret, never the secret.
    `CREATE TABLE IF NOT EXISTS auth_tokens (id TEXT PRIMARY KEY, name TEXT NOT NULL, secret_hash TEXT NOT NULL,
       roles TEXT NOT NULL, clearance TEXT NOT NULL, compartments TEXT NOT NULL, created_ms BIGINT NOT NULL,
       revoked_ms BIGINT)`,
    // Found by the SHA-256 of the cookie's secret; `id` is what events name.
    `CREATE TABLE IF NOT EXISTS auth_sessions (id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL UNIQUE,
       csrf_token TEXT NOT NULL, user_id TEXT NOT NULL, created_ms BIGINT NOT NULL, last_seen_ms BIGINT NOT NULL,
       expires_ms BIGINT NOT NULL)`,
    'CREATE INDEX IF NOT EXISTS auth_sessions_by_user ON auth_sessions (user_id)',
    // Consecutive failed sign-ins per user name, whether or not a user has that name.
    'CREATE TABLE IF NOT EXISTS auth_failures (username TEXT PRIMARY KEY, failures INTEGER NOT NULL, locked_until_ms BIGINT)',
  ],
];

/** The version the code expects. */
export const ACCOUNTS_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the account tables up to ACCOUNTS_SCHEMA_VERSION in one transaction, under the
 * migration lock (several processes may start at once on one PostgreSQL store: one migrates,
 * the others then find the tables at the version). Throws VigilError LOG_UNAVAILABLE when the
 * store was written by a newer version.
 */
export async function migrateAccounts(db: SqlDatabase): Promise<void> {
  // Most starts find the tables at the version: no write transaction for them.
  if ((await metaExists(db)) && (await storedVersion(db)) === ACCOUNTS_SCHEMA_VERSION) return;
  await db.transaction(async (tx) => {
    await lockForMigration(tx);
    await tx.run('CREATE TABLE IF NOT EXISTS auth_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)');
    let version = await storedVersion(tx);
    if (version > ACCOUNTS_SCHEMA_VERSION) {
      throw new VigilError(
        'LOG_UNAVAILABLE',
        `the account tables are at schema version ${version}; this Vigil knows up to ${ACCOUNTS_SCHEMA_VERSION} (upgrade Vigil)`,
      );
    }
    for (; version < ACCOUNTS_SCHEMA_VERSION; version++) {
      for (const step of MIGRATIONS[version] ?? []) await tx.run(step);
      await tx.run(
        "INSERT INTO auth_meta (name, value) VALUES ('schema', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        [String(version + 1)],
      );
    }
  });
}

/** True when `auth_meta` exists (asked of the catalogue: a failed read would end a PostgreSQL transaction). */
async function metaExists(db: SqlDatabase): Promise<boolean> {
  const rows =
    db.dialect === 'postgres'
      ? await db.all("SELECT 1 AS x WHERE to_regclass('auth_meta') IS NOT NULL")
      : await db.all("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = 'auth_meta'");
  return rows.length > 0;
}

async function storedVersion(db: SqlDatabase): Promise<number> {
  const rows = await db.all<{ value: string }>("SELECT value FROM auth_meta WHERE name = 'schema'");
  return rows[0] === undefined ? 0 : Number(rows[0].value);
}
