/**
 * Reading a report file one line at a time, in constant memory: JSON Lines with readline, CSV
 * with csv-parse's stream. Each line comes out validated, with its number.
 */
import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import type { Problem, Report } from '../core/model.js';
import { CSV_OPTIONS, CsvReportReader, NO_CSV_HEADER, reportFromJsonLine, stripBom, type ReportFormat } from '../core/report-file.js';

export type ReportLine = { line: number; ok: true; report: Report } | { line: number; ok: false; message: string };

/** Bytes read so far, for progress. */
export interface ByteCounter {
  bytes: number;
}

/** A report line longer than this is a bad line, and is never held in memory whole. */
export const MAX_LINE_BYTES = 1_048_576;

/**
 * Splits a byte stream into lines (LF or CRLF), in constant memory: a line longer than
 * MAX_LINE_BYTES comes out as undefined, its bytes dropped as they stream by.
 */
async function* boundedLines(input: AsyncIterable<Buffer>): AsyncGenerator<string | undefined> {
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  const finish = () => {
    const text = tooLong ? undefined : Buffer.concat(parts, size).toString('utf8').replace(/\r$/, '');
    parts = [];
    size = 0;
    tooLong = false;
    return text;
  };
  for await (const chunk of input) {
    let start = 0;
    for (let end = chunk.indexOf(10); end !== -1; end = chunk.indexOf(10, start)) {
      if (!tooLong) parts.push(chunk.subarray(start, end));
      size += end - start;
      if (size > MAX_LINE_BYTES) tooLong = true;
      yield finish();
      start = end + 1;
    }
    if (start < chunk.length) {
      size += chunk.length - start;
      if (size > MAX_LINE_BYTES) {
        tooLong = true;
        parts = [];
      } else parts.push(chunk.subarray(start));
    }
  }
  if (size > 0 || tooLong) yield finish();
}

/** Streams the lines of a report file, validated against `problem`. Blank lines are skipped. */
export async function* readReportLines(path: string, format: ReportFormat, problem: Problem, counter: ByteCounter = { bytes: 0 }): AsyncGenerator<ReportLine> {
  const input = createReadStream(path);
  input.on('data', (chunk) => (counter.bytes += chunk.length));
  if (format === 'jsonl') {
    let line = 0;
    for await (const text of boundedLines(input)) {
      line++;
      if (text === undefined) {
        yield { line, ok: false, message: `longer than ${MAX_LINE_BYTES.toLocaleString('en-US')} bytes (not read)` };
        continue;
      }
      if (text.trim() === '') continue;
      const result = reportFromJsonLine(line === 1 ? stripBom(text) : text, problem);
      yield result.ok ? { line, ok: true, report: result.report } : { line, ok: false, message: result.message };
    }
    return;
  }
  const errors: ReportLine[] = [];
  const reader = new CsvReportReader(problem);
  let skippedLine: number | undefined;
  const parser = input.pipe(crlfToLf()).pipe(
    parseCsv({
      ...CSV_OPTIONS,
      on_skip: (error) => {
        const line = Number(error?.lines ?? 0);
        // One error per skipped line (csv-parse may skip a record more than once).
        if (line !== skippedLine) errors.push({ line, ok: false, message: `not valid CSV: ${error?.message ?? 'unreadable record'}` });
        skippedLine = line;
        return undefined;
      },
    }),
  );
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    yield* errors.splice(0);
    const result = reader.read(record);
    if (result.kind === 'report') yield { line: info.lines, ok: true, report: result.report };
    else if (result.kind === 'bad') {
      yield { line: info.lines, ok: false, message: result.message };
      if (result.fatal) {
        input.destroy();
        return;
      }
    }
  }
  yield* errors.splice(0);
  if (!reader.hasHeader) yield { line: 1, ok: false, message: NO_CSV_HEADER };
}

/**
 * Turns CRLF line ends into LF as bytes stream through (a CR at the end of a chunk waits for the
 * next one): the CSV parser counts a CRLF inside a quoted cell as two lines.
 */
function crlfToLf(): Transform {
  let pendingCr = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let text = (pendingCr ? '\r' : '') + chunk.toString('latin1');
      pendingCr = text.endsWith('\r');
      if (pendingCr) text = text.slice(0, -1);
      done(null, Buffer.from(text.replace(/\r\n/g, '\n'), 'latin1'));
    },
    flush(done) {
      done(null, pendingCr ? Buffer.from('\r', 'latin1') : null);
    },
  });
}
