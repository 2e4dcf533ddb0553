import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/model.js';
import { packReports, unpackReports } from '../../src/app/snapshot-codec.js';

/** A rate in [0, 1] (not -0, which JSON writes as 0). */
const rateArb = fc.double({ min: 0, max: 1, noNaN: true }).map((x) => (x === 0 ? 0 : x));

const reportArb: fc.Arbitrary<Report> = fc
  .record({
    id: fc.string({ minLength: 1 }),
    indicator: fc.string({ minLength: 1 }),
    observed: fc.constantFrom<Report['observed']>('present', 'absent'),
    at: fc.integer({ min: 0, max: 4e12 }),
    received: fc.integer({ min: 0, max: 4e12 }),
    source: fc.string({ minLength: 1 }),
    reliability: fc.constantFrom<Report['reliability']>('A', 'B', 'C', 'D', 'E', 'F'),
    credibility: fc.constantFrom<Report['credibility']>('1', '2', '3', '4', '5', '6'),
    rates: fc.option(fc.record({ sensitivity: rateArb, falseAlarmRate: rateArb })),
    text: fc.option(fc.string()),
  })
  .map(({ rates, text, ...rest }) => ({ ...rest, ...(rates ?? {}), ...(text === null ? {} : { text }) }));

describe('snapshot codec', () => {
  it('unpacks to the reports, in order, without their free text', () => {
    fc.assert(
      fc.property(fc.array(reportArb, { maxLength: 30 }), (reports) => {
        const expected = reports.map(({ text: _text, ...rest }) => rest);
        expect(unpackReports(packReports(reports))).toEqual(expected);
      }),
    );
  });

  it('keeps a snapshot small: one JSON array per report, no member names, no free text', () => {
    const report: Report = {
      id: 'r-1',
      indicator: 'ind-1',
      observed: 'present',
      at: 1,
      received: 2,
      source: 's',
      reliability: 'B',
      credibility: '2',
      text: 'a long free text',
    };
    expect(JSON.parse(packReports([report, { ...report, id: 'r-2', observed: 'absent' }]))).toEqual([
      ['r-1', 'ind-1', 1, 1, 2, 's', 'B', '2', null, null],
      ['r-2', 'ind-1', 0, 1, 2, 's', 'B', '2', null, null],
    ]);
  });

  it('packs no reports as an empty array', () => {
    expect(packReports([])).toBe('[]');
    expect(unpackReports('[]')).toEqual([]);
  });
});
