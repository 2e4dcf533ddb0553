/**
 * Report files (spec section 2): JSON Lines or CSV with a header row. Every bad line is named by
 * its number and reason; good lines are never lost because a neighbour is bad.
 */
import { isUtf8 } from 'node:buffer';
import { parse as parseCsv } from 'csv-parse/sync';
import { formatIssue } from './issues.js';
import { memberNameIssue } from './json-members.js';
import type { Problem, Report } from './model.js';
import { fromCsvRecord, REPORT_FIELD_NAMES, validateReport } from './report-schema.js';

export type ReportFormat = 'jsonl' | 'csv';

/** A bad line of a report file. */
export interface LineError {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly message: string;
}

export interface ParsedReports {
  readonly reports: Report[];
  readonly errors: LineError[];
}

/**
 * The longest line (JSON Lines) or record (CSV) of a report file that is read, in bytes: a
 * longer one is never held in memory whole. A JSON line that long is a bad line; a CSV file
 * cannot be read past such a record (csv-parse cannot tell where it ends).
 */
export const MAX_RECORD_BYTES = 1_048_576;

/**
 * The offset of the first byte of `bytes` that begins no well-formed UTF-8 sequence (a stray
 * continuation byte, an overlong form, a surrogate, a code point past U+10FFFF, a sequence cut
 * short), or -1 when all of it is UTF-8.
 */
export function firstNonUtf8Byte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      i++;
      continue;
    }
    // The length of the sequence and the range its second byte must fall in (Unicode table 3-7).
    const [length, low, high] =
      lead >= 0xc2 && lead <= 0xdf ? [2, 0x80, 0xbf]
      : lead === 0xe0 ? [3, 0xa0, 0xbf]
      : lead === 0xed ? [3, 0x80, 0x9f]
      : lead >= 0xe1 && lead <= 0xef ? [3, 0x80, 0xbf]
      : lead === 0xf0 ? [4, 0x90, 0xbf]
      : lead === 0xf4 ? [4, 0x80, 0x8f]
      : lead >= 0xf1 && lead <= 0xf3 ? [4, 0x80, 0xbf]
      : [0, 0, 0];
    if (length === 0) return i;
    const second = bytes[i + 1];
    if (second === undefined || second < low || second > high) return i;
    for (let k = 2; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < 0x80 || next > 0xbf) return i;
    }
    i += length;
  }
  return -1;
}

/** Why a line that is not UTF-8 is bad: names its first bad byte, counted from 1 in the line. */
export function notUtf8Message(bytes: Uint8Array, offset: number): string {
  return `not valid UTF-8 (byte ${offset + 1} of the line is ${hexByte(bytes[offset] ?? 0)})`;
}

function hexByte(byte: number): string {
  return '0x' + byte.toString(16).toUpperCase().padStart(2, '0');
}

/** The format a file name implies: `.csv` is CSV, anything else JSON Lines. */
export function reportFormatOf(fileName: string): ReportFormat {
  return /\.csv$/i.test(fileName) ? 'csv' : 'jsonl';
}

/** Joins a report's issues into one line's message. */
function issuesMessage(issues: readonly { path: string; message: string }[]): string {
  return issues.map(formatIssue).join('; ');
}

/**
 * Validates one JSON Lines line (blank lines are skipped by the caller). Returns the report or
 * the reason the line is bad. Never throws.
 */
export function reportFromJsonLine(line: string, problem?: Problem): { ok: true; report: Report } | { ok: false; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { ok: false, message: `not valid JSON: ${(error as Error).message}` };
  }
  // JSON.parse keeps the last of a repeated name: the sender may have meant the first.
  const repeated = memberNameIssue(line, true);
  if (repeated !== undefined) return { ok: false, message: formatIssue(repeated) };
  const result = validateReport(value, problem);
  return result.ok ? { ok: true, report: result.value } : { ok: false, message: issuesMessage(result.issues) };
}

/** The text without a leading byte order mark (files saved by some editors start with one). */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Checks a CSV header row: every column must be a report field, each once, with `id`,
 * `indicator`, `observed` and `at` present. Returns the problems found.
 */
export function csvHeaderErrors(columns: readonly string[]): string[] {
  const known = new Set<string>(REPORT_FIELD_NAMES);
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const column of columns) {
    if (!known.has(column)) errors.push(`unknown column "${column}" (known: ${REPORT_FIELD_NAMES.join(', ')})`);
    if (seen.has(column)) errors.push(`column "${column}" appears twice`);
    seen.add(column);
  }
  for (const required of ['id', 'indicator', 'observed', 'at']) {
    if (!seen.has(required)) errors.push(`missing column "${required}"`);
  }
  return errors;
}

/** Validates one CSV record (values as read, keyed by header). */
export function reportFromCsvRecord(
  record: Readonly<Record<string, string>>,
  problem?: Problem,
): { ok: true; report: Report } | { ok: false; message: string } {
  const result = validateReport(fromCsvRecord(record), problem);
  return result.ok ? { ok: true, report: result.value } : { ok: false, message: issuesMessage(result.issues) };
}

/**
 * What one CSV record gives: the header accepted, a report, or the reason its line is bad. A
 * fatal one means the file cannot be read past it (a bad header, a record too long to hold).
 */
export type CsvRecordResult =
  | { readonly kind: 'header' }
  | { readonly kind: 'report'; readonly line: number; readonly report: Report }
  | { readonly kind: 'bad'; readonly line: number; readonly message: string; readonly fatal: boolean };

/**
 * How the cells of a record arrive: `text`, already decoded; or `latin1`, each byte as one
 * character (csv-parse with `encoding: 'latin1'`), to be checked and decoded as UTF-8 here, so
 * that a record that is not UTF-8 is a bad line instead of text with replacement characters.
 */
export type CsvCellEncoding = 'text' | 'latin1';

/** Where csv-parse is: the `info` of a record, or the same fields on the error of a skipped one. */
export interface CsvPosition {
  /** The line being read (for a record, the line it ends on). */
  readonly lines?: number;
  /** Blank lines passed over so far. */
  readonly empty_lines?: number;
}

/** What csv-parse says of a record it skipped. */
export interface CsvSkip extends CsvPosition {
  readonly code?: string;
  readonly message?: string;
}

const NOT_ASCII = /[\x80-\xff]/;

/**
 * Decodes the cells of a record read as Latin-1 (one character per byte) as UTF-8: the cells,
 * or the index of the first cell that is not UTF-8 and its first bad byte.
 */
function decodeLatin1Cells(cells: readonly string[]): { readonly cells: readonly string[] } | { readonly badCell: number; readonly byte: number } {
  const decoded: string[] = [];
  for (const [index, cell] of cells.entries()) {
    if (!NOT_ASCII.test(cell)) {
      decoded.push(cell);
      continue;
    }
    const bytes = Buffer.from(cell, 'latin1');
    if (!isUtf8(bytes)) return { badCell: index, byte: bytes[firstNonUtf8Byte(bytes)] ?? 0 };
    decoded.push(bytes.toString('utf8'));
  }
  return { cells: decoded };
}

/**
 * Reads CSV records one at a time, header row first, into validated reports: what both the
 * in-memory parser and the streaming import use, fed from csv-parse's `on_record` and
 * `on_skip` in file order. A header that cannot be read is fatal (nothing after it can be), and
 * so is a record longer than MAX_RECORD_BYTES (csv-parse cannot find where it ends); after a
 * fatal result the reader returns nothing more. A record with the wrong number of fields, or
 * that is not UTF-8, is a bad line. Never throws.
 */
export class CsvReportReader {
  #header: string[] | undefined;
  #stopped = false;
  /** The line the last record ended on, as far as known, and the blank lines passed by then. */
  #ended = 0;
  #blankLines = 0;
  #skippedLine: number | undefined;

  constructor(
    private readonly problem?: Problem,
    private readonly encoding: CsvCellEncoding = 'text',
  ) {}

  /** True once a header row has been read. */
  get hasHeader(): boolean {
    return this.#header !== undefined;
  }

  /** A record csv-parse read, with its `info`; undefined once a fatal result was given. */
  read(record: readonly string[], at: CsvPosition): CsvRecordResult | undefined {
    if (this.#stopped) return undefined;
    const line = at.lines ?? 0;
    this.#noteEnd(at);
    const decoded = this.encoding === 'latin1' ? decodeLatin1Cells(record) : { cells: record };
    if (this.#header === undefined) {
      if ('badCell' in decoded) return this.#fatal(line, `bad header: column ${decoded.badCell + 1} ${notUtf8Cell(decoded.byte)}`);
      const header = decoded.cells.map((c) => c.trim());
      const errors = csvHeaderErrors(header);
      if (errors.length > 0) return this.#fatal(line, `bad header: ${errors.join('; ')}`);
      this.#header = header;
      return { kind: 'header' };
    }
    if ('badCell' in decoded) {
      const column = this.#header[decoded.badCell];
      return { kind: 'bad', line, message: `field ${decoded.badCell + 1}${column === undefined ? '' : ` (${column})`} ${notUtf8Cell(decoded.byte)}`, fatal: false };
    }
    const cells = decoded.cells;
    if (cells.length !== this.#header.length) {
      return { kind: 'bad', line, message: `has ${cells.length} fields; the header has ${this.#header.length}`, fatal: false };
    }
    const named: Record<string, string> = Object.create(null) as Record<string, string>;
    this.#header.forEach((column, k) => (named[column] = cells[k] ?? ''));
    const result = reportFromCsvRecord(named, this.problem);
    return result.ok ? { kind: 'report', line, report: result.report } : { kind: 'bad', line, message: result.message, fatal: false };
  }

  /**
   * A record csv-parse skipped (its `on_skip`): the bad line, or undefined for a record already
   * reported (csv-parse may skip one record more than once: a stray quote, then the next) and
   * once a fatal result was given.
   */
  skipped(error: CsvSkip | undefined): CsvRecordResult | undefined {
    if (this.#stopped) return undefined;
    if (error?.code === 'CSV_MAX_RECORD_SIZE') {
      return this.#fatal(
        this.#nextStart(error),
        `a record longer than ${MAX_RECORD_BYTES.toLocaleString('en-US')} bytes starts on this line (an unclosed quote?); the file was not read past it`,
      );
    }
    // csv-parse names the last line of the file; the quote was opened in the record that starts here.
    const line = error?.code === 'CSV_QUOTE_NOT_CLOSED' ? this.#nextStart(error) : (error?.lines ?? 0);
    if (line === this.#skippedLine) return undefined;
    this.#skippedLine = line;
    const why =
      error?.code === 'CSV_QUOTE_NOT_CLOSED'
        ? 'not valid CSV: a quote opened in the record starting on this line is never closed'
        : `not valid CSV: ${error?.message ?? 'unreadable record'}`;
    this.#noteEnd(error ?? {});
    if (this.#header === undefined) return this.#fatal(line, `bad header: ${why}`);
    return { kind: 'bad', line, message: why, fatal: false };
  }

  /** After the last record: the fatal error of a file without a header row, if it is one. */
  finish(): CsvRecordResult | undefined {
    return this.#stopped || this.#header !== undefined ? undefined : this.#fatal(1, NO_CSV_HEADER);
  }

  #fatal(line: number, message: string): CsvRecordResult {
    this.#stopped = true;
    return { kind: 'bad', line, message, fatal: true };
  }

  #noteEnd(at: CsvPosition): void {
    this.#ended = Math.max(this.#ended, at.lines ?? 0);
    this.#blankLines = at.empty_lines ?? this.#blankLines;
  }

  /** The line the record being read starts on: after the last one and the blank lines since. */
  #nextStart(at: CsvPosition): number {
    return this.#ended + 1 + Math.max(0, (at.empty_lines ?? this.#blankLines) - this.#blankLines);
  }
}

function notUtf8Cell(byte: number): string {
  return `is not valid UTF-8 (it has the byte ${hexByte(byte)})`;
}

/** The message for a CSV file without any row. */
export const NO_CSV_HEADER = 'no header row (a CSV report file starts with the field names)';

/**
 * csv-parse options shared by the in-memory and the streaming readers (which add `on_record`
 * and `on_skip` for a CsvReportReader, and their encoding).
 */
export const CSV_OPTIONS = {
  relax_column_count: true,
  skip_empty_lines: true,
  skip_records_with_error: true,
  max_record_size: MAX_RECORD_BYTES,
} as const;

/**
 * Parses a whole report file held in memory. Reports are checked against `problem` when given
 * (unknown indicators are errors), and a report id used twice is an error on the later line.
 * Never throws.
 */
export function parseReportsText(text: string, format: ReportFormat, problem?: Problem): ParsedReports {
  const reports: Report[] = [];
  const errors: LineError[] = [];
  const firstLine = new Map<string, number>();
  const accept = (line: number, result: { ok: true; report: Report } | { ok: false; message: string }) => {
    if (!result.ok) {
      errors.push({ line, message: result.message });
      return;
    }
    const first = firstLine.get(result.report.id);
    if (first !== undefined) {
      errors.push({ line, message: `duplicate report id "${result.report.id}" (first on line ${first})` });
      return;
    }
    firstLine.set(result.report.id, line);
    reports.push(result.report);
  };

  if (format === 'jsonl') {
    const lines = stripBom(text).split(/\r?\n/);
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      accept(index + 1, reportFromJsonLine(line, problem));
    });
    return { reports, errors };
  }

  const reader = new CsvReportReader(problem);
  const take = (result: CsvRecordResult | undefined) => {
    if (result?.kind === 'report') accept(result.line, { ok: true, report: result.report });
    else if (result?.kind === 'bad') errors.push({ line: result.line, message: result.message });
  };
  // Windows line ends become plain ones first: the CSV parser counts a CRLF inside a quoted
  // cell as two lines, which would shift every later line number.
  parseCsv(text.replace(/\r\n/g, '\n'), {
    ...CSV_OPTIONS,
    bom: true,
    on_record: (record: string[], info) => {
      take(reader.read(record, info));
      return undefined;
    },
    on_skip: (error) => {
      take(reader.skipped(error));
      return undefined;
    },
  });
  take(reader.finish());
  errors.sort((a, b) => a.line - b.line);
  return { reports, errors };
}
