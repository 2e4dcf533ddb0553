/**
 * The store (issue "The event log", section 5): bulk import of reports with hashing and every
 * projection (reports, level timeline, snapshots) against raw better-sqlite3 inserts of the same
 * event rows in the same run, and against raw inserts of every row the import wrote (events,
 * dedupe keys and projections); then as-of assessment latency on the resulting log.
 * VIGIL_BENCH_STORE_REPORTS sets the size (default 1,000,000); VIGIL_BENCH_DATABASE_URL runs
 * the same on PostgreSQL (a fifth of the size).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Store } from '../src/app/store.js';
import type { Problem, Report } from '../src/core/model.js';
import { SQLITE_MIGRATIONS } from '../src/log/sqlite-schema.js';
import { rng, timeAsync, type BenchResult } from './measure.js';

const REPORTS = Number(process.env.VIGIL_BENCH_STORE_REPORTS ?? 1_000_000);
const BATCH = 5_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2023, 8, 1);

/** 10 hypotheses x 200 indicators; no indicator fades (see the README on fading and replays). */
function problem(random: () => number): Problem {
  const hypotheses = Array.from({ length: 10 }, (_, i) => ({ id: `h${i}`, title: `H${i}`, prior: 0.1, dangerous: i >= 7 }));
  return {
    id: 'bench',
    title: 'Store benchmark',
    hypotheses,
    indicators: Array.from({ length: 200 }, (_, j) => ({
      id: `ind-${j}`,
      title: `Indicator ${j}`,
      likelihood: Object.fromEntries(hypotheses.map((h) => [h.id, 0.02 + 0.96 * random()])),
    })),
    warning: { levels: [{ id: 'normal', threshold: 0 }, { id: 'watch', threshold: 0.2 }, { id: 'alert', threshold: 0.6 }] },
  };
}

/** Batch k of the reports: 100 sources, 60 days, received in order. */
function batch(random: () => number, k: number, n: number): Report[] {
  const grades = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
  const creds = ['1', '2', '3', '4', '5', '6'] as const;
  return Array.from({ length: Math.min(BATCH, n - k * BATCH) }, (_, i): Report => {
    const index = k * BATCH + i;
    const at = T0 + Math.floor((index / n) * 60 * 24 * HOUR);
    return {
      id: `r-${index}`,
      indicator: `ind-${Math.floor(random() * 200)}`,
      observed: random() < 0.5 ? 'present' : 'absent',
      at,
      received: at + 60_000,
      source: `src-${Math.floor(random() * 100)}`,
      reliability: grades[Math.floor(random() * 6)]!,
      credibility: creds[Math.floor(random() * 6)]!,
    };
  });
}

async function measureStore(label: string, options: Parameters<typeof Store.open>[0], n: number, results: BenchResult[]): Promise<Store> {
  const random = rng(11);
  const model = problem(random);
  const store = await Store.open(options);
  await store.defineProblem(model, 'bench');
  const ms = await timeAsync(async () => {
    for (let k = 0; k * BATCH < n; k++) {
      await store.recordReports(model.id, batch(random, k, n).map((report) => ({ report })), { actor: 'bench', backfill: true });
    }
  });
  results.push({ name: `${label}: import ${n.toLocaleString('en-US')} reports (hash, chain, projections)`, value: n / (ms / 1000), unit: 'reports/s', target: '>= 100,000/s' });
  const end = T0 + 60 * 24 * HOUR;
  const instants = Array.from({ length: 9 }, (_, k) => T0 + ((k + 1) / 10) * (end - T0));
  for (const ignored of ['count', 'list'] as const) {
    const times: number[] = [];
    for (const at of instants) times.push(await timeAsync(async () => void (await store.assess(model.id, at, { ignored }))));
    times.sort((a, b) => a - b);
    results.push({
      name: `${label}: as-of assessment on ${(n + 1).toLocaleString('en-US')} events, ignored as a ${ignored} (median of 9)`,
      value: times[4]!,
      unit: 'ms',
      ...(ignored === 'count' ? { target: '< 200 ms' } : {}),
    });
  }
  return store;
}

/** The same event rows inserted with plain prepared statements: the ceiling. */
function rawInserts(dir: string, rows: readonly unknown[][]): number {
  const db = new Database(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  for (const migration of SQLITE_MIGRATIONS) db.exec(migration.sql);
  const insert = db.prepare('INSERT INTO events (seq, id, at, type, stream, actor, data, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const write = db.transaction((chunk: readonly unknown[][]) => {
    for (const r of chunk) insert.run(...r);
  });
  const start = process.hrtime.bigint();
  for (let k = 0; k < rows.length; k += BATCH) write(rows.slice(k, k + BATCH));
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  db.close();
  return ms;
}

/**
 * Every row the import left in the database (the log's events and dedupe keys, the report rows,
 * the level timeline, the snapshots, and the few rows of the problem's definition), copied into a
 * fresh database with the same schema by plain prepared statements, table by table in
 * transactions of BATCH rows: the floor for writing what the import wrote. Returns the rows and
 * the ms the inserts took (reading the rows back is not timed).
 */
function rawInsertsOfEveryRow(dir: string): { rows: number; ms: number } {
  const source = new Database(join(dir, 'vigil.db'), { readonly: true });
  const target = new Database(join(dir, 'raw-all.db'));
  target.pragma('journal_mode = WAL');
  target.pragma('synchronous = FULL');
  let rows = 0;
  let ms = 0;
  try {
    const schema = source
      .prepare("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'")
      .all() as { type: string; name: string; sql: string }[];
    const order = ['table', 'index', 'trigger', 'view'];
    schema.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
    for (const entry of schema) target.exec(entry.sql);
    for (const { name } of schema.filter((entry) => entry.type === 'table')) {
      const values = source.prepare(`SELECT * FROM "${name}"`).raw(true).all() as unknown[][];
      if (values.length === 0) continue;
      const insert = target.prepare(`INSERT INTO "${name}" VALUES (${values[0]!.map(() => '?').join(', ')})`);
      const write = target.transaction((chunk: readonly unknown[][]) => {
        for (const row of chunk) insert.run(...row);
      });
      const start = process.hrtime.bigint();
      for (let k = 0; k < values.length; k += BATCH) write(values.slice(k, k + BATCH));
      ms += Number(process.hrtime.bigint() - start) / 1e6;
      rows += values.length;
    }
  } finally {
    source.close();
    target.close();
  }
  return { rows, ms };
}

export async function runStoreBench(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'vigil-store-bench-'));
  try {
    const store = await measureStore('SQLite', { dataDir: dir }, REPORTS, results);
    const rows: unknown[][] = [];
    for await (const page of store.log.readRecords({ from: 2 })) for (const r of page) rows.push([r.seq, r.id, r.at, r.type, r.stream, r.actor, r.data, r.prev, r.hash]);
    await store.close();
    const rawMs = rawInserts(dir, rows);
    const raw = rows.length / (rawMs / 1000);
    const imported = results[0]!.value;
    results.splice(1, 0, { name: 'SQLite: raw better-sqlite3 inserts of the same event rows', value: raw, unit: 'rows/s' });
    results.splice(2, 0, { name: 'SQLite: import / raw', value: imported / raw, unit: 'x', target: '>= 0.3' });
    const every = rawInsertsOfEveryRow(dir);
    results.splice(3, 0, { name: `SQLite: raw inserts of every row the import wrote (${every.rows.toLocaleString('en-US')} rows)`, value: every.rows / (every.ms / 1000), unit: 'rows/s' });
    results.splice(4, 0, { name: 'SQLite: import / raw inserts of every row it wrote (time of the raw inserts / time of the import)', value: every.ms / (REPORTS / imported * 1000), unit: 'x' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const url = process.env.VIGIL_BENCH_DATABASE_URL;
  if (url !== undefined && url !== '') {
    const schema = `bench_${process.pid}`;
    const pgDir = mkdtempSync(join(tmpdir(), 'vigil-store-bench-pg-'));
    try {
      const store = await measureStore('PostgreSQL', { dataDir: pgDir, databaseUrl: url, schema }, Math.floor(REPORTS / 5), results);
      await store.close();
    } finally {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
      rmSync(pgDir, { recursive: true, force: true });
    }
  } else {
    console.log('  (PostgreSQL store benchmark not run: set VIGIL_BENCH_DATABASE_URL)');
  }
  return results;
}
