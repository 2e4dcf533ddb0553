/**
 * JSON values and their canonical form, RFC 8785 (JCS): object members sorted by UTF-16 code
 * units, no whitespace, ECMAScript number formatting, JSON.stringify string escaping.
 *
 * `encodeJcs` is the serializer the log writes with. It gives byte for byte the output of the
 * `canonicalize` package (RFC 8785 by one of its authors, the reference in `hashEvent`), which
 * the tests check on generated values, but it is several times faster (it leans on the native
 * JSON.stringify for strings and numbers) and it refuses what is not plain JSON instead of
 * passing it through: `canonicalize` writes `undefined` for a function member, for example.
 */
import { VigilError } from '../core/errors.js';
import { pointer } from '../core/issues.js';

/** A JSON value as JSON.parse returns it. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | JsonObject;

/** A JSON object: the shape of every event's `data`. */
export interface JsonObject {
  readonly [key: string]: JsonValue;
}

/** Deeper nesting than this is refused (it is a cycle, or data no event should carry). */
export const MAX_DEPTH = 256;

/** A lone surrogate in a string. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * How JSON.stringify writes a lone surrogate: `\udxxx` after an even number of backslashes
 * (a literal backslash is written `\\`, and paired surrogates are written as they are).
 */
const ESCAPED_LONE_SURROGATE = /(?<!\\)(?:\\\\)*\\ud[89a-f][0-9a-f]{2}/;

/** A member name that JavaScript orders before all others, numerically: an array index. */
const ARRAY_INDEX = /^(?:0|[1-9]\d{0,9})$/;

/**
 * The RFC 8785 canonical JSON text of `value`. Members whose value is `undefined` are left
 * out, as JSON.stringify does. Throws VigilError `EVENT_INVALID` for anything that is not
 * plain JSON, with the JSON Pointer of the first bad place in `details.path` and what is wrong
 * there in `details.problem`: NaN or an infinity, a lone surrogate in a string or member name,
 * `undefined` in an array, a function, a symbol, a bigint, an object that is not a plain
 * object or array (a Date, a Map: convert it first), or nesting deeper than 256.
 */
export function encodeJcs(value: unknown): string {
  const path: (string | number)[] = [];
  const ordered = inCanonicalOrder(value, path);
  // The native JSON.stringify writes numbers and strings exactly as RFC 8785 does, and members
  // in property order, which inCanonicalOrder made the sorted order. Where JavaScript cannot
  // hold that order (array-index names come first, numerically), a slower writer takes over.
  const text = ordered === NEEDS_WRITER ? writeCanonical(value) : JSON.stringify(ordered);
  if (ESCAPED_LONE_SURROGATE.test(text)) {
    throw invalid(findLoneSurrogate(value, []) ?? [], 'string has a lone surrogate (not valid Unicode)');
  }
  return text;
}

function invalid(path: readonly (string | number)[], what: string): VigilError {
  const at = pointer(path);
  return new VigilError('EVENT_INVALID', `${at === '' ? 'value' : at}: ${what}`, { path: at, problem: what });
}

const NEEDS_WRITER = Symbol('needs the canonical writer');

/**
 * Checks that `value` is plain JSON and returns it with every object's members in sorted
 * order: the value itself where it already is, else a copy. Returns NEEDS_WRITER when an
 * object has an array-index member name. `path` is a stack, turned into a pointer only when
 * something is wrong, so the happy path builds no strings.
 */
function inCanonicalOrder(value: unknown, path: (string | number)[]): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw invalid(path, `number must be finite, got ${String(value)}`);
      return value;
    case 'object': {
      if (value === null) return value;
      if (path.length >= MAX_DEPTH) throw invalid(path, `nested deeper than ${MAX_DEPTH} (a cycle?)`);
      if (Array.isArray(value)) {
        let copy: unknown[] | undefined;
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          path.push(i);
          if (item === undefined) throw invalid(path, 'undefined is not JSON');
          const ordered = inCanonicalOrder(item, path);
          path.pop();
          if (ordered === NEEDS_WRITER) return NEEDS_WRITER;
          if (ordered !== item) copy ??= value.slice();
          if (copy !== undefined) copy[i] = ordered;
        }
        return copy ?? value;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
        throw invalid(path, `${typeof name === 'string' ? name : 'object'} is not a plain JSON object`);
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record);
      if (keys.length > 0 && ARRAY_INDEX.test(keys[0] as string)) return NEEDS_WRITER;
      let changed = false;
      let childCopies: Map<string, unknown> | undefined;
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string;
        if (i > 0 && !((keys[i - 1] as string) < key)) changed = true;
        const member = record[key];
        if (member === undefined) {
          changed = true;
          continue;
        }
        path.push(key);
        const ordered = inCanonicalOrder(member, path);
        path.pop();
        if (ordered === NEEDS_WRITER) return NEEDS_WRITER;
        if (ordered !== member) (childCopies ??= new Map()).set(key, ordered);
      }
      if (!changed && childCopies === undefined) return value;
      // A plain object keeps JSON.stringify on its fast path (a null-prototype object is a slow
      // dictionary to it); only a member named "__proto__", which must stay a member and not
      // set a prototype, needs the null prototype.
      const copy = (keys.includes('__proto__') ? Object.create(null) : {}) as Record<string, unknown>;
      // The default sort compares UTF-16 code units: exactly the order RFC 8785 prescribes.
      for (const key of keys.sort()) {
        const member = record[key];
        if (member !== undefined) copy[key] = childCopies?.get(key) ?? member;
      }
      return copy;
    }
    default:
      throw invalid(path, `${typeof value} is not JSON`);
  }
}

/**
 * The canonical text of a value already checked by inCanonicalOrder, member by member: for
 * objects whose names JavaScript would not keep in sorted order.
 */
function writeCanonical(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(writeCanonical).join(',')}]`;
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  // The default sort compares UTF-16 code units: exactly the order RFC 8785 prescribes.
  for (const key of Object.keys(record).sort()) {
    if (record[key] !== undefined) parts.push(`${JSON.stringify(key)}:${writeCanonical(record[key])}`);
  }
  return `{${parts.join(',')}}`;
}

/** The path of the first string or member name with a lone surrogate, if any. */
function findLoneSurrogate(value: unknown, path: (string | number)[]): (string | number)[] | undefined {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, member] of Object.entries(value)) {
    const at = [...path, Array.isArray(value) ? Number(key) : key];
    if (!Array.isArray(value) && LONE_SURROGATE.test(key)) return at;
    const found = findLoneSurrogate(member, at);
    if (found !== undefined) return found;
  }
  return undefined;
}
