/**
 * The event log on SQLite: bulk append (validation, JCS, hashing, chaining, checkpoints)
 * against raw better-sqlite3 inserts of the same rows into the same schema in the same run,
 * then export and verification of what was appended.
 */
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { EventRecord } from '../src/log/event.js';
import type { NewEvent } from '../src/log/event-log.js';
import { exportLog } from '../src/log/export.js';
import { loadOrCreateSigningKey } from '../src/log/signing-key.js';
import { openSqliteEventLog } from '../src/log/sqlite-event-log.js';
import { SQLITE_MIGRATIONS } from '../src/log/sqlite-schema.js';
import { verifyExport, verifyLog } from '../src/log/verify.js';
import { medianAsync, rng, timeAsync } from './measure.js';
import type { BenchResult } from './measure.js';

const EVENTS = Number(process.env.VIGIL_BENCH_LOG_EVENTS ?? 200_000);
const BATCH = 10_000;

/** Report-like events of a realistic size (about 350 bytes as JCS). */
function makeBatches(): NewEvent[][] {
  const random = rng(7);
  const batches: NewEvent[][] = [];
  for (let start = 0; start < EVENTS; start += BATCH) {
    batches.push(
      Array.from({ length: Math.min(BATCH, EVENTS - start) }, (_, k) => ({
        type: 'report.received',
        stream: `problem-${Math.floor(random() * 4)}`,
        actor: 'analyst-12',
        data: {
          reportId: `r-${start + k}`,
          indicator: `ind-${Math.floor(random() * 200)}`,
          source: 'HUMINT-7',
          grade: 'B2',
          observed: random() < 0.7,
          received: '2023-10-06T21:14:05.000Z',
          text: 'Armoured column observed moving south on the coast road near the crossing',
        },
      })),
    );
  }
  return batches;
}

/** Inserts `records` with plain prepared statements, one transaction per batch: the baseline. */
function rawInsert(dir: string, records: readonly EventRecord[]): number {
  const db = new Database(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL'); // the log's own settings
  db.pragma('synchronous = FULL');
  for (const migration of SQLITE_MIGRATIONS) db.exec(migration.sql);
  const insert = db.prepare(
    'INSERT INTO events (seq, id, at, type, stream, actor, data, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const batch = db.transaction((rows: readonly EventRecord[]) => {
    for (const r of rows) insert.run(r.seq, r.id, r.at, r.type, r.stream, r.actor, r.data, r.prev, r.hash);
  });
  const start = process.hrtime.bigint();
  for (let i = 0; i < records.length; i += BATCH) batch.immediate(records.slice(i, i + BATCH));
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  db.close();
  return ms;
}

/** Runs the log benchmark; every figure is from this run, on this machine. */
export async function runLogBench(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-log-bench-'));
  try {
    const signingKey = await loadOrCreateSigningKey(join(dir, 'signing-key.pem'));
    const log = await openSqliteEventLog({ dataDir: join(dir, 'log'), signingKey });
    const batches = makeBatches();
    const appendMs = await timeAsync(async () => {
      for (const batch of batches) await log.append(batch);
    });
    let records: EventRecord[] = [];
    for await (const page of log.readRecords({}, 10_000)) records.push(...page);
    const rawMs = rawInsert(dir, records);
    const recordCount = records.length;
    records = []; // not held through the measurements below, whose collector would walk them

    const file = join(dir, 'export.jsonl');
    const exportMs = await timeAsync(async () => {
      await exportLog(log, file);
    });
    // Verification: the median of three runs (each starts its worker threads afresh).
    let verified = 0;
    const verifyFileMs = await medianAsync(3, async () => {
      const result = await verifyExport(file);
      if (!result.ok) throw new Error(`verification failed: ${result.reason}`);
      verified = result.events;
    });
    // Baseline for verification: only reading the same file line by line and parsing each line.
    const parseMs = await timeAsync(async () => {
      let carry = '';
      for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
        const lines = (carry + (chunk as string)).split('\n');
        carry = lines.pop() ?? '';
        for (const line of lines) JSON.parse(line);
      }
    });
    // Baseline for the live check: only reading the same rows from the same database.
    const readMs = await timeAsync(async () => {
      const db = new Database(join(dir, 'log', 'vigil.db'), { readonly: true });
      const rows = db.prepare(
        'SELECT seq, id, at, type, stream, actor, data, prev, hash FROM events ORDER BY seq',
      );
      for (const _row of rows.iterate()) void _row;
      db.close();
    });
    const verifyLiveMs = await medianAsync(3, async () => {
      const result = await verifyLog(log);
      if (!result.ok) throw new Error(`verification failed: ${result.reason}`);
    });
    await log.close();

    const perSecond = (ms: number, n = recordCount): number => n / (ms / 1000);
    return [
      {
        name: `append, ${EVENTS.toLocaleString('en-US')} events in batches of ${BATCH.toLocaleString('en-US')}`,
        value: perSecond(appendMs, EVENTS),
        unit: 'events/s',
        target: '>= 100,000',
      },
      { name: 'raw better-sqlite3 inserts of the same rows', value: perSecond(rawMs), unit: 'rows/s' },
      { name: 'append / raw', value: rawMs / appendMs, unit: 'x', target: '>= 0.3' },
      {
        name: `export to JSON Lines (${(statSync(file).size / 1e6).toFixed(0)} MB)`,
        value: perSecond(exportMs),
        unit: 'events/s',
      },
      {
        name: 'verify the export file (median of 3)',
        value: perSecond(verifyFileMs, verified),
        unit: 'events/s',
        target: '>= 300,000',
      },
      { name: 'read and JSON.parse the same file (baseline)', value: perSecond(parseMs), unit: 'lines/s' },
      {
        name: 'verify the live store (median of 3)',
        value: perSecond(verifyLiveMs),
        unit: 'events/s',
        target: '>= 300,000',
      },
      { name: 'read the same rows with better-sqlite3 (baseline)', value: perSecond(readMs), unit: 'rows/s' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
