/**
 * Reading a report file one line at a time, in constant memory: JSON Lines with readline, CSV
 * with csv-parse's stream. Each line comes out validated, with its number.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Transform } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import type { Problem, Report } from '../core/model.js';
import { CSV_OPTIONS, CsvReportReader, NO_CSV_HEADER, reportFromJsonLine, stripBom, type ReportFormat } from '../core/report-file.js';

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
