/**
 * The projection tables: state derived from the log, in the same database. Being derived, they
 * are rebuilt rather than migrated: a schema version other than the current one drops them and
 * the projector replays the log into fresh tables.
 */
import { lockForMigration } from './postgres-sql.js';
import type { SqlDatabase } from './sql.js';
import { WARNING_CREATE, WARNING_TABLES } from './warning-projection.js';

/**
 * Bump when the tables below change, or the rules that fill them; older tables are dropped and
 * rebuilt from the log. 6: an acknowledgment is kept only for the version current when it was
 * written, and a waiting step or an exhausted escalation touches only the current version's timer
 * (rebuilt, a store projected by an earlier Vigil follows the same rules for its past events).
 */
export const PROJECTION_SCHEMA_VERSION = 6;

const TABLES = ['proj_current', 'proj_problem_versions', 'proj_reports', 'proj_corrections', 'proj_levels', 'proj_snapshots', 'proj_meta', ...WARNING_TABLES];

const CREATE = [
  // name -> value: 'schema' (version), 'cursor' (the seq of the last event projected).
  'CREATE TABLE proj_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)',
  // Every version of every problem's model.
  `CREATE TABLE proj_problem_versions (problem TEXT NOT NULL, version INTEGER NOT NULL, seq BIGINT NOT NULL,
     at_ms BIGINT NOT NULL, actor TEXT NOT NULL, model TEXT NOT NULL, PRIMARY KEY (problem, version))`,
  // Every report received, as its wire JSON, found by problem and received instant.
  `CREATE TABLE proj_reports (problem TEXT NOT NULL, id TEXT NOT NULL, seq BIGINT NOT NULL, received_ms BIGINT NOT NULL,
     event_at_ms BIGINT NOT NULL, indicator TEXT NOT NULL, source TEXT NOT NULL, classification TEXT NOT NULL,
     compartments TEXT NOT NULL, backfilled INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (problem, id))`,
  'CREATE INDEX proj_reports_by_received ON proj_reports (problem, received_ms, seq)',
  'CREATE INDEX proj_reports_by_seq ON proj_reports (problem, seq)',
  // The reports above the lowest marking: few, and every read path asks for them.
  `CREATE INDEX proj_reports_marked ON proj_reports (problem, seq) WHERE classification <> 'UNCLASSIFIED' OR compartments <> '[]'`,
  // Retractions and regradings, in force from at_ms (their event's time).
  `CREATE TABLE proj_corrections (seq BIGINT PRIMARY KEY, problem TEXT NOT NULL, report TEXT NOT NULL,
     at_ms BIGINT NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL)`,
  'CREATE INDEX proj_corrections_by_problem ON proj_corrections (problem, at_ms)',
  // The level timeline of spec section 6 under each model version: one row per change.
  `CREATE TABLE proj_levels (problem TEXT NOT NULL, version INTEGER NOT NULL, instant_ms BIGINT NOT NULL,
     level INTEGER NOT NULL, p_dangerous DOUBLE PRECISION NOT NULL, leading_hypothesis TEXT NOT NULL,
     PRIMARY KEY (problem, version, instant_ms))`,
  // The current assessment of each problem, as of its latest report: kept up to date report by
  // report from the replay (what a list of problems shows without assessing each).
  `CREATE TABLE proj_current (problem TEXT PRIMARY KEY, version INTEGER NOT NULL, instant_ms BIGINT NOT NULL,
     level TEXT NOT NULL, p_dangerous DOUBLE PRECISION NOT NULL, leading_hypothesis TEXT NOT NULL,
     posterior TEXT NOT NULL, counted INTEGER NOT NULL, seq BIGINT NOT NULL)`,
  // The counted reports and the replay state after an evaluation instant, every so many reports.
  `CREATE TABLE proj_snapshots (problem TEXT NOT NULL, version INTEGER NOT NULL, instant_ms BIGINT NOT NULL,
     reports INTEGER NOT NULL, level INTEGER NOT NULL, level_before INTEGER NOT NULL, counted TEXT NOT NULL,
     PRIMARY KEY (problem, version, instant_ms))`,
  ...WARNING_CREATE,
];

/**
 * Makes sure the projection tables exist at the current version. Returns true when they were
 * (re)created empty, so the projector must replay the whole log. Several processes may start at
 * once on one store: the version is read again under the migration lock, so one of them
 * creates the tables and the others find them.
 */
export async function ensureProjectionSchema(db: SqlDatabase): Promise<boolean> {
  if ((await storedVersion(db)) === PROJECTION_SCHEMA_VERSION) return false;
  return db.transaction(async (tx) => {
    await lockForMigration(tx);
    if ((await storedVersion(tx)) === PROJECTION_SCHEMA_VERSION) return false;
    for (const table of TABLES) await tx.run(`DROP TABLE IF EXISTS ${table}`);
    for (const statement of CREATE) await tx.run(statement);
    await tx.run("INSERT INTO proj_meta (name, value) VALUES ('schema', ?), ('cursor', '0')", [String(PROJECTION_SCHEMA_VERSION)]);
    return true;
  });
}

/**
 * The schema version of the projection tables; undefined when there are none. Asks the catalogue
 * whether `proj_meta` exists before reading it: a failed statement would end a PostgreSQL
 * transaction.
 */
async function storedVersion(db: SqlDatabase): Promise<number | undefined> {
  const exists =
    db.dialect === 'postgres'
      ? await db.all("SELECT 1 AS x WHERE to_regclass('proj_meta') IS NOT NULL")
      : await db.all("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = 'proj_meta'");
  if (exists.length === 0) return undefined;
  const rows = await db.all<{ value: string }>("SELECT value FROM proj_meta WHERE name = 'schema'");
  return rows[0] === undefined ? undefined : Number(rows[0].value);
}
