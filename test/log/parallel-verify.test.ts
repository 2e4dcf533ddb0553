/**
 * Verification with worker threads gives exactly the answer of verification in one thread:
 * the same result for an untouched log, and the same first failing seq and reason for any
 * tampering, wherever the blocks sent to the workers begin and end. Runs the log's modules
 * compiled to JavaScript (a worker thread cannot load TypeScript), so the workers run this
 * source, not an older build.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { encodeRecord, hashEvent, sha256Hex } from '../../src/log/event.js';
import type { EventRecord, StoredEvent } from '../../src/log/event.js';
import { compileLogForChildren } from './support/compiled.js';
import { collect, FakeClock, reports, testSigningKey } from './support/contract.js';

type VerifyModule = typeof import('../../src/log/verify.js');
type PoolModule = typeof import('../../src/log/verify-pool.js');
type SqliteModule = typeof import('../../src/log/sqlite-event-log.js');
type ExportModule = typeof import('../../src/log/export.js');

const key = testSigningKey();
let compiled: { dir: string; remove: () => void };
let verify: VerifyModule;
let pool: PoolModule;
let dir: string;
let exported: Buffer;

/** Enough events for many blocks, checkpoints among them, `at` moving now and then. */
async function fillLog(dataDir: string, sqlite: SqliteModule): Promise<void> {
  const clock = new FakeClock();
  const log = await sqlite.openSqliteEventLog({
    dataDir,
    clock: clock.now,
    signingKey: key,
    checkpointPolicy: { everyEvents: 7, everyMs: 3_600_000 },
  });
  for (let k = 0; k < 8; k++) {
    await log.append(reports(6, k * 6));
    clock.advance(k % 3 === 0 ? 0 : 1000);
  }
  // Strings with quotes, backslashes, controls, DEL, U+2028 and non-BMP characters, which the
  // export writes escaped (or not) exactly as JSON.stringify does.
  await log.append([
    {
      type: 'note.added',
      stream: 'p "q" \\ \u2028',
      actor: 'u\u0001\u007f\t😀é\ufffd',
      data: { text: 'a\nb "q" \\ \u0000 \u2028 😀' },
    },
  ]);
  await log.append(reports(6, 48));
  await log.close();
}

beforeAll(async () => {
  compiled = compileLogForChildren();
  const load = (name: string): Promise<unknown> => import(join(compiled.dir, 'src/log', name));
  verify = (await load('verify.js')) as VerifyModule;
  pool = (await load('verify-pool.js')) as PoolModule;
  const sqlite = (await load('sqlite-event-log.js')) as SqliteModule;
  const exporter = (await load('export.js')) as ExportModule;
  dir = mkdtempSync(join(tmpdir(), 'vigil-parallel-'));
  await fillLog(join(dir, 'log'), sqlite);
  const log = await sqlite.openSqliteEventLog({ dataDir: join(dir, 'log') });
  await exporter.exportLog(log, join(dir, 'log.jsonl'));
  await log.close();
  exported = readFileSync(join(dir, 'log.jsonl'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  compiled.remove();
});

const inThread = { parallel: { threads: 0 } };
/** Two workers; with an odd block size the calling thread also checks every third block itself. */
const inWorkers = (block: number) => ({
  parallel: {
    threads: 2,
    callerTurns: block % 2,
    minBytes: 0,
    minEvents: 0,
    blockBytes: block,
    blockRecords: block,
  },
});
const verifyBytes = (bytes: Buffer, options: object) =>
  verify.verifyExport(Readable.from([Buffer.from(bytes)]), options);

test('worker threads are available to the compiled modules', async () => {
  const started = pool.VerifyPool.start(1, { to: undefined, publicKeys: new Map(), head: undefined });
  expect(started).toBeDefined();
  await started?.close();
});

describe('an export checked in worker threads', () => {
  test('passes as it does in one thread, with --head anywhere', async () => {
    const lines = exported.toString('utf8').split('\n').length - 2;
    expect(lines).toBeGreaterThan(50);
    const alone = await verifyBytes(exported, inThread);
    expect(alone).toMatchObject({ ok: true, events: lines });
    for (const block of [1, 200, 701, 5000]) {
      expect(await verifyBytes(exported, inWorkers(block))).toEqual(alone);
      expect(await verify.verifyExport(join(dir, 'log.jsonl'), inWorkers(block))).toEqual(alone);
    }
    const second = JSON.parse(exported.toString('utf8').split('\n')[20] as string) as {
      seq: number;
      hash: string;
    };
    const head = { seq: second.seq, hash: second.hash };
    expect(await verifyBytes(exported, { ...inWorkers(300), head })).toEqual(
      await verifyBytes(exported, { ...inThread, head }),
    );
  });

  test('fails at the same seq for the same reason, for any byte changed', async () => {
    const headerLength = exported.indexOf(0x0a) + 1;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: headerLength, max: exported.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        fc.integer({ min: 1, max: 3000 }),
        async (at, mask, block) => {
          const changed = Buffer.from(exported);
          changed[at] = (changed[at] as number) ^ mask;
          const alone = await verifyBytes(changed, inThread);
          expect(alone.ok).toBe(false);
          expect(await verifyBytes(changed, inWorkers(block))).toEqual(alone);
        },
      ),
      { numRuns: 60 },
    );
  });

  test('gives the same answer whatever the chunks the stream brings, lines split across them', async () => {
    const headerLength = exported.indexOf(0x0a) + 1;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: exported.length - 1 }), { maxLength: 40 }),
        fc.option(fc.integer({ min: headerLength, max: exported.length - 1 }), { nil: undefined }),
        fc.integer({ min: 1, max: 3000 }),
        async (cuts, tamperAt, block) => {
          const bytes = Buffer.from(exported);
          if (tamperAt !== undefined) bytes[tamperAt] = (bytes[tamperAt] as number) ^ 0x01;
          const bounds = [0, ...[...cuts].sort((a, b) => a - b), bytes.length];
          const chunks = bounds.slice(1).map((end, k) => bytes.subarray(bounds[k], end));
          const alone = await verifyBytes(bytes, inThread);
          expect(await verify.verifyExport(Readable.from(chunks), inWorkers(block))).toEqual(alone);
        },
      ),
      { numRuns: 60 },
    );
  });

  test('fails at the same seq for the same reason, for lines removed, repeated or swapped', async () => {
    const [header, ...body] = exported.toString('utf8').split('\n').slice(0, -1) as [string, ...string[]];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: body.length - 1 }),
        fc.integer({ min: 0, max: body.length - 1 }),
        fc.constantFrom('remove', 'repeat', 'swap'),
        fc.integer({ min: 1, max: 3000 }),
        async (i, j, edit, block) => {
          const lines = [...body];
          if (edit === 'remove') lines.splice(i, 1);
          else if (edit === 'repeat') lines.splice(j, 0, lines[i] as string);
          else [lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
          const bytes = Buffer.from([header, ...lines].map((line) => line + '\n').join(''));
          const alone = await verifyBytes(bytes, inThread);
          expect(await verifyBytes(bytes, inWorkers(block))).toEqual(alone);
        },
      ),
      { numRuns: 60 },
    );
  });

  test('fails at the same seq for the same reason, for an event rewritten with a hash of its own', async () => {
    const [header, ...body] = exported.toString('utf8').split('\n').slice(0, -1) as [string, ...string[]];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: body.length - 2 }), // an event follows, whose prev no longer fits
        fc.constantFrom('data', 'at', 'prev'),
        fc.integer({ min: 1, max: 3000 }),
        async (i, member, block) => {
          const event = JSON.parse(body[i] as string) as StoredEvent;
          const forged = {
            ...event,
            ...(member === 'data' ? { data: { forged: i } } : {}),
            ...(member === 'at' ? { at: '2020-01-01T00:00:00.000Z' } : {}),
            ...(member === 'prev' ? { prev: 'f'.repeat(64) } : {}),
          };
          const lines = [...body];
          lines[i] = canonicalize({ ...forged, hash: hashEvent(forged) }) as string;
          const bytes = Buffer.from([header, ...lines].map((line) => line + '\n').join(''));
          const alone = await verifyBytes(bytes, inThread);
          expect(alone.ok).toBe(false);
          expect(await verifyBytes(bytes, inWorkers(block))).toEqual(alone);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('a live store checked in worker threads', () => {
  const tampered = (edit: (db: Database.Database) => void): string => {
    const copy = mkdtempSync(join(dir, 'store-'));
    const db = new Database(join(dir, 'log', 'vigil.db'), { readonly: true });
    db.exec(`VACUUM INTO '${join(copy, 'vigil.db')}'`);
    db.close();
    const writable = new Database(join(copy, 'vigil.db'));
    // An attacker with the file is not held back by the append-only triggers.
    writable.exec('DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete;');
    edit(writable);
    writable.close();
    return copy;
  };
  const both = async (dataDir: string, block: number) => {
    const sqlite = (await import(join(compiled.dir, 'src/log/sqlite-event-log.js'))) as SqliteModule;
    const log = await sqlite.openSqliteEventLog({ dataDir });
    try {
      return [await verify.verifyLog(log, inThread), await verify.verifyLog(log, inWorkers(block))] as const;
    } finally {
      await log.close();
    }
  };

  type Edit = (db: Database.Database) => void;
  /**
   * Each edit made to a copy of the store (`copy`), then checked in one thread and in workers
   * with blocks of each size: the answers must be equal, and the one-thread answer is handed to
   * `expectAlone` with the edit's index and the block size.
   */
  const eachAnswer = async (
    copy: (edit: Edit) => string,
    edits: readonly Edit[],
    blocks: readonly number[],
    expectAlone: (alone: Awaited<ReturnType<VerifyModule['verifyLog']>>, k: number, block: number) => void,
  ): Promise<void> => {
    for (const [k, edit] of edits.entries()) {
      const dataDir = copy(edit);
      for (const block of blocks) {
        const [alone, parallel] = await both(dataDir, block);
        expectAlone(alone, k, block);
        expect(parallel, `edit ${k}, blocks of ${block}`).toEqual(alone);
      }
    }
  };

  /** Rewrites event `seq` and gives it a hash of its own (the events after it do not follow). */
  const rehash = (db: Database.Database, seq: number, change: (event: StoredEvent) => StoredEvent): void => {
    const row = db.prepare('SELECT * FROM events WHERE seq = ?').get(seq) as StoredEvent & { data: string };
    const event = change({ ...row, data: JSON.parse(row.data) as StoredEvent['data'] });
    db.prepare('UPDATE events SET data = ?, at = ?, hash = ? WHERE seq = ?').run(
      canonicalize(event.data) as string,
      event.at,
      hashEvent(event),
      seq,
    );
  };

  /** Rebuilds the events table with a seq column of no type (it keeps any value as given), the key kept or dropped. */
  const untypedSeq = (db: Database.Database, key = true): void => {
    db.exec(`CREATE TABLE untyped (seq${key ? ' PRIMARY KEY' : ''}, id TEXT, at TEXT, type TEXT, stream TEXT, actor TEXT, data TEXT, prev TEXT, hash TEXT);
      INSERT INTO untyped SELECT seq, id, at, type, stream, actor, data, prev, hash FROM events;
      DROP TABLE events; ALTER TABLE untyped RENAME TO events;`);
  };

  /** Writes `data` into event `seq` as it is, with the hash of the event so changed. */
  const rewrite = (db: Database.Database, seq: number, data: string): void => {
    const row = db.prepare('SELECT * FROM events WHERE seq = ?').get(seq) as EventRecord;
    db.prepare('UPDATE events SET data = ?, hash = ? WHERE seq = ?').run(
      data,
      sha256Hex(encodeRecord({ ...row, data }, false)),
      seq,
    );
  };

  test('reads a range as the very export lines of its events, whatever its string columns hold', async () => {
    // Every string column of a few rows given quotes, backslashes, controls, DEL, U+2028,
    // non-BMP text and a lone surrogate (which an edited database may hold anywhere).
    const awkward = ['"', '\\', '\n', '\u0000', '\u001f', '\u007f', '\u2028', '😀', '\ud800', 'é'];
    const dataDir = tampered((db) => {
      for (const [k, column] of ['id', 'at', 'type', 'stream', 'actor', 'prev', 'hash'].entries())
        db.prepare(`UPDATE events SET ${column} = ? WHERE seq = ?`).run(`x${awkward.join('')}${k}`, 10 + k);
    });
    const sqlite = (await import(join(compiled.dir, 'src/log/sqlite-event-log.js'))) as SqliteModule;
    for (const store of [join(dir, 'log'), dataDir]) {
      const log = await sqlite.openSqliteEventLog({ dataDir: store });
      const reader = new pool.RangeReader();
      try {
        const records = (await collect(log.readRecords({}))).flat();
        expect(records.some((r) => r.actor.includes('\u0001') && r.stream.includes('\u2028'))).toBe(true);
        const lines = reader.readLines({ startSeq: 1, endSeq: records.length, file: log.databaseFile! });
        expect(lines).toEqual(records.map((r) => encodeRecord(r)));
      } finally {
        reader.close();
        await log.close();
      }
    }
  });

  /** A copy of the store in a database kept in UTF-16, then edited. */
  const utf16Copy = (edit: (db: Database.Database) => void): string => {
    const copy = mkdtempSync(join(dir, 'utf16-'));
    const source = new Database(join(dir, 'log', 'vigil.db'), { readonly: true });
    const target = new Database(join(copy, 'vigil.db'));
    target.pragma("encoding = 'UTF-16le'");
    const tables = source
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as { name: string; sql: string }[];
    for (const { name, sql } of tables) {
      target.exec(sql);
      const read = source.prepare(`SELECT * FROM "${name}"`).raw(true);
      const insert = target.prepare(
        `INSERT INTO "${name}" VALUES (${read
          .columns()
          .map(() => '?')
          .join(', ')})`,
      );
      for (const row of read.all() as unknown[][]) insert.run(row);
    }
    source.close();
    edit(target);
    target.close();
    return copy;
  };

  test('gives the answer of one thread on a database kept in UTF-16', async () => {
    // There, SQLite's own text conversions make U+FFFD of a U+FFFE: the edit below (a U+FFFD
    // put back as U+FFFE, in the file's own bytes) changes no hash, only what a row read gives.
    const edits: Edit[] = [
      () => {},
      (db) =>
        db.exec(
          "UPDATE events SET actor = substr(actor, 1, length(actor) - 1) || CAST(X'FEFF' AS TEXT) WHERE instr(actor, char(65533)) > 0",
        ),
    ];
    await eachAnswer(utf16Copy, edits, [1, 4, 100], (alone, k) =>
      expect(alone.ok, `edit ${k}`).toBe(k === 0),
    );
  });

  test('fails for a row that reading the log in seq order does not find, in one thread and in workers', async () => {
    const edits: Edit[] = [
      // Every seq made text: no read by seq finds any row.
      (db) => {
        untypedSeq(db);
        db.exec('UPDATE events SET seq = CAST(seq AS TEXT)');
      },
      // A copy of event 2 under its seq, the key dropped: a page may end between the two.
      (db) => {
        untypedSeq(db, false);
        db.exec(
          "INSERT INTO events SELECT seq, 'copy', at, type, stream, actor, data, prev, hash FROM events WHERE seq = 2",
        );
      },
    ];
    // The seq of the unseen event (every one is, in the first edit), wherever pages end.
    await eachAnswer(tampered, edits, [1, 2, 100], (alone, k, block) =>
      expect(alone, `edit ${k}, blocks of ${block}`).toMatchObject({ ok: false, seq: k === 0 ? 1 : 2 }),
    );
  });

  test('gives the answer of one thread, untouched or edited in the database', async () => {
    const edits: Edit[] = [
      () => {},
      (db) => db.prepare('UPDATE events SET data = ? WHERE seq = 23').run('{"forged":true}'),
      (db) => db.prepare("UPDATE events SET actor = 'mallory' WHERE seq = 40").run(),
      (db) => db.prepare('DELETE FROM events WHERE seq = 17').run(),
      (db) => db.prepare("UPDATE events SET at = '2020-01-01T00:00:00.000Z' WHERE seq = 30").run(),
      (db) => db.prepare('UPDATE events SET data = \'{"b":1,"a":2}\' WHERE seq = 5').run(),
      (db) => db.prepare('UPDATE events SET prev = hash WHERE seq = 50').run(),
      (db) => rehash(db, 28, (event) => ({ ...event, data: { forged: true } })),
      (db) => rehash(db, 36, (event) => ({ ...event, at: '2020-01-01T00:00:00.000Z' })),
      // One row far past the others: ranges hold stored events, not spans of seqs (a range per
      // span of seqs up to a head of 10^12 would take hours to plan and check).
      (db) =>
        db
          .prepare(
            "INSERT INTO events SELECT 1000000000000, 'x', at, type, stream, actor, data, prev, hash FROM events WHERE seq = 12",
          )
          .run(),
      (db) => db.prepare('UPDATE events SET seq = 900000000 WHERE seq = 44').run(),
      (db) =>
        db
          .prepare(
            "INSERT INTO events SELECT -5, 'y', at, type, stream, actor, data, prev, hash FROM events WHERE seq = 3",
          )
          .run(),
      // Data that is not one canonical object, or holds a NUL, its hash recomputed to match.
      (db) => rewrite(db, 21, '{"forged":true}x'),
      (db) => rewrite(db, 33, '{"a":1}{}'),
      (db) => rewrite(db, 26, '{"a":"\u0000"}'),
      // The table rebuilt with a seq of no type, one seq made a fraction: the ranges stop there
      // and the rest is checked as in one thread.
      (db) => {
        untypedSeq(db);
        db.prepare('UPDATE events SET seq = 20.5 WHERE seq = 20').run();
      },
      // The table rebuilt without its types: data as a BLOB of the same bytes, the hash untouched.
      (db) => {
        db.exec(
          'CREATE TABLE loose AS SELECT * FROM events; DROP TABLE events; ALTER TABLE loose RENAME TO events;',
        );
        db.prepare('UPDATE events SET data = CAST(data AS BLOB) WHERE seq = 14').run();
      },
    ];
    await eachAnswer(tampered, edits, [1, 4, 9, 100], (alone, k) =>
      expect(alone.ok, `edit ${k}`).toBe(k === 0),
    );
  });
});
