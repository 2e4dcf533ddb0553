/**
 * Verification of spec section 4, over an export file (streamed) or a live store: every line
 * must be the canonical (JCS) text of an event, every hash must match, every prev must be the
 * hash before it with no gap in seq, `at` must not go back, every checkpoint must sign the
 * hash of the event before it with a known key. The answer names the first failing seq.
 *
 * Both sources go through one `ChainVerifier`: export lines are scanned whole; a live store's
 * records are checked column by column, its data text as stored, so an edit made in the
 * database is seen as such, and at the same seq as in its export.
 */
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import type { Readable } from 'node:stream';
import { formatInstant, parseInstant } from '../core/instant.js';
import { checkCheckpoint } from './checkpoint.js';
import { CHECKPOINT_TYPE, encodeRecord, GENESIS_PREV, sha256Hex } from './event.js';
import type { EventRecord } from './event.js';
import type { EventLog } from './event-log.js';
import { scanCanonicalObject } from './jcs-scanner.js';
import type { MemberSpan } from './jcs-scanner.js';
import { keyIdOf, publicKeyFromPem } from './signing-key.js';

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

/** What a verification takes besides its source. */
export interface VerifyOptions {
  /** Also check that event `head.seq` exists with hash `head.hash` (catches a log cut short). */
  readonly head?: HeadClaim;
  /**
   * Public keys (PEM, SPKI) trusted to sign checkpoints, obtained independently of the log.
   * Default: the keys the export's header (or the store) names.
   */
  readonly trustedPublicKeys?: readonly string[];
}

/** Parses `SEQ:HASH` (seq >= 0, hash 64 lowercase hex). Returns undefined when malformed. */
export function parseHeadClaim(text: string): HeadClaim | undefined {
  const match = /^(\d{1,15}):([0-9a-f]{64})$/.exec(text.trim());
  if (match === null) return undefined;
  return { seq: Number(match[1]), hash: match[2] as string };
}

const EVENT_MEMBERS = ['actor', 'at', 'data', 'hash', 'id', 'prev', 'seq', 'stream', 'type'] as const;
const HEX64 = /^[0-9a-f]{64}$/;
const AT_FORMAT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const LONE_SURROGATE = /\p{Cs}/u;
const QUOTE = 0x22;
const CHECKPOINT_TYPE_JSON = JSON.stringify(CHECKPOINT_TYPE);

/**
 * Checks a sequence of event lines, one `push` at a time, and stops at the first failure.
 * Keeps only the previous event's hash and time: constant memory for any length.
 */
class ChainVerifier {
  private expectedSeq: number;
  private prevHash: string | undefined;
  private firstPrev: string | undefined;
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
    const seq = this.expectedSeq;
    const scan = scanCanonicalObject(line);
    if (!scan.ok)
      return this.fail(seq, `not canonical JSON (RFC 8785): ${scan.reason} at character ${scan.offset}`);
    const m = scan.members;
    let exact = m.length === EVENT_MEMBERS.length;
    for (let i = 0; exact && i < m.length; i++) exact = m[i]?.key === EVENT_MEMBERS[i];
    if (!exact)
      return this.fail(
        seq,
        `members must be exactly ${EVENT_MEMBERS.join(', ')}; found ${m.map((member) => member.key).join(', ')}`,
      );
    const [, at, data, hash, , prev, seqSpan, , type] = m as [
      MemberSpan,
      MemberSpan,
      MemberSpan,
      MemberSpan,
      MemberSpan,
      MemberSpan,
      MemberSpan,
      MemberSpan,
      MemberSpan,
    ];
    for (let i = 0; i < m.length; i++) {
      const span = m[i] as MemberSpan;
      if (span !== data && span !== seqSpan && line.charCodeAt(span.valueStart) !== QUOTE) {
        return this.fail(seq, `${span.key} is not a string`);
      }
    }
    if (line.charCodeAt(data.valueStart) !== 0x7b) return this.fail(seq, 'data is not an object');
    // The line is canonical, so the event without its hash is the line without that member.
    const content = line.slice(0, hash.keyStart - 1) + line.slice(hash.valueEnd);
    return this.link({
      seq: line.slice(seqSpan.valueStart, seqSpan.valueEnd),
      hash: stringValue(line, hash),
      computedHash: sha256Hex(content),
      prev: stringValue(line, prev),
      at: stringValue(line, at),
      checkpoint:
        line.startsWith(CHECKPOINT_TYPE_JSON, type.valueStart) &&
        type.valueEnd - type.valueStart === CHECKPOINT_TYPE_JSON.length,
      data: () => line.slice(data.valueStart, data.valueEnd),
    });
  }

  /**
   * Checks the next stored record: the same checks as for its export line, without writing and
   * re-reading the envelope (its members are typed columns; only the data text is scanned).
   */
  pushRecord(record: EventRecord): boolean {
    if (this.failure !== undefined) return false;
    const seq = this.expectedSeq;
    for (const name of ['actor', 'at', 'hash', 'id', 'prev', 'stream', 'type'] as const) {
      const value: unknown = record[name];
      if (typeof value !== 'string') return this.fail(seq, `${name} is not a string`);
      if (LONE_SURROGATE.test(value))
        return this.fail(seq, `not canonical JSON (RFC 8785): ${name} has a lone surrogate`);
    }
    if (typeof record.data !== 'string') return this.fail(seq, 'data is not an object');
    const scan = scanCanonicalObject(record.data);
    if (!scan.ok) {
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
    if (this.count === 0) this.firstPrev = event.prev;
    if (this.head !== undefined && seq === this.head.seq) this.headSeen = event.hash;
    this.prevHash = event.hash;
    this.expectedSeq = seq + 1;
    this.count += 1;
    return true;
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
function stringValue(line: string, span: MemberSpan): string {
  const inner = line.slice(span.valueStart + 1, span.valueEnd - 1);
  return inner.includes('\\') ? (JSON.parse(line.slice(span.valueStart, span.valueEnd)) as string) : inner;
}

/** Public keys by key id, from PEMs; undefined plus a reason when one is not an Ed25519 key. */
function keyMap(
  pems: Iterable<[string | undefined, unknown]>,
): { keys: Map<string, KeyObject> } | { problem: string } {
  const keys = new Map<string, KeyObject>();
  for (const [claimedId, pem] of pems) {
    const key = typeof pem === 'string' ? publicKeyFromPem(pem) : undefined;
    if (key === undefined)
      return {
        problem: `${claimedId === undefined ? 'a trusted key' : `key ${claimedId}`} is not an Ed25519 public key in PEM`,
      };
    const keyId = keyIdOf(key);
    if (claimedId !== undefined && claimedId !== keyId)
      return { problem: `key id ${claimedId} does not match its public key (${keyId})` };
    keys.set(keyId, key);
  }
  return { keys };
}

/**
 * Verifies the live store of `log` from seq 1 to its head, reading its stored bytes in pages
 * (constant memory). Checkpoint keys: `options.trustedPublicKeys`, else the store's own.
 * Never throws for a bad log (that is the result); store errors pass through.
 */
export async function verifyLog(log: EventLog, options: VerifyOptions = {}): Promise<VerifyResult> {
  const pems: [string | undefined, unknown][] =
    options.trustedPublicKeys === undefined
      ? Object.entries(await log.publicKeys())
      : options.trustedPublicKeys.map((pem) => [undefined, pem]);
  const keys = keyMap(pems);
  if ('problem' in keys) return { ok: false, seq: 0, reason: keys.problem };
  const verifier = new ChainVerifier(1, undefined, GENESIS_PREV, keys.keys, options.head);
  pages: for await (const page of log.readRecords({}, 5_000)) {
    for (const record of page) {
      if (!verifier.pushRecord(record)) break pages;
    }
  }
  return verifier.finish();
}

/**
 * Verifies an export (spec section 3): a file path or a readable byte stream. Reads it in
 * chunks, so any length takes constant memory. A bad header fails at seq 0; bytes that are
 * not UTF-8 fail at the line's seq. Checkpoint keys: `options.trustedPublicKeys`, else the
 * header's (whose key ids must match their keys). File-system errors pass through.
 */
export async function verifyExport(
  source: string | Readable,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const stream = typeof source === 'string' ? createReadStream(source, { highWaterMark: 1 << 20 }) : source;
  let verifier: ChainVerifier | undefined;
  let headerFailure: VerifyResult | undefined;

  const take = (line: string): boolean => {
    if (verifier !== undefined) return verifier.pushLine(line);
    const started = startVerifier(line, options);
    if ('headerFailure' in started) {
      headerFailure = started.headerFailure;
      return false;
    }
    verifier = started;
    return true;
  };
  /** Feeds the complete lines of `bytes`; false once verification has failed. */
  const feed = (bytes: Buffer): boolean => {
    let start = 0;
    if (!isUtf8(bytes)) {
      // Line by line, so the failure names the seq of the line at fault.
      for (let nl = bytes.indexOf(0x0a); nl !== -1; nl = bytes.indexOf(0x0a, start)) {
        const line = bytes.subarray(start, nl);
        if (!isUtf8(line)) {
          if (verifier === undefined)
            headerFailure = { ok: false, seq: 0, reason: 'header: not valid UTF-8' };
          return verifier === undefined ? false : verifier.reject('the line is not valid UTF-8');
        }
        if (!take(line.toString('utf8'))) return false;
        start = nl + 1;
      }
      return true;
    }
    const text = bytes.toString('utf8');
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      if (!take(text.slice(start, nl))) return false;
      start = nl + 1;
    }
    return true;
  };

  let carry = Buffer.alloc(0);
  try {
    let going = true;
    for await (const chunk of stream as AsyncIterable<Buffer | string>) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      const lastNewline = bytes.lastIndexOf(0x0a);
      if (lastNewline === -1) {
        carry = Buffer.concat([carry, bytes]);
        continue;
      }
      let start = 0;
      if (carry.length > 0) {
        // Finish the line begun in an earlier chunk without copying this whole chunk.
        start = bytes.indexOf(0x0a) + 1;
        going = feed(Buffer.concat([carry, bytes.subarray(0, start)]));
      }
      if (going && start <= lastNewline) going = feed(bytes.subarray(start, lastNewline + 1));
      carry = Buffer.from(bytes.subarray(lastNewline + 1));
      if (!going) break;
    }
    // A last line without its newline still counts.
    if (going && carry.length > 0) feed(Buffer.concat([carry, Buffer.from('\n')]));
  } finally {
    if (typeof source === 'string') stream.destroy();
  }
  if (headerFailure !== undefined) return headerFailure;
  if (verifier === undefined) return { ok: false, seq: 0, reason: 'the export is empty: no header line' };
  return verifier.finish();
}

/** Reads the header line and sets up the verifier, or says what is wrong with the header. */
function startVerifier(
  line: string,
  options: VerifyOptions,
): ChainVerifier | { headerFailure: VerifyResult } {
  const fail = (reason: string): { headerFailure: VerifyResult } => ({
    headerFailure: { ok: false, seq: 0, reason: `header: ${reason}` },
  });
  let header: unknown;
  try {
    header = JSON.parse(line);
  } catch {
    return fail('not JSON');
  }
  if (typeof header !== 'object' || header === null) return fail('not a JSON object');
  const { vigilLog, publicKeys, from, to } = header as Record<string, unknown>;
  if (vigilLog !== 1) return fail('vigilLog is not 1 (not a Vigil log export, or a newer format)');
  if (typeof from !== 'number' || !Number.isSafeInteger(from) || from < 1)
    return fail('from is not a seq >= 1');
  if (typeof to !== 'number' || !Number.isSafeInteger(to) || to < from - 1)
    return fail('to is not a seq >= from - 1');
  if (typeof publicKeys !== 'object' || publicKeys === null || Array.isArray(publicKeys))
    return fail('publicKeys is not an object');
  const headerKeys = keyMap(Object.entries(publicKeys));
  if ('problem' in headerKeys) return fail(headerKeys.problem);
  let keys = headerKeys.keys;
  if (options.trustedPublicKeys !== undefined) {
    const trusted = keyMap(options.trustedPublicKeys.map((pem) => [undefined, pem]));
    if ('problem' in trusted) return fail(trusted.problem);
    keys = trusted.keys;
  }
  return new ChainVerifier(from, to, from === 1 ? GENESIS_PREV : undefined, keys, options.head);
}
