/**
 * Report files (spec section 2): JSON Lines or CSV with a header row. Every bad line is named by
 * its number and reason; good lines are never lost because a neighbour is bad.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { formatIssue } from './issues.js';
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

/** What one CSV record gives: the header accepted, a report, or the reason the line is bad. */
export type CsvRecordResult =
  | { readonly kind: 'header' }
  | { readonly kind: 'report'; readonly report: Report }
  | { readonly kind: 'bad'; readonly message: string; readonly fatal: boolean };

/**
 * Reads CSV records one at a time, header row first, into validated reports: what both the
 * in-memory parser and the streaming import use. A bad header is fatal (nothing after it can
 * be read); a record with the wrong number of fields is a bad line.
 */
export class CsvReportReader {
  #header: string[] | undefined;

  constructor(private readonly problem?: Problem) {}

  /** True once a header row has been read. */
  get hasHeader(): boolean {
    return this.#header !== undefined;
  }

  read(record: readonly string[]): CsvRecordResult {
    if (this.#header === undefined) {
      const header = record.map((c) => c.trim());
      const errors = csvHeaderErrors(header);
      if (errors.length > 0) return { kind: 'bad', message: `bad header: ${errors.join('; ')}`, fatal: true };
      this.#header = header;
      return { kind: 'header' };
    }
    if (record.length !== this.#header.length) {
      return { kind: 'bad', message: `has ${record.length} fields; the header has ${this.#header.length}`, fatal: false };
    }
    const cells: Record<string, string> = Object.create(null) as Record<string, string>;
    this.#header.forEach((column, k) => (cells[column] = record[k] ?? ''));
    const result = reportFromCsvRecord(cells, this.problem);
    return result.ok ? { kind: 'report', report: result.report } : { kind: 'bad', message: result.message, fatal: false };
  }
}

/** The message for a CSV file without any row. */
export const NO_CSV_HEADER = 'no header row (a CSV report file starts with the field names)';

/** csv-parse options shared by the in-memory and the streaming readers. */
export const CSV_OPTIONS = {
  bom: true,
  info: true,
  relax_column_count: true,
  skip_empty_lines: true,
  skip_records_with_error: true,
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
  let skippedLine: number | undefined;
  // Windows line ends become plain ones first: the CSV parser counts a CRLF inside a quoted
  // cell as two lines, which would shift every later line number.
  const records = parseCsv(text.replace(/\r\n/g, '\n'), {
    ...CSV_OPTIONS,
    on_skip: (error) => {
      const line = Number(error?.lines ?? 0);
      // csv-parse may skip one record more than once (a stray quote, then the next): one line, one error.
      if (line !== skippedLine) errors.push({ line, message: `not valid CSV: ${error?.message ?? 'unreadable record'}` });
      skippedLine = line;
      return undefined;
    },
  }) as unknown as { record: string[]; info: { lines: number } }[];
  for (const { record, info } of records) {
    const result = reader.read(record);
    if (result.kind === 'report') accept(info.lines, { ok: true, report: result.report });
    else if (result.kind === 'bad') {
      errors.push({ line: info.lines, message: result.message });
      if (result.fatal) return { reports, errors };
    }
  }
  if (!reader.hasHeader) errors.push({ line: 1, message: NO_CSV_HEADER });
  errors.sort((a, b) => a.line - b.line);
  return { reports, errors };
}
