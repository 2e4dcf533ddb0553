/** ISO 8601 instants: parsing and formatting, with no clock. */

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)$/;

const CANONICAL = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{3})Z$/;

/** Days in a month (1-12) of the proleptic Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Parses an ISO 8601 instant with an explicit offset (`2023-10-07T03:12:44Z`,
 * `2023-10-07T06:12:44.120+03:00`) into milliseconds since the epoch. Returns undefined for
 * anything else, including local times without an offset (they name no single instant) and
 * impossible dates (`2023-02-30`). Never throws.
 */
export function parseInstant(text: string): number | undefined {
  if (text.length === 24) {
    // The canonical form (what Vigil writes): the common case, parsed without detours.
    const c = CANONICAL.exec(text);
    if (c !== null) {
      const [y, mo, d, h, mi, s, ms] = c.slice(1).map(Number) as [number, number, number, number, number, number, number];
      if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return undefined;
      // Date.UTC reads years 0-99 as 1900-1999.
      const utc = Date.UTC(y, mo - 1, d, h, mi, s, ms);
      return y < 100 ? new Date(utc).setUTCFullYear(y) : utc;
    }
  }
  const m = ISO_INSTANT.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  if (day > daysInMonth(Number(y), month)) return undefined;
  const ms = Date.parse(
    text
      .replace(/[.,](\d{1,9})/, (_all, frac: string) => '.' + frac.slice(0, 3).padEnd(3, '0'))
      .replace(/^(.{10}) /, '$1T')
      // An offset of whole hours (`+05`), which Date.parse does not read.
      .replace(/([+-]\d{2})$/, '$1:00'),
  );
  return Number.isFinite(ms) ? ms : undefined;
}

/** Formats milliseconds since the epoch as ISO 8601 UTC with milliseconds (`2023-10-07T03:12:44.120Z`). */
export function formatInstant(ms: number): string {
  return new Date(ms).toISOString();
}

/** Milliseconds per hour. */
export const MS_PER_HOUR = 3_600_000;
