/**
 * Reading a report file one line at a time, in constant memory: JSON Lines split by hand, CSV
 * with csv-parse's stream. Each line comes out validated, with its number; a line that is not
 * UTF-8 is a bad line (never decoded into replacement characters, which could make two ids one).
 */
import { hash } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import Database from 'better-sqlite3';
import { parse as parseCsv, type Options as CsvOptions } from 'csv-parse';
import type { Problem, Report } from '../core/model.js';
import {
  CSV_OPTIONS,
  CsvReportReader,
  firstNonUtf8Byte,
  MAX_RECORD_BYTES,
  notUtf8Message,
  reportFromJsonLine,
  stripBom,
  type CsvRecordResult,
  type ReportFormat,
} from '../core/report-file.js';

/**
 * One line of a report file: a report, or why the line is bad. A fatal bad line ends the
 * file: nothing after it can be read (a CSV header that cannot be read, a CSV record too long
 * to hold).
 */
export type ReportLine = { line: number; ok: true; report: Report } | { line: number; ok: false; message: string; fatal: boolean };

/** Bytes read so far, for progress. */
export interface ByteCounter {
  bytes: number;
}

/**
 * Splits a byte stream into lines (LF or CRLF, the line end dropped), in constant memory: a
 * line longer than MAX_RECORD_BYTES comes out as undefined, its bytes dropped as they stream by.
 */
async function* boundedLines(input: AsyncIterable<Buffer>): AsyncGenerator<Buffer | undefined> {
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  const finish = () => {
    let bytes: Buffer | undefined;
    if (!tooLong) {
      bytes = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, size);
      if (bytes.at(-1) === 13) bytes = bytes.subarray(0, -1);
    }
    parts = [];
    size = 0;
    tooLong = false;
    return bytes;
  };
  for await (const chunk of input) {
    let start = 0;
    for (let end = chunk.indexOf(10); end !== -1; end = chunk.indexOf(10, start)) {
      if (!tooLong) parts.push(chunk.subarray(start, end));
      size += end - start;
      if (size > MAX_RECORD_BYTES) tooLong = true;
      yield finish();
      start = end + 1;
    }
    if (start < chunk.length) {
      size += chunk.length - start;
      if (size > MAX_RECORD_BYTES) {
        tooLong = true;
        parts = [];
      } else parts.push(chunk.subarray(start));
    }
  }
  if (size > 0 || tooLong) yield finish();
}

/** Decodes a line, or throws when it is not UTF-8 (one pass for both; faster than a check, then a decode). */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Streams the lines of a report file, validated against `problem`. Blank lines are skipped. */
export async function* readReportLines(path: string, format: ReportFormat, problem: Problem, counter: ByteCounter = { bytes: 0 }): AsyncGenerator<ReportLine> {
  const input = createReadStream(path);
  input.on('data', (chunk) => (counter.bytes += chunk.length));
  if (format === 'csv') {
    yield* readCsvLines(input, problem);
    return;
  }
  let line = 0;
  for await (const bytes of boundedLines(input)) {
    line++;
    if (bytes === undefined) {
      yield { line, ok: false, message: `longer than ${MAX_RECORD_BYTES.toLocaleString('en-US')} bytes (not read)`, fatal: false };
      continue;
    }
    let text: string;
    try {
      text = UTF8.decode(bytes);
    } catch {
      yield { line, ok: false, message: notUtf8Message(bytes, firstNonUtf8Byte(bytes)), fatal: false };
      continue;
    }
    if (text.trim() === '') continue;
    const result = reportFromJsonLine(line === 1 ? stripBom(text) : text, problem);
    yield result.ok ? { line, ok: true, report: result.report } : { line, ok: false, message: result.message, fatal: false };
  }
}

/**
 * The CSV lines of a file. csv-parse reads bytes as Latin-1 (one character per byte) so that the
 * reader can check each record is UTF-8; its `on_record` and `on_skip` feed one CsvReportReader
 * in file order, and the results of each record travel through the stream (so a slow consumer
 * holds the file back). After a fatal line the file is no longer read.
 */
async function* readCsvLines(input: ReadStream, problem: Problem): AsyncGenerator<ReportLine> {
  const reader = new CsvReportReader(problem, 'latin1');
  let skipped: CsvRecordResult[] = [];
  const bytes = csvBytes();
  const stopReading = () => {
    input.unpipe(bytes);
    input.destroy();
    bytes.end();
  };
  const options: CsvOptions = {
    ...CSV_OPTIONS,
    bom: false, // csvBytes drops it: on seeing one, csv-parse would decode as UTF-8 after all
    encoding: 'latin1',
    on_skip: (error) => {
      const result = reader.skipped(error);
      if (result === undefined) return undefined;
      skipped.push(result);
      // Past a record too long to hold csv-parse reads nothing more: stop reading the file.
      if (result.kind === 'bad' && result.fatal) process.nextTick(stopReading);
      return undefined;
    },
    // What goes down the stream is the results of a record (csv-parse's types want a record).
    on_record: ((record: string[], info: { lines: number; empty_lines: number }) => {
      const results = [...skipped, reader.read(record, info)];
      skipped = [];
      return results;
    }) as unknown as CsvOptions['on_record'],
  };
  const parser = input.pipe(bytes).pipe(parseCsv(options));
  input.on('error', (error) => parser.destroy(error));
  for await (const results of parser as AsyncIterable<(CsvRecordResult | undefined)[]>) {
    for (const result of results) {
      const line = reportLine(result);
      if (line === undefined) continue;
      yield line;
      if (!line.ok && line.fatal) {
        input.destroy();
        return;
      }
    }
  }
  for (const result of [...skipped, reader.finish()]) {
    const line = reportLine(result);
    if (line !== undefined) yield line;
  }
}

function reportLine(result: CsvRecordResult | undefined): ReportLine | undefined {
  if (result === undefined || result.kind === 'header') return undefined;
  return result.kind === 'report' ? { line: result.line, ok: true, report: result.report } : { line: result.line, ok: false, message: result.message, fatal: result.fatal };
}

/**
 * Bytes for csv-parse: without a leading UTF-8 byte order mark, and with CRLF line ends turned
 * into LF (a CR at the end of a chunk waits for the next one): the CSV parser counts a CRLF
 * inside a quoted cell as two lines.
 */
function csvBytes(): Transform {
  let head: Buffer | undefined = Buffer.alloc(0);
  let pendingCr = false;
  const lf = (chunk: Buffer) => {
    let text = (pendingCr ? '\r' : '') + chunk.toString('latin1');
    pendingCr = text.endsWith('\r');
    if (pendingCr) text = text.slice(0, -1);
    return Buffer.from(text.replace(/\r\n/g, '\n'), 'latin1');
  };
  const withoutBom = (bytes: Buffer) => (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes);
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (head === undefined) return done(null, lf(chunk));
      // The first three bytes decide whether there is a byte order mark.
      head = Buffer.concat([head, chunk]);
      if (head.length < 3) return done();
      const first = withoutBom(head);
      head = undefined;
      done(null, lf(first));
    },
    flush(done) {
      const rest = head === undefined ? Buffer.alloc(0) : lf(withoutBom(head));
      done(null, Buffer.concat([rest, pendingCr ? Buffer.from('\r', 'latin1') : Buffer.alloc(0)]));
    },
  });
}

/** Page cache of the repeated-id finder's database, in KiB: all the memory it uses. */
const REPEATS_CACHE_KIB = 16_384;
/** Lines noted per transaction of the repeated-id finder. */
const REPEATS_PER_TRANSACTION = 50_000;

/**
 * Finds the lines of a report file that repeat an earlier line's report id with other content,
 * in bounded memory however long the file: each good line's number, id and a digest of its
 * report go into a private temporary SQLite database on disk (deleted when closed; SQLite keeps
 * at most its page cache in memory), and one sort by id at the end finds the repeats. A repeat
 * with identical content is a duplicate, not a conflict (the store skips it as such).
 */
export class RepeatedIds {
  readonly #db: Database.Database;
  readonly #insert: Database.Statement<[number, string, Buffer]>;
  #inTransaction = 0;

  constructor() {
    // An empty name: a private temporary database, in a file beside the system's temporary files.
    this.#db = new Database('');
    this.#db.pragma('journal_mode = OFF');
    this.#db.pragma('synchronous = OFF');
    this.#db.pragma(`cache_size = -${REPEATS_CACHE_KIB}`);
    this.#db.exec('CREATE TABLE seen (line INTEGER PRIMARY KEY, id TEXT NOT NULL, digest BLOB NOT NULL)');
    this.#insert = this.#db.prepare('INSERT INTO seen (line, id, digest) VALUES (?, ?, ?)');
  }

  /** Notes the report read on a good line; lines come in increasing order. */
  add(line: number, report: Report): void {
    if (this.#inTransaction === 0) this.#db.exec('BEGIN');
    // The report as validated (defaults applied): equal reports give equal JSON, and 64 bits
    // of SHA-256 tell two contents of one id apart.
    this.#insert.run(line, report.id, hash('sha256', JSON.stringify(report), 'buffer').subarray(0, 8));
    if (++this.#inTransaction === REPEATS_PER_TRANSACTION) this.#commit();
  }

  /**
   * The lines whose id an earlier line used with other content, in line order, each with the
   * first line of that id (whose content is the one that counts, as in the store).
   */
  *conflicts(): Generator<{ line: number; id: string; first: number }> {
    this.#commit();
    this.#db.exec('CREATE INDEX seen_by_id ON seen (id, line, digest)');
    yield* this.#db
      .prepare<[], { line: number; id: string; first: number }>(
        `SELECT line, id, first FROM (
           SELECT line, id, digest, first_value(digest) OVER byId AS firstDigest, first_value(line) OVER byId AS first
           FROM seen WINDOW byId AS (PARTITION BY id ORDER BY line))
         WHERE digest <> firstDigest ORDER BY line`,
      )
      .iterate();
  }

  /** Deletes the database. */
  close(): void {
    this.#db.close();
  }

  #commit(): void {
    if (this.#inTransaction > 0) this.#db.exec('COMMIT');
    this.#inTransaction = 0;
  }
}
