/**
 * The reads the store, the projector and as-of queries share: problem versions, the reports of
 * a problem and its corrections, from the projection tables.
 */
import type { Correction } from '../core/corrections.js';
import { VigilError } from '../core/errors.js';
import type { Problem, Report } from '../core/model.js';
import { fromWire, toCorrection } from './events.js';
import type { SqlDatabase } from './sql.js';

/** A stored model version. */
export interface StoredModel {
  readonly version: number;
  readonly problem: Problem;
}

function toModel(row: { version: number; model: string } | undefined): StoredModel | undefined {
  return row === undefined ? undefined : { version: Number(row.version), problem: JSON.parse(row.model) as Problem };
}

/** The current (latest) version of a problem's model, or undefined when there is none. */
export async function currentModel(db: SqlDatabase, problem: string): Promise<StoredModel | undefined> {
  const rows = await db.all<{ version: number; model: string }>(
    'SELECT version, model FROM proj_problem_versions WHERE problem = ? ORDER BY version DESC LIMIT 1',
    [problem],
  );
  return toModel(rows[0]);
}

/**
 * The model version in force at `at` (ms), or the first version when `at` is before it.
 * Throws VigilError PROBLEM_NOT_FOUND for an unknown problem.
 */
export async function modelAt(db: SqlDatabase, problem: string, at: number): Promise<StoredModel> {
  const rows = await db.all<{ version: number; model: string }>(
    `SELECT version, model FROM proj_problem_versions WHERE problem = ? AND (at_ms <= ? OR version = 1)
     ORDER BY version DESC LIMIT 1`,
    [problem, at],
  );
  const model = toModel(rows[0]);
  if (model === undefined) throw new VigilError('PROBLEM_NOT_FOUND', `no problem "${problem}"`);
  return model;
}

/** Every report of a problem received at or before `upTo` (ms), in received order. */
export async function storedReports(db: SqlDatabase, problem: string, upTo = Number.MAX_SAFE_INTEGER): Promise<Report[]> {
  const rows = await db.all<{ body: string }>(
    'SELECT body FROM proj_reports WHERE problem = ? AND received_ms <= ? ORDER BY received_ms, seq',
    [problem, upTo],
  );
  return rows.map((row) => fromWire(JSON.parse(row.body)));
}

/** The corrections of a problem made at or before `upTo` (ms), in the order they were made. */
export async function storedCorrections(db: SqlDatabase, problem: string, upTo = Number.MAX_SAFE_INTEGER): Promise<Correction[]> {
  const rows = await db.all<{ type: string; body: string; at_ms: number }>(
    'SELECT type, body, at_ms FROM proj_corrections WHERE problem = ? AND at_ms <= ? ORDER BY seq',
    [problem, upTo],
  );
  return rows.map((c) => toCorrection(c.type, JSON.parse(c.body), Number(c.at_ms)));
}

/** Every version of a problem's model: who stored it, when, at which seq. */
export async function modelVersions(db: SqlDatabase, problem: string): Promise<{ version: number; seq: number; at: string; actor: string }[]> {
  const rows = await db.all<{ version: number; seq: number; at_ms: number; actor: string }>(
    'SELECT version, seq, at_ms, actor FROM proj_problem_versions WHERE problem = ? ORDER BY version',
    [problem],
  );
  return rows.map((r) => ({ version: Number(r.version), seq: Number(r.seq), at: new Date(Number(r.at_ms)).toISOString(), actor: r.actor }));
}

/** A stored report with what the log says about its arrival and marking. */
export interface StoredReportRow {
  readonly seq: number;
  readonly id: string;
  readonly classification: string;
  readonly compartments: string[];
  readonly backfilled: boolean;
  /** The wire report (spec section 2 fields). */
  readonly report: Record<string, unknown>;
}

/** Up to `limit` reports of a problem after seq `after`, in the order the log received them. */
export async function reportPage(db: SqlDatabase, problem: string, after: number, limit: number): Promise<StoredReportRow[]> {
  const rows = await db.all<{ seq: number; id: string; classification: string; compartments: string; backfilled: number; body: string }>(
    'SELECT seq, id, classification, compartments, backfilled, body FROM proj_reports WHERE problem = ? AND seq > ? ORDER BY seq LIMIT ?',
    [problem, after, limit],
  );
  return rows.map((r) => ({
    seq: Number(r.seq),
    id: r.id,
    classification: r.classification,
    compartments: JSON.parse(r.compartments) as string[],
    backfilled: Number(r.backfilled) === 1,
    report: JSON.parse(r.body) as Record<string, unknown>,
  }));
}
