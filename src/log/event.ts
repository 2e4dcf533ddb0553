/**
 * The event of `shared/spec/audit-log.md` section 1, its hash and its canonical text.
 *
 * One event has two shapes in this module: `StoredEvent`, with `data` as a JSON value (what
 * readers use), and `EventRecord`, with `data` as the canonical JSON text exactly as stored
 * (what export and verification use, so they see the stored bytes, not a re-encoding).
 */
import { createHash, hash as digest, randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import { formatInstant } from '../core/instant.js';
import { encodeJcs } from './jcs.js';
import type { JsonObject } from './jcs.js';

/** The `prev` of event 1: 64 zeros. */
export const GENESIS_PREV = '0'.repeat(64);

/** The type of the signed checkpoint events the log appends itself (spec section 2). */
export const CHECKPOINT_TYPE = 'log.checkpoint';

/** The stream and actor of events the system causes itself, checkpoints among them. */
export const SYSTEM = 'system';

/** One event of the log, exactly the members of spec section 1. */
export interface StoredEvent {
  /** Position in the log, from 1, without gaps. */
  readonly seq: number;
  /** Unique event id, a lowercase UUID. */
  readonly id: string;
  /** Server time of the append, ISO 8601 UTC with milliseconds; non-decreasing in `seq`. */
  readonly at: string;
  /** Dotted and past tense: `report.received`. */
  readonly type: string;
  /** A problem id, or `system`. */
  readonly stream: string;
  /** A user id, an API token id, or `system`. */
  readonly actor: string;
  /** The type's own payload. */
  readonly data: JsonObject;
  /** `hash` of event `seq - 1`; GENESIS_PREV for event 1. */
  readonly prev: string;
  /** Lowercase hex SHA-256 of the UTF-8 bytes of JCS(the event without `hash`). */
  readonly hash: string;
}

/** A stored event with `data` as its canonical JSON text, byte for byte as stored. */
export interface EventRecord extends Omit<StoredEvent, 'data'> {
  readonly data: string;
}

/** Lowercase hex SHA-256 of the UTF-8 bytes of `text`. */
export function sha256Hex(text: string): string {
  return digest('sha256', text, 'hex');
}

/**
 * The hash of an event as the spec defines it: lowercase hex SHA-256 of the UTF-8 bytes of
 * JCS(event without its `hash` member), JCS by the `canonicalize` package. A `hash` member in
 * the argument is ignored. This is the reference definition; the log computes the same value
 * faster with `encodeRecord`. Throws VigilError `EVENT_INVALID` when `data` is not plain JSON
 * (a non-finite number, say), which `canonicalize` alone would not always refuse.
 */
export function hashEvent(event: Omit<StoredEvent, 'hash'> & { readonly hash?: string }): string {
  const { hash: _ignored, ...content } = event;
  encodeJcs(content); // refuses what is not plain JSON, naming where
  const text = canonicalize(content);
  if (text === undefined) throw new TypeError('event is not JSON');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A string JSON writes as it is between quotes: no quote, backslash, control or surrogate. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it must not hold
const PLAIN_STRING = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/** JSON.stringify of a member of a record (a string, unless the store was edited). */
function jsonString(value: unknown): string {
  return typeof value === 'string' && PLAIN_STRING.test(value)
    ? `"${value}"`
    : (JSON.stringify(value) as string);
}

/**
 * The canonical (JCS) text of a record: with its `hash` member, the line an export holds; with
 * `withHash` false, the text whose SHA-256 is the hash. `data` is inserted as stored, so a
 * record whose data text is not canonical gives a text that verification refuses. Equals
 * `canonicalize(event)` for every event the log writes.
 */
export function encodeRecord(record: EventRecord, withHash = true): string {
  const s = jsonString;
  return (
    '{"actor":' +
    s(record.actor) +
    ',"at":' +
    s(record.at) +
    ',"data":' +
    record.data +
    (withHash ? ',"hash":' + s(record.hash) : '') +
    ',"id":' +
    s(record.id) +
    ',"prev":' +
    s(record.prev) +
    ',"seq":' +
    String(record.seq) +
    ',"stream":' +
    s(record.stream) +
    ',"type":' +
    s(record.type) +
    '}'
  );
}

/** The record of an event: `data` as its canonical text. Throws EVENT_INVALID as encodeJcs. */
export function eventToRecord(event: StoredEvent): EventRecord {
  return { ...event, data: encodeJcs(event.data) };
}

/** The event of a record: `data` parsed. Throws a SyntaxError when the stored text is not JSON. */
export function recordToEvent(record: EventRecord): StoredEvent {
  return { ...record, data: JSON.parse(record.data) as JsonObject };
}

/**
 * The `at` of an event appended at `nowMs` after an event stamped `previousAt`: the clock's
 * instant as ISO 8601 UTC with milliseconds, or `previousAt` when the clock went backwards
 * (clocks step back; `at` never does).
 */
export function nextAt(nowMs: number, previousAt: string | undefined): string {
  const now = formatInstant(nowMs);
  // Same fixed-width format on both sides, so text order is time order.
  return previousAt !== undefined && previousAt > now ? previousAt : now;
}

/**
 * A new event id: a version 7 UUID (RFC 9562), time-ordered so ids inserted together sit
 * together in an index, with 74 random bits.
 */
export function newEventId(nowMs: number): string {
  const ms = Math.max(0, Math.floor(nowMs));
  if (ms !== idTime.ms) {
    const hex = ms.toString(16).padStart(12, '0').slice(-12);
    idTime = { ms, prefix: `${hex.slice(0, 8)}-${hex.slice(8)}-7` };
  }
  const random = randomUUID(); // xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx, variant bits already set
  return idTime.prefix + random.slice(15);
}

/** The time part of the last id made, reused while the millisecond lasts. */
let idTime = { ms: -1, prefix: '' };
