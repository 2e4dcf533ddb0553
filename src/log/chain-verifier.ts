/**
 * The chain check of spec section 4, one event at a time: `ChainVerifier` takes export lines
 * or stored records in seq order, keeps only what ties an event to the one before it, and
 * stops at the first failure. A verifier can also be run on a block of events alone (in a
 * worker thread) and its summary joined to the verifier of everything before the block.
 */
import { isUtf8 } from 'node:buffer';
import type { KeyObject } from 'node:crypto';
import { formatInstant, parseInstant } from '../core/instant.js';
import { checkCheckpoint } from './checkpoint.js';
import { CHECKPOINT_TYPE, encodeRecord, GENESIS_PREV, sha256Hex } from './event.js';
import type { EventRecord } from './event.js';
import {
  canonicalValueEnd,
  EVENT_LINE_MAX_DEPTH,
  plainIntegerEnd,
  plainStringEnd,
  scanCanonicalObject,
} from './jcs-scanner.js';

/** The outcome of a verification: all holds, or the first failing seq and what failed there. */
export type VerifyResult =
  | {
      readonly ok: true;
      /** Number of events checked. */
      readonly events: number;
      /** Seq of the last event (from - 1 when there were none). */
      readonly lastSeq: number;
      /** Hash of the last event; GENESIS_PREV for an empty log, '' for an empty export after seq 1. */
      readonly lastHash: string;
    }
  | {
      readonly ok: false;
      /** The first seq at which verification failed (0: the export's header). */
      readonly seq: number;
      readonly reason: string;
    };

/** A head seen elsewhere (`--head SEQ:HASH`): the log must still hold this event. */
export interface HeadClaim {
  readonly seq: number;
  readonly hash: string;
}

/** What a verifier run on a block of events alone found: see `ChainVerifier.blockSummary`. */
export interface BlockSummary {
  /** Every event of the block passed every check that needs no event before the block. */
  readonly ok: boolean;
  /** Events that passed. */
  readonly count: number;
  /** prev of the first event ('' when none passed). */
  readonly firstPrev: string;
  /** at of the first event ('' when none passed). */
  readonly firstAt: string;
  /** hash of the last event that passed ('' when none did). */
  readonly lastHash: string;
  /** at of the last event that passed ('' when none did). */
  readonly lastAt: string;
  /** The hash of the event at the head claim's seq, when the block holds it. */
  readonly headSeen: string | undefined;
}

const EVENT_MEMBERS = ['actor', 'at', 'data', 'hash', 'id', 'prev', 'seq', 'stream', 'type'] as const;
const HEX64 = /^[0-9a-f]{64}$/;
const AT_FORMAT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const LONE_SURROGATE = /\p{Cs}/u;
/** The members of an event other than seq and data: strings. */
const ENVELOPE_STRINGS = ['actor', 'at', 'hash', 'id', 'prev', 'stream', 'type'] as const;
const QUOTE = 0x22;
const CHECKPOINT_TYPE_JSON = JSON.stringify(CHECKPOINT_TYPE);

/**
 * Checks a sequence of event lines, one `push` at a time, and stops at the first failure.
 * Keeps only the previous event's hash and time: constant memory for any length.
 */
export class ChainVerifier {
  private expectedSeq: number;
  private prevHash: string | undefined;
  private firstPrev: string | undefined;
  private firstAt = '';
  private prevAt = '';
  private count = 0;
  private headSeen: string | undefined;
  private failure: { seq: number; reason: string } | undefined;

  /**
   * @param from seq of the first line
   * @param to seq of the last line, when a header says so
   * @param prevHash the hash before `from`: GENESIS_PREV from seq 1; undefined when unknown
   */
  constructor(
    from: number,
    private readonly to: number | undefined,
    prevHash: string | undefined,
    private readonly publicKeys: ReadonlyMap<string, KeyObject>,
    private readonly head: HeadClaim | undefined,
  ) {
    this.expectedSeq = from;
    this.prevHash = prevHash;
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Fails at the next line for a reason found outside it (its bytes are not UTF-8, say). */
  reject(reason: string): false {
    return this.fail(this.expectedSeq, reason);
  }

  private fail(seq: number, reason: string): false {
    this.failure ??= { seq, reason };
    return false;
  }

  /** Checks the next line of an export. Returns false (and stays failed) at the first failure. */
  pushLine(line: string): boolean {
    if (this.failure !== undefined) return false;
    const offsets = eventLineOffsets(line) ?? this.scannedOffsets(line);
    return offsets !== undefined && this.linkLine(line, offsets);
  }

  /**
   * The offsets of a line that is not an event line in the usual shape, by the general
   * scanner: fails (and returns undefined) with the reason the scanner or the members give.
   */
  private scannedOffsets(line: string): number[] | undefined {
    const seq = this.expectedSeq;
    const scan = scanCanonicalObject(line, EVENT_LINE_MAX_DEPTH);
    if (!scan.ok) {
      this.fail(seq, `not canonical JSON (RFC 8785): ${scan.reason} at character ${scan.offset}`);
      return undefined;
    }
    const m = scan.members;
    let exact = m.length === EVENT_MEMBERS.length;
    for (let i = 0; exact && i < m.length; i++) exact = m[i]?.key === EVENT_MEMBERS[i];
    if (!exact) {
      this.fail(
        seq,
        `members must be exactly ${EVENT_MEMBERS.join(', ')}; found ${m.map((member) => member.key).join(', ')}`,
      );
      return undefined;
    }
    const offsets: number[] = [];
    for (const span of m) {
      if (span.key !== 'data' && span.key !== 'seq' && line.charCodeAt(span.valueStart) !== QUOTE) {
        this.fail(seq, `${span.key} is not a string`);
        return undefined;
      }
      offsets.push(span.valueStart, span.valueEnd);
    }
    if (line.charCodeAt(offsets[DATA] as number) !== 0x7b) {
      this.fail(seq, 'data is not an object');
      return undefined;
    }
    return offsets;
  }

  /** The checks of a canonical event line whose member values sit at `offsets`. */
  private linkLine(line: string, offsets: readonly number[]): boolean {
    const at = (member: number): number => offsets[member] as number;
    // The line is canonical, so the event without its hash is the line without that member
    // (its comma, name and value).
    const content = line.slice(0, at(HASH) - HASH_MEMBER.length) + line.slice(at(HASH + 1));
    return this.link({
      seq: line.slice(at(SEQ), at(SEQ + 1)),
      hash: stringValue(line, at(HASH), at(HASH + 1)),
      computedHash: sha256Hex(content),
      prev: stringValue(line, at(PREV), at(PREV + 1)),
      at: stringValue(line, at(AT), at(AT + 1)),
      checkpoint:
        line.startsWith(CHECKPOINT_TYPE_JSON, at(TYPE)) &&
        at(TYPE + 1) - at(TYPE) === CHECKPOINT_TYPE_JSON.length,
      data: () => line.slice(at(DATA), at(DATA + 1)),
    });
  }

  /**
   * Checks the next stored record: the same checks as for its export line, without writing and
   * re-reading the envelope (its members are typed columns; only the data text is scanned).
   */
  pushRecord(record: EventRecord): boolean {
    if (this.failure !== undefined) return false;
    const seq = this.expectedSeq;
    for (const name of ENVELOPE_STRINGS) {
      const value: unknown = record[name];
      if (typeof value !== 'string') return this.fail(seq, `${name} is not a string`);
      if (LONE_SURROGATE.test(value))
        return this.fail(seq, `not canonical JSON (RFC 8785): ${name} has a lone surrogate`);
    }
    if (typeof record.data !== 'string') return this.fail(seq, 'data is not an object');
    // The common case without listing data's members; the full scan judges anything else.
    const whole = record.data.charCodeAt(0) === 0x7b && canonicalValueEnd(record.data, 0, 0) === record.data.length;
    const scan = whole ? undefined : scanCanonicalObject(record.data);
    if (scan !== undefined && !scan.ok) {
      const reason =
        record.data.charCodeAt(0) === 0x7b
          ? `${scan.reason} in data at character ${scan.offset}`
          : 'data is not an object';
      return this.fail(
        seq,
        scan.reason === 'not a JSON object'
          ? 'data is not an object'
          : `not canonical JSON (RFC 8785): ${reason}`,
      );
    }
    return this.link({
      seq: typeof record.seq === 'number' ? String(record.seq) : JSON.stringify(record.seq),
      hash: record.hash,
      computedHash: sha256Hex(encodeRecord(record, false)),
      prev: record.prev,
      at: record.at,
      checkpoint: record.type === CHECKPOINT_TYPE,
      data: () => record.data,
    });
  }

  /** The checks that tie an event to the one before it. */
  private link(event: {
    /** The seq as written in the event. */
    seq: string;
    hash: string;
    /** SHA-256 of the event's canonical text without its hash. */
    computedHash: string;
    prev: string;
    at: string;
    checkpoint: boolean;
    data: () => string;
  }): boolean {
    const seq = this.expectedSeq;
    if (this.to !== undefined && seq > this.to)
      return this.fail(seq, `an event after seq ${this.to}, the last one the header announces`);
    if (event.seq !== String(seq)) {
      return this.fail(
        seq,
        `expected seq ${seq}, found ${event.seq}: an event is missing, inserted or out of place`,
      );
    }
    // A computed hash is 64 lowercase hex digits, so equality also checks the format.
    if (event.computedHash !== event.hash) {
      return this.fail(
        seq,
        HEX64.test(event.hash)
          ? 'hash does not match the event (the event was altered)'
          : 'hash is not 64 lowercase hex digits',
      );
    }
    if (this.prevHash !== undefined ? event.prev !== this.prevHash : !HEX64.test(event.prev)) {
      if (!HEX64.test(event.prev)) return this.fail(seq, 'prev is not 64 lowercase hex digits');
      return this.fail(
        seq,
        seq === 1 ? 'prev of seq 1 is not 64 zeros' : `prev is not the hash of seq ${seq - 1}`,
      );
    }
    if (event.at !== this.prevAt) {
      if (!AT_FORMAT.test(event.at) || formatInstant(parseInstant(event.at) ?? NaN) !== event.at) {
        return this.fail(seq, 'at is not an ISO 8601 UTC time with milliseconds');
      }
      if (event.at < this.prevAt)
        return this.fail(seq, `at goes back in time (${event.at} after ${this.prevAt})`);
      this.prevAt = event.at;
    }
    if (event.checkpoint) {
      const problem = checkCheckpoint(JSON.parse(event.data()), seq, event.prev, this.publicKeys);
      if (problem !== undefined) return this.fail(seq, problem);
    }
    if (this.count === 0) {
      this.firstPrev = event.prev;
      this.firstAt = event.at;
    }
    if (this.head !== undefined && seq === this.head.seq) this.headSeen = event.hash;
    this.prevHash = event.hash;
    this.expectedSeq = seq + 1;
    this.count += 1;
    return true;
  }

  /**
   * What a verifier started on a block alone (prev hash unknown) found there: whether every
   * event of the block passed, and what ties the block to its neighbours.
   */
  blockSummary(): BlockSummary {
    return {
      ok: this.failure === undefined,
      count: this.count,
      firstPrev: this.firstPrev ?? '',
      firstAt: this.firstAt,
      lastHash: this.prevHash ?? '',
      lastAt: this.prevAt,
      headSeen: this.headSeen,
    };
  }

  /**
   * Takes in a block checked elsewhere, from `startSeq`, as if its events had been pushed here:
   * when the block passed on its own, starts where this verifier expects, and its first event
   * links to this verifier's last one (prev and time). Returns false and changes nothing
   * otherwise: the caller then pushes the block's events here, one by one, to find the failure
   * and its exact reason.
   */
  joinBlock(block: BlockSummary, startSeq: number): boolean {
    if (this.failure !== undefined || !block.ok || startSeq !== this.expectedSeq) return false;
    if (block.count === 0) return true;
    if (this.prevHash !== undefined && block.firstPrev !== this.prevHash) return false;
    if (block.firstAt < this.prevAt) return false;
    if (this.count === 0) {
      this.firstPrev = block.firstPrev;
      this.firstAt = block.firstAt;
    }
    if (block.headSeen !== undefined) this.headSeen = block.headSeen;
    this.prevHash = block.lastHash;
    this.prevAt = block.lastAt;
    this.expectedSeq += block.count;
    this.count += block.count;
    return true;
  }

  /** What a verifier of a later block of this run needs. */
  blockSetup(): BlockSetup {
    return { to: this.to, publicKeys: this.publicKeys, head: this.head };
  }

  /** The seq the next event must have. */
  get nextSeq(): number {
    return this.expectedSeq;
  }

  /** The result once every line is in. */
  finish(): VerifyResult {
    if (this.failure !== undefined) return { ok: false, ...this.failure };
    const lastSeq = this.expectedSeq - 1;
    if (this.to !== undefined && lastSeq < this.to) {
      return {
        ok: false,
        seq: lastSeq + 1,
        reason: `the export ends at seq ${lastSeq}, but its header announces events up to seq ${this.to}`,
      };
    }
    const head = this.head;
    if (head !== undefined) {
      const from = this.expectedSeq - this.count;
      if (head.seq > lastSeq) {
        return {
          ok: false,
          seq: lastSeq + 1,
          reason: `the log ends at seq ${lastSeq}, but seq ${head.seq} was seen with hash ${head.hash}: events were removed from its end`,
        };
      }
      const seen =
        head.seq === from - 1
          ? this.count > 0
            ? this.firstPrev
            : head.seq === 0
              ? GENESIS_PREV
              : undefined
          : this.headSeen;
      if (head.seq < from - 1 || seen === undefined) {
        return {
          ok: false,
          seq: head.seq,
          reason: `seq ${head.seq} is not covered by what was verified (from seq ${from})`,
        };
      }
      if (seen !== head.hash) {
        return {
          ok: false,
          seq: head.seq,
          reason: `seq ${head.seq} has hash ${seen}, not the ${head.hash} seen before: the log was rewritten`,
        };
      }
    }
    return { ok: true, events: this.count, lastSeq, lastHash: this.prevHash ?? '' };
  }
}

/** The text of a string member (whose value the scanner has checked to be a string). */
function stringValue(line: string, start: number, end: number): string {
  const inner = line.slice(start + 1, end - 1);
  return inner.includes('\\') ? (JSON.parse(line.slice(start, end)) as string) : inner;
}

/** Where the value of each member starts in `eventLineOffsets`' answer (its end is next). */
const AT = 2;
const DATA = 4;
const HASH = 6;
const PREV = 10;
const SEQ = 12;
const TYPE = 16;
const HASH_MEMBER = ',"hash":';
/** What precedes each member's value in an event line: its name, after `{` or a comma. */
const MEMBER_PREFIXES = EVENT_MEMBERS.map((name, i) => `${i === 0 ? '{' : ','}${JSON.stringify(name)}:`);

/**
 * The value offsets (start, end, in EVENT_MEMBERS order) of an event line in the usual shape:
 * exactly the nine members, data an object, seq a number and the others strings, all in
 * canonical form. Undefined for any other line, which the general scanner then checks (it
 * accepts every line this accepts, at the same offsets, and says why it refuses the others).
 * The names need no scanning: a canonical name without characters to escape has one spelling.
 */
function eventLineOffsets(line: string): number[] | undefined {
  const offsets: number[] = [];
  let at = 0;
  for (let i = 0; i < MEMBER_PREFIXES.length; i++) {
    const prefix = MEMBER_PREFIXES[i] as string;
    if (!line.startsWith(prefix, at)) return undefined;
    at += prefix.length;
    const first = line.charCodeAt(at);
    const expected = i === DATA / 2 ? 0x7b : i === SEQ / 2 ? -1 : QUOTE;
    if (expected === -1 ? !(first >= 0x30 && first <= 0x39) : first !== expected) return undefined;
    // Strings without escapes and small whole numbers are checked on the spot; anything else
    // (data, escapes, other numbers) by the scanner.
    let end = expected === QUOTE ? plainStringEnd(line, at) : expected === -1 ? plainIntegerEnd(line, at) : -1;
    if (end < 0) end = canonicalValueEnd(line, at, 1, EVENT_LINE_MAX_DEPTH);
    if (end < 0) return undefined;
    offsets.push(at, end);
    at = end;
  }
  return at === line.length - 1 && line.charCodeAt(at) === 0x7d ? offsets : undefined;
}


/** What a verifier of a block needs besides the block: the same for every block of a run. */
export interface BlockSetup {
  /** The last seq the export's header announces, if any. */
  readonly to: number | undefined;
  readonly publicKeys: ReadonlyMap<string, KeyObject>;
  readonly head: HeadClaim | undefined;
}

/** A block of events to check alone: export lines (complete, each ending in a newline) or stored records. */
export type EventBlock =
  | { readonly startSeq: number; readonly lines: Uint8Array }
  | { readonly startSeq: number; readonly records: readonly EventRecord[] };

/**
 * Checks a block alone, from its `startSeq`, the hash before it unknown: what a worker thread
 * does. A block of lines that is not UTF-8 does not pass (the caller checks it itself to say
 * where). Never throws for bad content.
 */
export function checkBlock(block: EventBlock, setup: BlockSetup): BlockSummary {
  const verifier = new ChainVerifier(block.startSeq, setup.to, undefined, setup.publicKeys, setup.head);
  if ('records' in block) {
    for (const record of block.records) if (!verifier.pushRecord(record)) break;
    return verifier.blockSummary();
  }
  const bytes = Buffer.from(block.lines.buffer, block.lines.byteOffset, block.lines.byteLength);
  if (!isUtf8(bytes)) return { ...verifier.blockSummary(), ok: false };
  const text = bytes.toString('utf8');
  let start = 0;
  for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
    if (!verifier.pushLine(text.slice(start, nl))) break;
    start = nl + 1;
  }
  return verifier.blockSummary();
}

/** Checks export lines (without their newlines) alone, from `startSeq`, as checkBlock does. */
export function checkLines(startSeq: number, lines: readonly string[], setup: BlockSetup): BlockSummary {
  const verifier = new ChainVerifier(startSeq, setup.to, undefined, setup.publicKeys, setup.head);
  for (const line of lines) if (!verifier.pushLine(line)) break;
  return verifier.blockSummary();
}
