/** Reads of the warning projection: a warning, a problem's open warning, lists with who was told. */
import type { SqlDatabase } from '../app/sql.js';
import type { FrozenPolicy } from './engine.js';
import type { Judgment } from './warning-decision.js';
import type { DissentFiledData, EscalationWaitingData } from '../app/warning-events.js';

export interface WarningRow {
  readonly id: string;
  readonly problem: string;
  readonly state: 'open' | 'closed';
  readonly version: number;
  readonly openedAt: string;
  readonly updatedAt: string;
  readonly closedAt?: string;
  readonly judgment: Judgment;
  readonly policy: FrozenPolicy;
  /** Set on a dissent's own warning. */
  readonly dissent?: string;
}

interface Row {
  id: string;
  problem: string;
  state: string;
  version: number;
  opened_ms: number;
  updated_ms: number;
  closed_ms: number | null;
  judgment: string;
  policy: string;
  dissent: string | null;
  [key: string]: string | number | null;
}

const COLUMNS = 'id, problem, state, version, opened_ms, updated_ms, closed_ms, judgment, policy, dissent';

function toWarning(row: Row): WarningRow {
  return {
    id: row.id,
    problem: row.problem,
    state: row.state === 'open' ? 'open' : 'closed',
    version: Number(row.version),
    openedAt: new Date(Number(row.opened_ms)).toISOString(),
    updatedAt: new Date(Number(row.updated_ms)).toISOString(),
    ...(row.closed_ms !== null ? { closedAt: new Date(Number(row.closed_ms)).toISOString() } : {}),
    judgment: JSON.parse(row.judgment) as Judgment,
    policy: JSON.parse(row.policy) as FrozenPolicy,
    ...(row.dissent !== null ? { dissent: row.dissent } : {}),
  };
}

/**
 * When a warning's escalation takes its next step unless someone acknowledges first: the
 * waiting step's due time and the step it resumes at; undefined when nothing is waiting
 * (acknowledged, exhausted, closed).
 */
export async function nextEscalationStep(db: SqlDatabase, warning: string): Promise<{ due: string; step: number; version: number } | undefined> {
  const rows = await db.all<{ body: string }>("SELECT body FROM warn_timers WHERE warning = ? AND kind = 'escalation'", [warning]);
  const row = rows[0];
  if (row === undefined) return undefined;
  const waiting = JSON.parse(row.body) as EscalationWaitingData;
  return { due: waiting.due, step: waiting.cursor.step, version: waiting.version };
}

/** How many warnings a problem has had: the official ones, or those raised by one dissent. */
export async function warningCount(db: SqlDatabase, problem: string, dissent?: string): Promise<number> {
  const rows =
    dissent === undefined
      ? await db.all<{ n: number }>('SELECT count(*) AS n FROM warn_warnings WHERE problem = ? AND dissent IS NULL', [problem])
      : await db.all<{ n: number }>('SELECT count(*) AS n FROM warn_warnings WHERE problem = ? AND dissent = ?', [problem, dissent]);
  return Number(rows[0]?.n ?? 0);
}

/** The open warning a dissent raised, if any. */
export async function openDissentWarning(db: SqlDatabase, dissent: string): Promise<WarningRow | undefined> {
  const rows = await db.all<Row>(`SELECT ${COLUMNS} FROM warn_warnings WHERE dissent = ? AND state = 'open'`, [dissent]);
  return rows[0] === undefined ? undefined : toWarning(rows[0]);
}

/** A dissent as stored, with its state. */
export interface DissentRow extends DissentFiledData {
  readonly problem: string;
  readonly state: 'open' | 'withdrawn';
  readonly filedAt: string;
  readonly withdrawnAt?: string;
  readonly withdrawal?: Record<string, unknown>;
}

/**
 * The dissents of a problem filed by `at` (ms; default all), each with its state as of `at`
 * (withdrawn only if withdrawn by then); `open` only those still open then.
 */
export async function dissentsOf(db: SqlDatabase, problem: string, options: { at?: number; openOnly?: boolean } = {}): Promise<DissentRow[]> {
  const at = options.at ?? Number.MAX_SAFE_INTEGER;
  const rows = await db.all<{ problem: string; filed_ms: number; withdrawn_ms: number | null; body: string; withdrawal: string | null }>(
    'SELECT problem, filed_ms, withdrawn_ms, body, withdrawal FROM warn_dissents WHERE problem = ? AND filed_ms <= ? ORDER BY filed_ms',
    [problem, at],
  );
  const out = rows.map((r): DissentRow => {
    const withdrawn = r.withdrawn_ms !== null && Number(r.withdrawn_ms) <= at;
    return {
      ...(JSON.parse(r.body) as DissentFiledData),
      problem: r.problem,
      state: withdrawn ? 'withdrawn' : 'open',
      filedAt: new Date(Number(r.filed_ms)).toISOString(),
      ...(withdrawn ? { withdrawnAt: new Date(Number(r.withdrawn_ms)).toISOString(), withdrawal: JSON.parse(r.withdrawal ?? '{}') as Record<string, unknown> } : {}),
    };
  });
  return options.openOnly === true ? out.filter((d) => d.state === 'open') : out;
}

/** One dissent by id. */
export async function dissentById(db: SqlDatabase, id: string): Promise<DissentRow | undefined> {
  const rows = await db.all<{ problem: string }>('SELECT problem FROM warn_dissents WHERE id = ?', [id]);
  const problem = rows[0]?.problem;
  if (problem === undefined) return undefined;
  return (await dissentsOf(db, problem)).find((d) => d.dissent === id);
}

export async function warningById(db: SqlDatabase, id: string): Promise<WarningRow | undefined> {
  const rows = await db.all<Row>(`SELECT ${COLUMNS} FROM warn_warnings WHERE id = ?`, [id]);
  return rows[0] === undefined ? undefined : toWarning(rows[0]);
}

export async function openWarningOf(db: SqlDatabase, problem: string): Promise<WarningRow | undefined> {
  const rows = await db.all<Row>(`SELECT ${COLUMNS} FROM warn_warnings WHERE problem = ? AND state = 'open' AND dissent IS NULL`, [problem]);
  return rows[0] === undefined ? undefined : toWarning(rows[0]);
}

/** Warnings by state, newest first. `acknowledged`: open ones whose current version is acknowledged. */
export async function listWarnings(db: SqlDatabase, state: 'open' | 'acknowledged' | 'all'): Promise<WarningRow[]> {
  const rows = await db.all<Row>(
    state === 'all' ? `SELECT ${COLUMNS} FROM warn_warnings ORDER BY updated_ms DESC` : `SELECT ${COLUMNS} FROM warn_warnings WHERE state = 'open' ORDER BY updated_ms DESC`,
  );
  const warnings = rows.map(toWarning);
  if (state === 'all') return warnings;
  const acked = await acknowledgedVersions(db);
  return warnings.filter((w) => acked.has(`${w.id}:${w.version}`) === (state === 'acknowledged'));
}

async function acknowledgedVersions(db: SqlDatabase): Promise<Set<string>> {
  const rows = await db.all<{ warning: string; version: number }>('SELECT DISTINCT warning, version FROM warn_acks');
  return new Set(rows.map((r) => `${r.warning}:${Number(r.version)}`));
}

/** Who was told of a warning (every version), deliveries and acknowledgments, in order. */
export async function warningHistory(db: SqlDatabase, id: string): Promise<{
  versions: { version: number; at: string; reason: string; judgment: Judgment }[];
  notifications: Record<string, unknown>[];
  deliveries: Record<string, unknown>[];
  acknowledgments: Record<string, unknown>[];
}> {
  const versions = await db.all<{ version: number; at_ms: number; reason: string; judgment: string }>('SELECT version, at_ms, reason, judgment FROM warn_versions WHERE warning = ? ORDER BY version', [id]);
  const told = await db.all<{ at_ms: number; body: string }>('SELECT at_ms, body FROM warn_notifications WHERE warning = ? ORDER BY seq', [id]);
  const deliveries = await db.all<{ at_ms: number; body: string }>('SELECT at_ms, body FROM warn_deliveries WHERE warning = ? ORDER BY seq', [id]);
  const acks = await db.all<{ at_ms: number; body: string }>('SELECT at_ms, body FROM warn_acks WHERE warning = ? ORDER BY seq', [id]);
  const withAt = (rows: { at_ms: number; body: string }[]) => rows.map((r) => ({ at: new Date(Number(r.at_ms)).toISOString(), ...(JSON.parse(r.body) as Record<string, unknown>) }));
  return {
    versions: versions.map((v) => ({ version: Number(v.version), at: new Date(Number(v.at_ms)).toISOString(), reason: v.reason, judgment: JSON.parse(v.judgment) as Judgment })),
    notifications: withAt(told),
    deliveries: withAt(deliveries),
    acknowledgments: withAt(acks),
  };
}
