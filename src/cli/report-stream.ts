/**
 * Reading a report file one line at a time, in constant memory: JSON Lines with readline, CSV
 * with csv-parse's stream. Each line comes out validated, with its number.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse as parseCsv } from 'csv-parse';
import type { Problem, Report } from '../core/model.js';
import { csvHeaderErrors, reportFromCsvRecord, reportFromJsonLine, type ReportFormat } from '../core/report-file.js';

export type ReportLine = { line: number; ok: true; report: Report } | { line: number; ok: false; message: string };

/** Bytes read so far, for progress. */
export interface ByteCounter {
  bytes: number;
}

/** Streams the lines of a report file, validated against `problem`. Blank lines are skipped. */
export async function* readReportLines(path: string, format: ReportFormat, problem: Problem, counter: ByteCounter = { bytes: 0 }): AsyncGenerator<ReportLine> {
  const input = createReadStream(path);
  input.on('data', (chunk) => (counter.bytes += chunk.length));
  if (format === 'jsonl') {
    let line = 0;
    for await (const text of createInterface({ input, crlfDelay: Infinity })) {
      line++;
      if (text.trim() === '') continue;
      const result = reportFromJsonLine(text, problem);
      yield result.ok ? { line, ok: true, report: result.report } : { line, ok: false, message: result.message };
    }
    return;
  }
  const errors: ReportLine[] = [];
  const parser = input.pipe(
    parseCsv({
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error) => {
        errors.push({ line: Number(error?.lines ?? 0), ok: false, message: `not valid CSV: ${error?.message ?? 'unreadable record'}` });
        return undefined;
      },
    }),
  );
  let header: string[] | undefined;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    yield* errors.splice(0);
    if (header === undefined) {
      header = record.map((c) => c.trim());
      const problems = csvHeaderErrors(header);
      if (problems.length > 0) {
        yield { line: info.lines, ok: false, message: `bad header: ${problems.join('; ')}` };
        input.destroy();
        return;
      }
      continue;
    }
    if (record.length !== header.length) {
      yield { line: info.lines, ok: false, message: `has ${record.length} fields; the header has ${header.length}` };
      continue;
    }
    const cells: Record<string, string> = Object.create(null) as Record<string, string>;
    header.forEach((column, k) => (cells[column] = record[k] ?? ''));
    const result = reportFromCsvRecord(cells, problem);
    yield result.ok ? { line: info.lines, ok: true, report: result.report } : { line: info.lines, ok: false, message: result.message };
  }
  yield* errors.splice(0);
  if (header === undefined) yield { line: 1, ok: false, message: 'no header row (a CSV report file starts with the field names)' };
}
