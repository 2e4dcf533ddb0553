/** ISO 8601 instants: parsing and formatting, with no clock. */

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)$/;

/** The first millisecond of year 10000: from there on (and before year 0) the year has six digits. */
const YEAR_10000 = 253_402_300_800_000;
/** Year 0 (1 BC), 1 January. */
const YEAR_0 = -62_167_219_200_000;

/** Where the canonical form (`2023-10-07T03:12:44.120Z`) has its separators. */
const SEPARATORS: readonly (readonly [number, number])[] = [
  [4, 0x2d],
  [7, 0x2d],
  [10, 0x54],
  [13, 0x3a],
  [16, 0x3a],
  [19, 0x2e],
  [23, 0x5a],
];

/** The number written by the `count` digits of `text` from `from`, or -1 if one is not a digit. */
function digitsAt(text: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Milliseconds of an instant in the canonical form; null when it has the form's shape but names
 * an impossible date or time; undefined when `text` is not in the form.
 */
function parseCanonical(text: string): number | null | undefined {
  for (const [at, code] of SEPARATORS) if (text.charCodeAt(at) !== code) return undefined;
  const y = digitsAt(text, 0, 4);
  const mo = digitsAt(text, 5, 2);
  const d = digitsAt(text, 8, 2);
  const h = digitsAt(text, 11, 2);
  const mi = digitsAt(text, 14, 2);
  const s = digitsAt(text, 17, 2);
  const ms = digitsAt(text, 20, 3);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0 || ms < 0) return undefined;
  // A string of the right shape with an impossible date or time is no instant at all.
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return null;
  if (y >= 100) return Date.UTC(y, mo - 1, d, h, mi, s, ms);
  // Date.UTC reads years 0-99 as 1900-1999 (and 1900 has no 29 February, which year 0 has):
  // set the year, month and day together.
  const date = new Date(Date.UTC(2000, 0, 1, h, mi, s, ms));
  return date.setUTCFullYear(y, mo - 1, d);
}

/** Days in a month (1-12) of the proleptic Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Parses an ISO 8601 instant with an explicit offset (`2023-10-07T03:12:44Z`,
 * `2023-10-07T06:12:44.120+03:00`) into milliseconds since the epoch. Returns undefined for
 * anything else, including local times without an offset (they name no single instant),
 * impossible dates (`2023-02-30`), and instants whose UTC date falls outside years 0000 to 9999
 * (`9999-12-31T23:00:00-02:00`): Vigil writes instants in UTC with a four-digit year, so what it
 * accepts it can always write and read back. Never throws.
 */
export function parseInstant(text: string): number | undefined {
  if (text.length === 24) {
    // The canonical form (what Vigil writes): the common case, parsed without detours.
    const canonical = parseCanonical(text);
    if (canonical === null) return undefined;
    if (canonical !== undefined) return canonical;
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
  return Number.isFinite(ms) && ms >= YEAR_0 && ms < YEAR_10000 ? ms : undefined;
}

const MS_PER_DAY = 86_400_000;
/** "00" to "99". */
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));

/**
 * Formats milliseconds since the epoch as ISO 8601 UTC with milliseconds
 * (`2023-10-07T03:12:44.120Z`), exactly as Date.prototype.toISOString does. Years 0 to 9999 are
 * written here (the log writes two instants per report), the rest by toISOString. Throws
 * RangeError for what is not a valid time, as toISOString does.
 */
export function formatInstant(ms: number): string {
  if (!(Number.isInteger(ms) && ms >= YEAR_0 && ms < YEAR_10000)) return new Date(ms).toISOString();
  const days = Math.floor(ms / MS_PER_DAY);
  let rest = ms - days * MS_PER_DAY;
  // The proleptic Gregorian date of a day number (H. Hinnant's days_from_civil, inverted).
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return (
    TWO_DIGITS[Math.floor(year / 100)]! +
    TWO_DIGITS[year % 100]! +
    '-' +
    TWO_DIGITS[month]! +
    '-' +
    TWO_DIGITS[day]! +
    'T' +
    TWO_DIGITS[hours]! +
    ':' +
    TWO_DIGITS[minutes]! +
    ':' +
    TWO_DIGITS[seconds]! +
    '.' +
    (millis < 100 ? (millis < 10 ? '00' : '0') : '') +
    String(millis) +
    'Z'
  );
}

/** Milliseconds per hour. */
export const MS_PER_HOUR = 3_600_000;
