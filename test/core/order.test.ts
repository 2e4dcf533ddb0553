/**
 * The fast ordering of sensitivity lists: the same order as an exact comparator sort
 * (|impact| descending, then id), including magnitudes that differ only in their last bits.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareIds, orderByMagnitude } from '../../src/core/sensitivity.js';

function exact(magnitudes: Float64Array, ids: readonly string[]): number[] {
  return Array.from(magnitudes, (_, k) => k).sort((a, b) => magnitudes[b]! - magnitudes[a]! || compareIds(ids[a]!, ids[b]!));
}

describe('orderByMagnitude', () => {
  it('orders as an exact comparator sort would', () => {
    const magnitude = fc.oneof(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.constantFrom(0, 1, 0.5, 1e-300, 5e-324, 0.3, 0.1 + 0.2, 0.3 + Number.EPSILON, 0.7),
    );
    fc.assert(
      fc.property(fc.array(fc.record({ m: magnitude, id: fc.string({ maxLength: 3 }) }), { maxLength: 400 }), (items) => {
        const ids = items.map((x, k) => `${x.id}#${k % 7}`);
        const magnitudes = Float64Array.from(items, (x) => Math.abs(x.m));
        expect(Array.from(orderByMagnitude(magnitudes, ids))).toEqual(exact(magnitudes, ids));
      }),
      { numRuns: 500 },
    );
  });

  it('orders 0.30000000000000004 before 0.3, and equal magnitudes by id', () => {
    const magnitudes = Float64Array.from([0.3, 0.1 + 0.2, 0.3, 0]);
    expect(Array.from(orderByMagnitude(magnitudes, ['b', 'z', 'a', 'c']))).toEqual([1, 2, 0, 3]);
  });
});
