/** ISO 8601 instants: one text, one instant, whichever way it is written. */
import fc from 'fast-check';
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

  it('reads 29 February of year 0 (a leap year in the proleptic Gregorian calendar; 1900 is not)', () => {
    for (const text of ['0000-02-29T00:00:00.000Z', '0000-02-29T23:59:59.999Z', '0004-02-29T12:00:00.000Z']) {
      expect(parseInstant(text)).toBe(Date.parse(text));
      expect(formatInstant(parseInstant(text)!)).toBe(text);
    }
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

  it('refuses an offset that moves the instant out of years 0000 to 9999, so what it accepts reads back', () => {
    // These name real instants, but in years 10000 and -1: written in UTC they need six digits.
    expect(parseInstant('9999-12-31T23:00:00-23:00')).toBeUndefined();
    expect(parseInstant('9999-12-31T23:59:59.999-00:01')).toBeUndefined();
    expect(parseInstant('0000-01-01T00:00:00+05:00')).toBeUndefined();
    expect(parseInstant('0000-01-01T00:30:00+01:00')).toBeUndefined();
    // The edges themselves are fine.
    expect(parseInstant('9999-12-31T23:59:59.999+00:00')).toBe(Date.UTC(9999, 11, 31, 23, 59, 59, 999));
    expect(parseInstant('0000-01-01T05:00:00+05:00')).toBe(new Date(Date.UTC(2000, 0, 1)).setUTCFullYear(0));
    // Any year, month, day, time and offset: accepted only when Vigil's form reads back the same.
    const two = (n: number) => String(n).padStart(2, '0');
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(0, 1, 9998, 9999), fc.integer({ min: 0, max: 9999 })),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.constantFrom('+', '-'),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        (y, mo, d, h, mi, sign, oh, om) => {
          const text = `${String(y).padStart(4, '0')}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}:00${sign}${two(oh)}:${two(om)}`;
          const ms = parseInstant(text);
          if (ms !== undefined) expect(parseInstant(formatInstant(ms))).toBe(ms);
          else expect(Number.isNaN(Date.parse(text)) || formatInstant(Date.parse(text)).length !== 24).toBe(true);
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it('reads the canonical form as Date does, and refuses it where it names no instant', () => {
    // Any instant Vigil writes reads back as itself.
    fc.assert(
      fc.property(
        fc.integer({
          min: new Date(Date.UTC(2000, 0, 1)).setUTCFullYear(0),
          max: Date.UTC(9999, 11, 31, 23, 59, 59, 999),
        }),
        (ms) => {
          expect(parseInstant(formatInstant(ms))).toBe(ms);
        },
      ),
    );
    // Any text of the form's shape, digits anywhere (impossible dates included): the answer is
    // Date's for a valid instant, else none.
    const digit = fc.integer({ min: 0, max: 9 }).map(String);
    const shaped = fc
      .array(digit, { minLength: 17, maxLength: 17 })
      .map(
        (d) =>
          `${d.slice(0, 4).join('')}-${d[4]}${d[5]}-${d[6]}${d[7]}T${d[8]}${d[9]}:${d[10]}${d[11]}:${d[12]}${d[13]}.${d[14]}${d[15]}${d[16]}Z`,
      );
    const reference = (text: string): number | undefined => {
      const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{3})Z$/.exec(text);
      if (m === null) return undefined;
      const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as number[];
      const ms = Date.parse(text);
      const date = new Date(ms);
      const same =
        date.getUTCFullYear() === y &&
        date.getUTCMonth() + 1 === mo &&
        date.getUTCDate() === d &&
        date.getUTCHours() === h &&
        date.getUTCMinutes() === mi &&
        date.getUTCSeconds() === s;
      return Number.isFinite(ms) && same ? ms : undefined;
    };
    fc.assert(
      fc.property(shaped, fc.nat(23), fc.string({ minLength: 1, maxLength: 1 }), (text, at, c) => {
        expect(parseInstant(text)).toBe(reference(text));
        // Off the form, the general ISO 8601 reading takes over: still Date's instant, or none.
        const changed = text.slice(0, at) + c + text.slice(at + 1);
        const ms = parseInstant(changed);
        if (ms !== undefined) expect(ms).toBe(Date.parse(changed.replace(' ', 'T')));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('formatInstant', () => {
  const MAX_TIME = 8.64e15;
  it('writes exactly what toISOString writes, for every valid time', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) }),
          fc.integer({ min: -MAX_TIME, max: MAX_TIME }),
          // Around the ends of the four-digit years and of leap days and centuries.
          fc
            .constantFrom(
              -62_167_219_200_000,
              253_402_300_800_000,
              Date.UTC(2000, 1, 29),
              Date.UTC(1900, 2, 1),
              Date.UTC(2100, 1, 28),
            )
            .chain((edge) => fc.integer({ min: edge - 2 * 86_400_000, max: edge + 2 * 86_400_000 })),
        ),
        (ms) => {
          expect(formatInstant(ms)).toBe(new Date(ms).toISOString());
        },
      ),
      { numRuns: 20_000 },
    );
    for (const ms of [
      0,
      -1,
      1,
      999,
      -MAX_TIME,
      MAX_TIME,
      -62_167_219_200_001,
      253_402_300_799_999,
      0.5,
      -0.5,
    ]) {
      expect(formatInstant(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('refuses what is not a time, as toISOString does', () => {
    for (const bad of [Number.NaN, Infinity, -Infinity, MAX_TIME + 1])
      expect(() => formatInstant(bad)).toThrow(RangeError);
  });
});
