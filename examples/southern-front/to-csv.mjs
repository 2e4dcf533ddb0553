// Writes reports.csv from reports.jsonl (same reports, same order), so the demo ships both
// input formats. Run from anywhere after editing the JSONL:
//   node examples/southern-front/to-csv.mjs
// Header row = the report fields of the spec; an empty cell means the field is absent.
import { readFileSync, writeFileSync } from 'node:fs';

const FIELDS = [
  'id',
  'indicator',
  'observed',
  'at',
  'received',
  'source',
  'reliability',
  'credibility',
  'sensitivity',
  'falseAlarmRate',
  'text',
];
const here = new URL('.', import.meta.url);

/** RFC 4180 quoting: only when the cell holds a comma, a quote or a line break. */
function cell(value) {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const reports = readFileSync(new URL('reports.jsonl', here), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line));
const lines = [
  FIELDS.join(','),
  ...reports.map((report) => FIELDS.map((field) => cell(report[field])).join(',')),
];
writeFileSync(new URL('reports.csv', here), lines.join('\n') + '\n');
console.log(`reports.csv: ${reports.length} reports`);
