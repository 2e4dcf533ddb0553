/**
 * Checks that a text is exactly the RFC 8785 canonical form of a JSON object, in one pass and
 * without building the value, and says where each top-level member sits. Verification runs it
 * on every line of a log: a line is accepted only when re-canonicalizing it would give the same
 * bytes, so hashing the line's own bytes is hashing its canonical form.
 *
 * The rules, all of RFC 8785 section 3.2: no whitespace; member names strictly increasing in
 * UTF-16 code-unit order (so no duplicates); strings escaped exactly as JSON.stringify does
 * (`\"`, `\\`, `\b \f \n \r \t`, other controls as lowercase `\u00xx`, nothing else escaped)
 * and free of lone surrogates; numbers exactly as ECMAScript prints them (`1e+21`, never
 * `1.0`, `-0` or `1E3`). The tests hold it to `canonicalize(JSON.parse(text)) === text`.
 */
import { MAX_DEPTH } from './jcs.js';

/** Where one top-level member sits in the scanned text (offsets in UTF-16 code units). */
export interface MemberSpan {
  readonly key: string;
  /** Offset of the opening quote of the member name. */
  readonly keyStart: number;
  /** Offset of the first character of the value. */
  readonly valueStart: number;
  /** Offset just past the last character of the value. */
  readonly valueEnd: number;
}

/** The outcome of a scan: the top-level members in order, or the first offense and its offset. */
export type ScanResult =
  | { readonly ok: true; readonly members: readonly MemberSpan[] }
  | { readonly ok: false; readonly offset: number; readonly reason: string };

/**
 * The nesting an event line may reach: its data sits one level down, and may nest as deep as
 * data written alone (a stored record's), so that a log's export verifies as the log does.
 */
export const EVENT_LINE_MAX_DEPTH = MAX_DEPTH + 1;
/** A run of characters a canonical string holds unescaped: not `"`, `\`, a control or a surrogate. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it must stop at
const PLAIN_RUN = /[^"\\\u0000-\u001f\ud800-\udfff]*/y;
/** The JSON number grammar (RFC 8259 section 6). */
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX2_LOWER = /^[0-9a-f]{2}$/;
const LITERALS = ['true', 'false', 'null'] as const;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Scans `text`, which must be one canonical JSON object and nothing else, nested no deeper than
 * `maxDepth` (MAX_DEPTH unless said). Never throws.
 */
export function scanCanonicalObject(text: string, maxDepth = MAX_DEPTH): ScanResult {
  return new Scanner(text, 0, maxDepth).run();
}

/**
 * Scans one canonical JSON value of `text` starting at `start`, as a value nested `depth` deep
 * in an object (deeper than `maxDepth` in all, MAX_DEPTH unless said, is refused, as by
 * scanCanonicalObject). Returns the offset just past it, or -1 when there is no canonical value
 * there. Lists no members. Never throws.
 */
export function canonicalValueEnd(text: string, start: number, depth: number, maxDepth = MAX_DEPTH): number {
  return new Scanner(text, start, maxDepth, false).valueEnd(depth);
}

/**
 * The offset just past the string starting at `start` (its opening quote) when every character
 * in it is one a canonical string holds as it is (no escape, control or surrogate), else -1:
 * the common case of `canonicalValueEnd`, without a scanner. Never throws.
 */
export function plainStringEnd(text: string, start: number): number {
  if (text.charCodeAt(start) !== QUOTE) return -1;
  PLAIN_RUN.lastIndex = start + 1;
  PLAIN_RUN.test(text);
  const end = PLAIN_RUN.lastIndex;
  return text.charCodeAt(end) === QUOTE ? end + 1 : -1;
}

/**
 * The offset just past the digits starting at `start` when they are a whole number in
 * canonical form of at most 15 digits (no leading zero), else -1. Never throws.
 */
export function plainIntegerEnd(text: string, start: number): number {
  let end = start;
  for (let c = text.charCodeAt(end); c >= 0x30 && c <= 0x39; c = text.charCodeAt(++end));
  const digits = end - start;
  if (digits === 0 || digits > 15 || (digits > 1 && text.charCodeAt(start) === 0x30)) return -1;
  // A fraction or exponent follows: not a whole number; the general scanner decides.
  const next = text.charCodeAt(end);
  return next === 0x2e || next === 0x65 || next === 0x45 ? -1 : end;
}

/** Orders two strings by UTF-16 code units: negative, zero or positive. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a === b ? 0 : 1;
}

/** compareText of two spans of `text`, without making strings of them. */
function compareSpans(text: string, aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  const n = Math.min(aEnd - aStart, bEnd - bStart);
  for (let i = 0; i < n; i++) {
    const d = text.charCodeAt(aStart + i) - text.charCodeAt(bStart + i);
    if (d !== 0) return d;
  }
  return aEnd - aStart - (bEnd - bStart);
}

class Scanner {
  private at = 0;
  private failure: { offset: number; reason: string } | undefined;
  private readonly members: MemberSpan[] = [];
  /** Whether the string just scanned had an escape sequence. */
  private escaped = false;

  constructor(
    private readonly text: string,
    start: number,
    private readonly maxDepth: number,
    /** Whether the members of the outermost object are listed (run). */
    private readonly listing = true,
  ) {
    this.at = start;
  }

  /** The end of the value at the current offset, or -1 (see canonicalValueEnd). */
  valueEnd(depth: number): number {
    return this.value(depth) ? this.at : -1;
  }

  run(): ScanResult {
    if (this.text.charCodeAt(0) !== 0x7b) return { ok: false, offset: 0, reason: 'not a JSON object' };
    if (this.value(0) && this.at !== this.text.length) this.fail('text after the end of the object');
    if (this.failure !== undefined) return { ok: false, ...this.failure };
    return { ok: true, members: this.members };
  }

  private fail(reason: string, offset = this.at): false {
    this.failure ??= { offset, reason };
    return false;
  }

  private value(depth: number): boolean {
    const c = this.text.charCodeAt(this.at);
    if (c === QUOTE) return this.string();
    if (c === 0x7b) return this.object(depth);
    if (c === 0x5b) return this.array(depth);
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    for (const literal of LITERALS) {
      if (this.text.startsWith(literal, this.at)) {
        this.at += literal.length;
        return true;
      }
    }
    return this.fail(
      Number.isNaN(c) ? 'unexpected end of text' : 'expected a JSON value (no whitespace allowed)',
    );
  }

  private object(depth: number): boolean {
    if (depth >= this.maxDepth) return this.fail(`nested deeper than ${this.maxDepth}`);
    this.at++; // {
    if (this.text.charCodeAt(this.at) === 0x7d) {
      this.at++;
      return true;
    }
    // The previous name as a span of the text (no string is made for names without escapes).
    let previousStart = -1;
    let previousEnd = -1;
    let previousEscaped = false;
    for (;;) {
      const keyStart = this.at;
      if (this.text.charCodeAt(keyStart) !== QUOTE) return this.fail('expected a member name');
      this.escaped = false;
      if (!this.string()) return false;
      const escaped = this.escaped;
      if (previousStart >= 0) {
        const order =
          escaped || previousEscaped
            ? compareText(this.nameAt(previousStart, previousEnd), this.nameAt(keyStart, this.at))
            : compareSpans(this.text, previousStart + 1, previousEnd - 1, keyStart + 1, this.at - 1);
        if (order >= 0) {
          const key = this.nameAt(keyStart, this.at);
          return this.fail(
            order === 0 ? `duplicate member "${key}"` : `member "${key}" out of canonical order`,
            keyStart,
          );
        }
      }
      previousStart = keyStart;
      previousEnd = this.at;
      previousEscaped = escaped;
      if (this.text.charCodeAt(this.at) !== 0x3a) return this.fail('expected ":"');
      this.at++;
      const valueStart = this.at;
      if (!this.value(depth + 1)) return false;
      if (depth === 0 && this.listing)
        this.members.push({
          key: this.nameAt(keyStart, previousEnd),
          keyStart,
          valueStart,
          valueEnd: this.at,
        });
      const next = this.text.charCodeAt(this.at++);
      if (next === 0x7d) return true;
      if (next !== 0x2c) return this.fail('expected "," or "}"', this.at - 1);
    }
  }

  private array(depth: number): boolean {
    if (depth >= this.maxDepth) return this.fail(`nested deeper than ${this.maxDepth}`);
    this.at++; // [
    if (this.text.charCodeAt(this.at) === 0x5d) {
      this.at++;
      return true;
    }
    for (;;) {
      if (!this.value(depth + 1)) return false;
      const next = this.text.charCodeAt(this.at++);
      if (next === 0x5d) return true;
      if (next !== 0x2c) return this.fail('expected "," or "]"', this.at - 1);
    }
  }

  private string(): boolean {
    const text = this.text;
    this.at++; // opening quote
    for (;;) {
      PLAIN_RUN.lastIndex = this.at;
      PLAIN_RUN.test(text);
      this.at = PLAIN_RUN.lastIndex;
      const c = text.charCodeAt(this.at);
      if (c === QUOTE) {
        this.at++;
        return true;
      }
      if (c === BACKSLASH) {
        if (!this.escape()) return false;
      } else if (c >= 0xd800 && c <= 0xdbff) {
        const low = text.charCodeAt(this.at + 1);
        if (!(low >= 0xdc00 && low <= 0xdfff)) return this.fail('lone surrogate in a string');
        this.at += 2;
      } else if (c >= 0xdc00 && c <= 0xdfff) {
        return this.fail('lone surrogate in a string');
      } else if (Number.isNaN(c)) {
        return this.fail('unterminated string');
      } else {
        return this.fail('unescaped control character in a string');
      }
    }
  }

  /** The member name whose quoted text spans [start, end). */
  private nameAt(start: number, end: number): string {
    const raw = this.text.slice(start + 1, end - 1);
    return raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
  }

  /** One escape sequence at `this.at` (the backslash), as JSON.stringify would write it. */
  private escape(): boolean {
    this.escaped = true;
    const e = this.text[this.at + 1];
    if (e === '"' || e === '\\' || e === 'b' || e === 'f' || e === 'n' || e === 'r' || e === 't') {
      this.at += 2;
      return true;
    }
    if (e === 'u') {
      const hex = this.text.slice(this.at + 4, this.at + 6);
      const code = parseInt(hex, 16);
      const canonical =
        this.text.startsWith('00', this.at + 2) &&
        HEX2_LOWER.test(hex) &&
        code < 0x20 &&
        code !== 0x08 &&
        code !== 0x09 &&
        code !== 0x0a &&
        code !== 0x0c &&
        code !== 0x0d;
      if (!canonical) return this.fail('escape sequence not in canonical form');
      this.at += 6;
      return true;
    }
    return this.fail('escape sequence not in canonical form');
  }

  private number(): boolean {
    NUMBER.lastIndex = this.at;
    const match = NUMBER.exec(this.text);
    if (match === null) return this.fail('malformed number');
    const token = match[0];
    // Number::toString output, the canonical form, never has "-0", "1.0", "1E3" or "1e400".
    if (String(Number(token)) !== token) return this.fail(`number ${token} not in canonical form`);
    this.at += token.length;
    return true;
  }
}
