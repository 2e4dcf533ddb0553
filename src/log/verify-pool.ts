/**
 * Parallel verification: blocks of events are checked alone by worker threads (scanning,
 * hashing, the links inside a block), then joined in seq order on the calling thread, which
 * also checks the links between blocks. A block that fails, or does not join, is checked again
 * on the calling thread event by event, so the answer (the first failing seq and its reason)
 * is exactly the one of a check in one thread.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { checkBlock, checkLines } from './chain-verifier.js';
import type { BlockSetup, BlockSummary, ChainVerifier, EventBlock } from './chain-verifier.js';
import type { EventRecord } from './event.js';

/**
 * A block of a store's events that whoever checks it reads itself, from the SQLite file: the
 * events with seq in [startSeq, endSeq] (at or below the head, so committed and on disk).
 */
export interface RangeBlock {
  readonly startSeq: number;
  readonly endSeq: number;
  readonly file: string;
}

/** A block as the pool takes it: lines or records (see EventBlock), or a range of a store. */
export type PoolBlock = EventBlock | RangeBlock;

/**
 * Each event of a range as its export line, built by SQLite: the members in canonical order,
 * every string member by json_quote (which writes what JSON.stringify writes), data as stored.
 * A line that verifies is exactly the one `encodeRecord` would make of the row, so it verifies
 * the row; one that does not fails its block, which the calling thread then checks record by
 * record for the exact reason. A row whose columns are not of the types the schema gives them
 * (an edited database: a BLOB would be joined in byte for byte) makes no line (NULL), and the
 * range is left to the calling thread. One string a row instead of nine is the cheaper read.
 */
const RANGE_LINES = `SELECT CASE WHEN typeof(seq) = 'integer' AND typeof(id) = 'text' AND typeof(at) = 'text'
    AND typeof(type) = 'text' AND typeof(stream) = 'text' AND typeof(actor) = 'text' AND typeof(data) = 'text'
    AND typeof(prev) = 'text' AND typeof(hash) = 'text'
  THEN '{"actor":' || json_quote(actor) || ',"at":' || json_quote(at) || ',"data":' || data ||
    ',"hash":' || json_quote(hash) || ',"id":' || json_quote(id) || ',"prev":' || json_quote(prev) || ',"seq":' || seq ||
    ',"stream":' || json_quote(stream) || ',"type":' || json_quote(type) || '}' END
  FROM events WHERE seq >= ? AND seq <= ? ORDER BY seq`;

/**
 * Reads ranges of events from SQLite files opened read-only, one connection per file, each event
 * as its export line (RANGE_LINES). Each range is read in its own transaction: events at or
 * below the head never change, so ranges read at different times fit together.
 */
export class RangeReader {
  private readonly statements = new Map<
    string,
    {
      db: Database.Database;
      /** The file's text is UTF-8: json_quote's text is the file's own, converted once, as a row's. */
      utf8: boolean;
      lines: Statement<[number, number], unknown>;
      nth: Statement<[number, number], { seq: number }>;
    }
  >();

  #open(file: string) {
    let entry = this.statements.get(file);
    if (entry === undefined) {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      // In a UTF-16 file, json_quote's UTF-8 text is converted back, and that conversion makes
      // U+FFFD of what a row read gives otherwise (U+FFFE, an encoded lone surrogate).
      const utf8 = db.pragma('encoding', { simple: true }) === 'UTF-8';
      const lines = db.prepare<[number, number], unknown>(RANGE_LINES).pluck(true);
      const nth = db.prepare<[number, number], { seq: number }>('SELECT seq FROM events WHERE seq >= ? ORDER BY seq LIMIT 1 OFFSET ?');
      entry = { db, utf8, lines, nth };
      this.statements.set(file, entry);
    }
    return entry;
  }

  /**
   * The seq of the `rows`-th event at or after seq `from` in `file` (so that a range holds that
   * many stored events however the seqs run: an edited store may have gaps, or one huge seq),
   * as stored (an edited database may hold a seq that is no whole number), or undefined when
   * fewer remain.
   */
  endOfRange(file: string, from: number, rows: number): unknown {
    return this.#open(file).nth.get(from, rows - 1)?.seq;
  }

  /**
   * The export lines of `block`'s events, in seq order; undefined when a row makes none (a
   * column of another type in an edited database) or the file is not UTF-8: the range is then
   * for the calling thread to check record by record.
   */
  readLines(block: RangeBlock): string[] | undefined {
    const entry = this.#open(block.file);
    if (!entry.utf8) return undefined;
    const lines = entry.lines.all(block.startSeq, block.endSeq);
    return lines.every((line): line is string => typeof line === 'string') ? lines : undefined;
  }

  close(): void {
    for (const { db } of this.statements.values()) db.close();
    this.statements.clear();
  }
}

/**
 * Checks a block alone as a worker does: a range is read first (by `reader`), as export lines.
 * Undefined for a range read as no lines: the calling thread checks it itself.
 */
export function checkPoolBlock(block: PoolBlock, setup: BlockSetup, reader: RangeReader): BlockSummary | undefined {
  if (!('file' in block)) return checkBlock(block, setup);
  const lines = reader.readLines(block);
  return lines === undefined ? undefined : checkLines(block.startSeq, lines, setup);
}

/** How verification uses worker threads. */
export interface ParallelOptions {
  /**
   * Worker threads; 0 checks everything in the calling thread. Default: none on two cores or
   * fewer, else one per core, up to 4 (for a store, one fewer: the calling thread reads its pages).
   */
  readonly threads?: number;
  /** Inputs smaller than this are checked in the calling thread: an export of fewer bytes, a store of fewer events. */
  readonly minBytes?: number;
  readonly minEvents?: number;
  /**
   * Blocks the calling thread checks itself in each round of the workers' turns (0 or more):
   * default 1 where the workers leave a core free for it, else 0.
   */
  readonly callerTurns?: number;
  /** Size of the blocks sent to a worker: bytes of export lines, or stored records. */
  readonly blockBytes?: number;
  readonly blockRecords?: number;
}

/** The defaults of `ParallelOptions`, numbers chosen so that small inputs never pay for threads. */
export const PARALLEL_DEFAULTS = {
  minBytes: 8 << 20,
  minEvents: 20_000,
  blockBytes: 1 << 20,
  blockRecords: 5_000,
} as const;

/**
 * The default thread count: none on one core; one worker on two cores, the calling thread
 * checking every other block itself (two workers beside a calling thread that also reads were
 * measured slower than one thread there); else one per core, at most 4, and one fewer when the
 * calling thread has work of its own besides joining blocks (reading a store's pages).
 */
export function defaultThreads(callerBusy: boolean): number {
  const cores = availableParallelism();
  if (cores <= 1) return 0;
  if (cores === 2) return 1;
  return Math.min(callerBusy ? cores - 1 : cores, 4);
}

/** The default `callerTurns`: 1 when the workers leave a core free for the calling thread, else 0. */
export function defaultCallerTurns(threads: number): number {
  return threads < availableParallelism() ? 1 : 0;
}

/**
 * The worker's compiled file: beside this module when it runs compiled; when it runs from
 * TypeScript sources (under a test runner), the project's build, if there is one.
 */
function workerFile(): URL | undefined {
  for (const candidate of ['./verify-worker.js', '../../dist/src/log/verify-worker.js']) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(url)) return url;
  }
  return undefined;
}

/** Worker threads that check blocks; answers come back per block, in any order. */
export class VerifyPool {
  private readonly waiting = new Map<number, { worker: Worker; resolve: (summary: BlockSummary | undefined) => void }>();
  private readonly live = new Set<Worker>();
  /** The calling thread's reader of ranges, for its own turns. */
  private readonly reader = new RangeReader();
  private nextId = 0;
  private turn = 0;

  private constructor(
    private readonly workers: readonly Worker[],
    private readonly setup: BlockSetup,
    /** Blocks the calling thread checks itself after each round of the workers' turns. */
    private readonly callerTurns: number,
  ) {
    for (const worker of workers) {
      this.live.add(worker);
      worker.on('message', (answer: { id: number; summary: BlockSummary }) => {
        const entry = this.waiting.get(answer.id);
        this.waiting.delete(answer.id);
        entry?.resolve(answer.summary);
      });
      // A worker that fails or exits leaves its blocks to the calling thread.
      const lost = (): void => {
        this.live.delete(worker);
        for (const [id, entry] of this.waiting) {
          if (entry.worker !== worker) continue;
          this.waiting.delete(id);
          entry.resolve(undefined);
        }
      };
      worker.on('error', lost);
      worker.on('exit', lost);
    }
  }

  /** Starts `threads` workers; undefined when there are none to start or no compiled worker file. */
  static start(threads: number, setup: BlockSetup, callerTurns = 0): VerifyPool | undefined {
    const file = threads > 0 ? workerFile() : undefined;
    if (file === undefined) return undefined;
    return new VerifyPool(
      Array.from({ length: threads }, () => new Worker(file, { workerData: setup })),
      setup,
      callerTurns,
    );
  }

  /**
   * The summary of `block` checked alone: by a worker, or on its turns by the calling thread
   * itself (synchronously, as a worker would); undefined when no worker could check it (the
   * caller checks it itself). The bytes of a block of lines are copied, never taken.
   */
  check(block: PoolBlock): Promise<BlockSummary | undefined> {
    const workers = this.workers.filter((worker) => this.live.has(worker));
    const slot = this.turn++ % Math.max(workers.length + this.callerTurns, 1);
    if (slot >= workers.length && workers.length > 0) {
      try {
        return Promise.resolve(checkPoolBlock(block, this.setup, this.reader));
      } catch {
        return Promise.resolve(undefined); // a range that could not be read: the caller checks it event by event
      }
    }
    const worker = workers[slot];
    if (worker === undefined) return Promise.resolve(undefined);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, { worker, resolve });
      if ('file' in block) {
        worker.postMessage({ id, block });
        return;
      }
      if ('lines' in block) {
        const lines = new Uint8Array(block.lines); // a copy of the view only, handed over whole
        worker.postMessage({ id, block: { startSeq: block.startSeq, lines } }, [lines.buffer]);
        return;
      }
      const packed = packRecords(block.records);
      if (packed === undefined) {
        this.waiting.delete(id);
        resolve(undefined);
        return;
      }
      worker.postMessage({ id, block: { startSeq: block.startSeq, packed } }, [
        packed.seqs.buffer,
        packed.lengths.buffer,
      ]);
    });
  }

  /** `RangeReader.endOfRange` on this pool's own reader: where the range from `from` ends. */
  endOfRange(file: string, from: number, rows: number): unknown {
    return this.reader.endOfRange(file, from, rows);
  }

  /** Stops the workers; blocks not answered yet are left to the caller. */
  async close(): Promise<void> {
    this.reader.close();
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

/**
 * Blocks in seq order on their way to one verifier: each is sent to the pool when submitted
 * and joined when its turn comes; a block whose summary does not join is pushed event by event.
 */
export class OrderedBlocks<B extends PoolBlock> {
  private readonly queue: { block: B; summary: Promise<BlockSummary | undefined> }[] = [];

  /**
   * @param checkHere pushes a block's events into the verifier one by one; false once failed
   * @param inFlight blocks submitted and not yet joined, at most (bounds memory)
   */
  constructor(
    private readonly verifier: ChainVerifier,
    private readonly pool: VerifyPool,
    private readonly checkHere: (block: B) => boolean | Promise<boolean>,
    private readonly inFlight: number,
  ) {}

  /** Sends `block` to the pool; joins the oldest blocks while too many wait. False once failed. */
  async submit(block: B): Promise<boolean> {
    this.queue.push({ block, summary: this.pool.check(block) });
    return this.settle(this.inFlight);
  }

  /** Joins blocks until at most `keep` wait. False once verification has failed. */
  async settle(keep = 0): Promise<boolean> {
    while (this.queue.length > keep) {
      const next = this.queue.shift();
      if (next === undefined) break;
      const summary = await next.summary;
      if (summary !== undefined && this.verifier.joinBlock(summary, next.block.startSeq)) continue;
      if (!(await this.checkHere(next.block))) {
        this.queue.length = 0;
        return false;
      }
    }
    return !this.verifier.failed;
  }
}

/**
 * Stored records as one text and two arrays: a worker gets them far faster than as objects
 * (cloning 5,000 objects costs the sending thread more than checking them).
 */
export interface PackedRecords {
  /** id, at, type, stream, actor, data, prev, hash of every record, one after the other. */
  readonly text: string;
  /** The length of each of those strings, in UTF-16 code units. */
  readonly lengths: Uint32Array<ArrayBuffer>;
  readonly seqs: Float64Array<ArrayBuffer>;
}

const PACKED_MEMBERS = ['id', 'at', 'type', 'stream', 'actor', 'data', 'prev', 'hash'] as const;

/** Packs records; undefined when one has a member of another type than its column's (checked here). */
export function packRecords(records: readonly EventRecord[]): PackedRecords | undefined {
  const lengths = new Uint32Array(records.length * PACKED_MEMBERS.length);
  const seqs = new Float64Array(records.length);
  let text = '';
  let k = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i] as EventRecord;
    const seq: unknown = record.seq;
    if (typeof seq !== 'number') return undefined;
    seqs[i] = seq;
    for (const name of PACKED_MEMBERS) {
      const value: unknown = record[name];
      if (typeof value !== 'string') return undefined;
      text += value;
      lengths[k++] = value.length;
    }
  }
  return { text, lengths, seqs };
}

/** The records of `packRecords`. */
export function unpackRecords(packed: PackedRecords): EventRecord[] {
  const { text, lengths, seqs } = packed;
  const records: EventRecord[] = [];
  let at = 0;
  let k = 0;
  const next = (): string => {
    const end = at + (lengths[k++] as number);
    const value = text.slice(at, end);
    at = end;
    return value;
  };
  for (let i = 0; i < seqs.length; i++) {
    const id = next();
    const eventAt = next();
    const type = next();
    const stream = next();
    const actor = next();
    const data = next();
    const prev = next();
    const hash = next();
    records.push({ seq: seqs[i] as number, id, at: eventAt, type, stream, actor, data, prev, hash });
  }
  return records;
}
