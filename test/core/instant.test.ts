/** ISO 8601 instants: one text, one instant, whichever way it is written. */
import { describe, expect, it } from 'vitest';
import { formatInstant, parseInstant } from '../../src/core/instant.js';

describe('parseInstant', () => {
  it('reads years before 100 as written, with or without milliseconds', () => {
    const expected = Date.parse('0050-01-01T00:00:00Z');
    expect(new Date(expected).getUTCFullYear()).toBe(50);
    expect(parseInstant('0050-01-01T00:00:00Z')).toBe(expected);
    expect(parseInstant('0050-01-01T00:00:00.000Z')).toBe(expected);
    // What Vigil writes reads back as the same instant.
    expect(parseInstant(formatInstant(expected))).toBe(expected);
  });

  it('accepts an offset of whole hours written without minutes', () => {
    expect(parseInstant('2026-03-01T05:00:00+05')).toBe(Date.UTC(2026, 2, 1));
    expect(parseInstant('2026-03-01T00:00:00-03')).toBe(Date.UTC(2026, 2, 1, 3));
    expect(parseInstant('2026-03-01T05:30:00+0530')).toBe(Date.UTC(2026, 2, 1));
  });

  it('refuses impossible dates and times', () => {
    expect(parseInstant('2023-02-29T00:00:00Z')).toBeUndefined();
    expect(parseInstant('2023-02-29T00:00:00.000Z')).toBeUndefined();
    expect(parseInstant('2024-02-29T00:00:00.000Z')).toBe(Date.UTC(2024, 1, 29));
    expect(parseInstant('2026-03-01T24:00:00Z')).toBeUndefined();
    expect(parseInstant('2026-03-01T00:00:00')).toBeUndefined();
  });
});
