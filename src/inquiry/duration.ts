/** Durations for people: `90s`, `15m`, `1h`, `6h`, `1d`, `1w`, or ISO 8601 (`PT1H30M`, `P1D`). */

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const SIMPLE = /^(\d{1,9})(ms|s|m|h|d|w)$/;
const ISO = /^P(?:(\d{1,6})W)?(?:(\d{1,6})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,6})M)?(?:(\d{1,9})(?:\.(\d{1,3}))?S)?)?$/;

/**
 * Parses a duration into milliseconds (> 0), or undefined for anything else (a zero duration
 * included). Never throws.
 */
export function parseDuration(text: string): number | undefined {
  const simple = SIMPLE.exec(text.trim());
  if (simple !== null) {
    const ms = Number(simple[1]) * UNIT_MS[simple[2]!]!;
    return ms > 0 ? ms : undefined;
  }
  const iso = ISO.exec(text.trim().toUpperCase());
  if (iso === null || text.trim().toUpperCase() === 'P' || text.trim().toUpperCase().endsWith('T')) return undefined;
  const [, w, d, h, m, s, frac] = iso;
  const ms =
    Number(w ?? 0) * UNIT_MS.w! +
    Number(d ?? 0) * UNIT_MS.d! +
    Number(h ?? 0) * UNIT_MS.h! +
    Number(m ?? 0) * UNIT_MS.m! +
    Number(s ?? 0) * 1_000 +
    Number((frac ?? '').padEnd(3, '0'));
  return ms > 0 ? ms : undefined;
}

/** A duration for people: `3 h 15 min`, `2 d 4 h`, `45 s`; negative durations with a minus sign. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const sign = ms < 0 ? '−' : '';
  let rest = Math.round(Math.abs(ms) / 1000);
  const days = Math.floor(rest / 86_400);
  rest -= days * 86_400;
  const hours = Math.floor(rest / 3_600);
  rest -= hours * 3_600;
  const minutes = Math.floor(rest / 60);
  const seconds = rest - minutes * 60;
  const parts: string[] = [];
  if (days > 0) parts.push(`${days} d`);
  if (hours > 0) parts.push(`${hours} h`);
  if (minutes > 0 && days === 0) parts.push(`${minutes} min`);
  if (seconds > 0 && days === 0 && hours === 0) parts.push(`${seconds} s`);
  return parts.length === 0 ? '0 s' : sign + parts.join(' ');
}
