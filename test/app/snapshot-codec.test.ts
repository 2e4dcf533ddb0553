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
    observed: fc.constantFrom('present' as const, 'absent' as const),
    at: fc.integer({ min: 0, max: 4e12 }),
    received: fc.integer({ min: 0, max: 4e12 }),
    source: fc.string({ minLength: 1 }),
    reliability: fc.constantFrom(
      'A' as const,
      'B' as const,
      'C' as const,
      'D' as const,
      'E' as const,
      'F' as const,
    ),
    credibility: fc.constantFrom(
      '1' as const,
      '2' as const,
      '3' as const,
      '4' as const,
      '5' as const,
      '6' as const,
    ),
    rates: fc.option(fc.record({ sensitivity: rateArb, falseAlarmRate: rateArb })),
    text: fc.option(fc.string()),
  })
  .map(({ rates, text, ...rest }) => ({ ...rest, ...(rates ?? {}), ...(text === null ? {} : { text }) }));

/** The packed form written out plainly: one JSON array per report, free text left out. */
function packedPlainly(reports: readonly Report[]): string {
  return JSON.stringify(
    reports.map((r) => [
      r.id,
      r.indicator,
      r.observed === 'present' ? 1 : 0,
      r.at,
      r.received,
      r.source,
      r.reliability,
      r.credibility,
      r.sensitivity ?? null,
      r.falseAlarmRate ?? null,
    ]),
  );
}

describe('snapshot codec', () => {
  it('packs exactly as JSON.stringify of the packed arrays, whatever the order and repeats', () => {
    fc.assert(
      fc.property(fc.array(reportArb, { maxLength: 30 }), fc.array(fc.nat()), (reports, picks) => {
        expect(packReports(reports)).toBe(packedPlainly(reports));
        // Packed again, in another order and with repeats.
        const again = picks
          .map((k) => reports[k % Math.max(1, reports.length)])
          .filter((r): r is Report => r !== undefined);
        expect(packReports(again)).toBe(packedPlainly(again));
      }),
    );
  });

  it('unpacks to the reports without their free text', () => {
    fc.assert(
      fc.property(fc.array(reportArb, { maxLength: 30 }), (reports) => {
        const expected = reports.map(({ text: _text, ...rest }) => rest);
        expect(unpackReports(packReports(reports))).toEqual(expected);
      }),
    );
  });

  it('packs no reports as an empty array', () => {
    expect(packReports([])).toBe('[]');
    expect(unpackReports('[]')).toEqual([]);
  });
});
