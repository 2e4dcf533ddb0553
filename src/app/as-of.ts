/**
 * Assessments as of an instant T from the projections: what the system knew at T. The model is
 * the version in force at T (the first version for instants before it was defined, as when
 * history is loaded); the level comes from the level timeline; the counted reports from the
 * latest snapshot at or before T plus the reports received since.
 */
import { assess, snapshotAt, type Assessment } from '../core/assess.js';
import type { IgnoredReport } from '../core/counting.js';
import { nextLevelIndex } from '../core/levels.js';
import type { Report } from '../core/model.js';
import { fromWire } from './events.js';
import { modelAt, storedCorrections, storedReports } from './projection-reads.js';
import { unpackReports } from './snapshot-codec.js';
import type { SqlDatabase } from './sql.js';

export interface AsOfOptions {
  /**
   * `list` (default): every report not counted, with its reason, as spec section 7 says.
   * `count`: only how many (the list of a problem with a million reports is long; a caller
   * that does not show it should not pay for it).
   */
  readonly ignored?: 'list' | 'count';
}

export interface AsOfAssessment extends Assessment {
  readonly version: number;
  /** The number of reports not counted at T (always set; `ignored` is empty with `count`). */
  readonly ignoredCount: number;
}

/** The assessment of `problemId` as the system knew it at `at` (ms). */
export async function assessAsOf(db: SqlDatabase, problemId: string, at: number, options: AsOfOptions = {}): Promise<AsOfAssessment> {
  const model = await modelAt(db, problemId, at);
  const corrections = await storedCorrections(db, problemId, at);

  if (corrections.length > 0 || (await staleVersion(db, problemId, model.version, at))) {
    // Corrections rewrite the past: assess from every report, corrections applied by instant.
    // So does a report received by T but recorded after a newer version was defined: the
    // projections of the version in force at T stopped when the newer one came.
    const assessment = assess(model.problem, await storedReports(db, problemId, at), { at, corrections });
    return finish(db, problemId, at, options, { ...assessment, version: model.version, ignoredCount: 0 });
  }

  const snapshots = await db.all<{ instant_ms: number; counted: string }>(
    `SELECT instant_ms, counted FROM proj_snapshots WHERE problem = ? AND version = ? AND instant_ms <= ?
     ORDER BY instant_ms DESC LIMIT 1`,
    [problemId, model.version, at],
  );
  const base = snapshots[0];
  // A snapshot may be taken part-way through the reports received at its instant: the
  // reports from that instant on are read again, less those the snapshot already holds.
  const from = base === undefined ? Number.MIN_SAFE_INTEGER : Number(base.instant_ms);
  const counted = base === undefined ? [] : unpackReports(base.counted);
  const held = new Set(counted.map((r) => r.id));
  const delta = (
    await db.all<{ id: string; body: string }>(
      'SELECT id, body FROM proj_reports WHERE problem = ? AND received_ms >= ? AND received_ms <= ? ORDER BY received_ms, seq',
      [problemId, from, at],
    )
  )
    .filter((row) => !held.has(row.id))
    .map((row) => fromWire(JSON.parse(row.body)));
  const reports = [...counted, ...delta];
  const snapshot = snapshotAt(model.problem, reports, at);

  // The level after the last evaluation at or before T, then one more evaluation at T itself
  // unless T is one of the replay's instants.
  const changes = await db.all<{ level: number }>(
    'SELECT level FROM proj_levels WHERE problem = ? AND version = ? AND instant_ms <= ? ORDER BY instant_ms DESC LIMIT 1',
    [problemId, model.version, at],
  );
  const instantRows = await db.all('SELECT 1 AS x FROM proj_reports WHERE problem = ? AND received_ms = ? LIMIT 1', [problemId, at]);
  const lastLevel = Number(changes[0]?.level ?? 0);
  const levelIndex = instantRows.length > 0 ? lastLevel : nextLevelIndex(model.problem.warning, lastLevel, snapshot.pDangerous);
  const level = model.problem.warning.levels[levelIndex]?.id ?? '';
  return finish(db, problemId, at, options, { ...snapshot, level, version: model.version, ignoredCount: 0 });
}

/**
 * True when the projections (snapshots, level timeline) of `version` miss a report received at
 * or before `at`: they are kept only while the version is the latest, so a report recorded
 * after a newer version was defined (history loaded late) is not in them.
 */
async function staleVersion(db: SqlDatabase, problemId: string, version: number, at: number): Promise<boolean> {
  const newer = await db.all<{ seq: number }>('SELECT seq FROM proj_problem_versions WHERE problem = ? AND version > ? ORDER BY version LIMIT 1', [
    problemId,
    version,
  ]);
  const seq = newer[0]?.seq;
  if (seq === undefined) return false;
  const late = await db.all('SELECT 1 AS x FROM proj_reports WHERE problem = ? AND seq > ? AND received_ms <= ? LIMIT 1', [problemId, Number(seq), at]);
  return late.length > 0;
}

/**
 * Completes the ignored list: every report of the problem not counted at T, in the order the
 * system received them (`seq`), with the reason.
 */
async function finish(db: SqlDatabase, problemId: string, at: number, options: AsOfOptions, a: AsOfAssessment): Promise<AsOfAssessment> {
  const total = await db.all<{ n: number }>('SELECT count(*) AS n FROM proj_reports WHERE problem = ?', [problemId]);
  const ignoredCount = Number(total[0]?.n ?? 0) - a.counted.length;
  if (options.ignored === 'count') return { ...a, ignored: [], ignoredCount };
  const winners = new Map<string, Report>();
  for (const r of a.counted) winners.set(`${r.indicator}\u0000${r.source}`, r);
  const counted = new Set(a.counted.map((r) => r.id));
  const retracted = new Set(a.ignored.filter((i) => i.why === 'retracted').map((i) => i.report));
  const rows = await db.all<{ id: string; indicator: string; source: string; received_ms: number }>(
    'SELECT id, indicator, source, received_ms FROM proj_reports WHERE problem = ? ORDER BY seq',
    [problemId],
  );
  const ignored: IgnoredReport[] = [];
  for (const row of rows) {
    if (counted.has(row.id)) continue;
    if (Number(row.received_ms) > at) ignored.push({ report: row.id, why: 'not yet received' });
    else if (retracted.has(row.id)) ignored.push({ report: row.id, why: 'retracted' });
    else ignored.push({ report: row.id, why: `superseded by ${winners.get(`${row.indicator}\u0000${row.source}`)?.id ?? '?'}` });
  }
  return { ...a, ignored, ignoredCount };
}
