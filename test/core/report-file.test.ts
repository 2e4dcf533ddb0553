/**
 * Report files in the core: a string member with a lone surrogate is a bad field; a member given
 * twice is a bad line; the UTF-8
 * check that names the first bad byte; CSV records read as Latin-1 bytes and checked as UTF-8;
 * a CSV record too long to hold named on the line it starts on, in bounded memory.
 */
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CsvReportReader,
  firstNonUtf8Byte,
  MAX_RECORD_BYTES,
  parseReportsText,
  type CsvRecordResult,
} from '../../src/core/report-file.js';
import { validateReport } from '../../src/core/report-schema.js';

const good = { id: 'r1', indicator: 'scouts', observed: 'present', at: '2023-10-06T10:00:00Z' };
const SURROGATE_MESSAGE = 'must not contain a lone surrogate (not valid Unicode)';

describe('a report with a lone surrogate', () => {
  it.each([
    ['id', { ...good, id: 'r\ud800' }],
    ['indicator', { ...good, indicator: 'scouts\udfff' }],
    ['source', { ...good, source: '\udc00agent' }],
    ['text', { ...good, text: 'seen \ud83d at dawn' }],
  ])('is refused naming /%s', (field, report) => {
    expect(validateReport(report)).toEqual({ ok: false, issues: [{ path: `/${field}`, message: SURROGATE_MESSAGE }] });
  });

  it('passes when the surrogates are paired (a character beyond the BMP)', () => {
    expect(validateReport({ ...good, text: 'seen \ud83d\ude9a at dawn', source: '\u{1f6a8}' }).ok).toBe(true);
  });

  it('is a bad line of a JSON Lines file, named with its number; the other lines are kept', () => {
    const text = [JSON.stringify(good), '{"id":"r2","indicator":"scouts","observed":"absent","at":"2023-10-06T11:00:00Z","text":"\\ud800"}', JSON.stringify({ ...good, id: 'r3' })].join('\n');
    const parsed = parseReportsText(text, 'jsonl');
    expect(parsed.errors).toEqual([{ line: 2, message: `/text: ${SURROGATE_MESSAGE}` }]);
    expect(parsed.reports.map((r) => r.id)).toEqual(['r1', 'r3']);
  });
});

describe('a JSON Lines report with a member given twice', () => {
  it('is a bad line naming the member (JSON.parse would keep the last); the other lines are kept', () => {
    const twice = JSON.stringify({ ...good, id: 'r2' }).slice(0, -1) + ',"observed":"absent"}';
    const parsed = parseReportsText([JSON.stringify(good), twice, JSON.stringify({ ...good, id: 'r3' })].join('\n'), 'jsonl');
    expect(parsed.errors).toEqual([{ line: 2, message: '/observed: is given twice in the same object' }]);
    expect(parsed.reports.map((r) => r.id)).toEqual(['r1', 'r3']);
  });
});

describe('firstNonUtf8Byte', () => {
  it.each([
    ['ASCII', [0x61, 0x62], -1],
    ['two, three and four byte characters', [0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80], -1],
    ['a Latin-1 e acute', [0x63, 0x61, 0x66, 0xe9], 3],
    ['a stray continuation byte', [0x61, 0x80], 1],
    ['0xFF', [0x75, 0xff, 0x31], 1],
    ['an overlong two-byte form', [0xc0, 0x80], 0],
    ['an overlong three-byte form', [0xe0, 0x80, 0x80], 0],
    ['a UTF-8 encoded surrogate', [0x61, 0xed, 0xa0, 0x80], 1],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a sequence cut short at the end', [0x61, 0xe2, 0x82], 1],
    ['a sequence cut short by ASCII', [0xe2, 0x82, 0x61], 0],
  ])('%s', (_name, bytes, expected) => {
    expect(firstNonUtf8Byte(Uint8Array.from(bytes))).toBe(expected);
  });

  it('finds a bad byte exactly when Node does not call the bytes UTF-8, and the bytes before it are UTF-8', () => {
    const bytes = fc.array(fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0x80, max: 0xff }), fc.constantFrom(0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0xed, 0xf4)), { maxLength: 12 });
    fc.assert(
      fc.property(bytes, (list) => {
        const array = Uint8Array.from(list);
        const at = firstNonUtf8Byte(array);
        expect(at === -1).toBe(isUtf8(array));
        if (at !== -1) expect(isUtf8(array.subarray(0, at))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('finds no bad byte in any well-formed string', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => firstNonUtf8Byte(Buffer.from(s, 'utf8')) === -1));
  });
});

describe('CsvReportReader over Latin-1 cells (the streaming import)', () => {
  const latin1 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
  const at = (lines: number) => ({ lines, empty_lines: 0 });

  it('decodes UTF-8 cells, and makes a record that is not UTF-8 a bad line naming its field', () => {
    const reader = new CsvReportReader(undefined, 'latin1');
    expect(reader.read(['id', 'indicator', 'observed', 'at', 'text'], at(1))).toEqual({ kind: 'header' });
    const decoded = reader.read(['u1', 'scouts', 'present', '2023-10-06T10:00:00Z', latin1('café ☕')], at(2));
    expect(decoded).toMatchObject({ kind: 'report', line: 2, report: { text: 'café ☕' } });
    // The same id written in Latin-1 and in another 8-bit code page: two bad lines, not one id.
    expect(reader.read(['u\xff1', 'scouts', 'present', '2023-10-06T10:00:00Z', ''], at(3))).toEqual({
      kind: 'bad',
      line: 3,
      message: 'field 1 (id) is not valid UTF-8 (it has the byte 0xFF)',
      fatal: false,
    });
    expect(reader.read(['u1', 'scouts', 'present', '2023-10-06T10:00:00Z', 'caf\xe9'], at(4))).toMatchObject({ kind: 'bad', message: 'field 5 (text) is not valid UTF-8 (it has the byte 0xE9)' });
  });

  it('refuses a header that is not UTF-8, and reads nothing after it', () => {
    const reader = new CsvReportReader(undefined, 'latin1');
    expect(reader.read(['id', 'indicator', 'observed', 'at', 't\xe9xt'], at(1))).toEqual({
      kind: 'bad',
      line: 1,
      message: 'bad header: column 5 is not valid UTF-8 (it has the byte 0xE9)',
      fatal: true,
    });
    expect(reader.read(['u1', 'scouts', 'present', '2023-10-06T10:00:00Z', ''], at(2))).toBeUndefined();
    expect(reader.finish()).toBeUndefined();
  });
});

describe('a CSV file in memory', () => {
  const header = 'id,indicator,observed,at,text\n';
  const row = (id: string, text = '') => `${id},scouts,present,2023-10-06T10:00:00Z,${text}\n`;

  it('refuses a bad header as one fatal error, naming its column', () => {
    const parsed = parseReportsText('id,indicator,observed,at,Source\n' + row('c1', 'x'), 'csv');
    expect(parsed.reports).toEqual([]);
    expect(parsed.errors).toEqual([{ line: 1, message: expect.stringContaining('bad header: unknown column "Source"') as string }]);
  });

  it('names a record too long to hold on the line it starts on, and reads no further', () => {
    // Blank lines before it, and an unclosed quote: everything after is one ever-growing cell.
    const text = header + row('c1') + '\n\n' + row('c2', '"unclosed') + row('c3', 'x'.repeat(100)).repeat(Math.ceil((2 * MAX_RECORD_BYTES) / 130));
    const parsed = parseReportsText(text, 'csv');
    expect(parsed.reports.map((r) => r.id)).toEqual(['c1']);
    expect(parsed.errors).toEqual([
      { line: 5, message: 'a record longer than 1,048,576 bytes starts on this line (an unclosed quote?); the file was not read past it' },
    ]);
  });

  it('names an unclosed quote shorter than the limit on the line where its record starts', () => {
    const parsed = parseReportsText(header + row('c1') + row('c2', '"unclosed') + row('c3') + row('c4'), 'csv');
    expect(parsed.reports.map((r) => r.id)).toEqual(['c1']);
    expect(parsed.errors).toEqual([{ line: 3, message: 'not valid CSV: a quote opened in the record starting on this line is never closed' }]);
  });

  it('keeps reading after a record csv-parse skips, and counts lines of a quoted multi-line cell', () => {
    const parsed = parseReportsText(header + row('c1', '"two\nlines"') + row('c2', 'a "stray" quote') + row('c3', 'bad"') + row('c4'), 'csv');
    expect(parsed.reports.map((r) => r.id)).toEqual(['c1', 'c4']);
    expect(parsed.errors.map((e) => e.line)).toEqual([4, 5]);
  });
});

describe('CsvReportReader.skipped', () => {
  it('places a record too long to hold after the last record and the blank lines since', () => {
    const reader = new CsvReportReader();
    reader.read(['id', 'indicator', 'observed', 'at'], { lines: 1, empty_lines: 0 });
    reader.read(['r1', 'scouts', 'present', '2023-10-06T10:00:00Z'], { lines: 3, empty_lines: 1 });
    const tooLong: CsvRecordResult | undefined = reader.skipped({ code: 'CSV_MAX_RECORD_SIZE', lines: 9000, empty_lines: 3 });
    expect(tooLong).toMatchObject({ kind: 'bad', line: 6, fatal: true });
    expect(reader.skipped({ code: 'CSV_MAX_RECORD_SIZE', lines: 9001, empty_lines: 3 })).toBeUndefined();
  });
});
