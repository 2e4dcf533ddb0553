/**
 * Verification of spec section 4, over an export file (streamed) or a live store: every line
 * must be the canonical (JCS) text of an event, every hash must match, every prev must be the
 * hash before it with no gap in seq, `at` must not go back, every checkpoint must sign the
 * hash of the event before it with a known key. The answer names the first failing seq.
 *
 * Both sources go through one `ChainVerifier`: export lines are scanned whole; a live store's
 * records are checked column by column, its data text as stored, so an edit made in the
 * database is seen as such, and at the same seq as in its export. A large input is checked in
 * blocks by worker threads (and, on their turns, the calling thread) and the blocks joined in
 * order (`verify-pool.ts`), with the same answer as in one thread; a SQLite store's blocks are
 * ranges of seqs each checker reads from the file itself.
 */
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { KeyObject } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ChainVerifier } from './chain-verifier.js';
import type { HeadClaim, VerifyResult } from './chain-verifier.js';
import { GENESIS_PREV } from './event.js';
import type { EventRecord } from './event.js';
import type { EventLog } from './event-log.js';
import { keyIdOf, publicKeyFromPem } from './signing-key.js';
import { defaultCallerTurns, defaultThreads, OrderedBlocks, PARALLEL_DEFAULTS, VerifyPool } from './verify-pool.js';
import type { ParallelOptions, RangeBlock } from './verify-pool.js';

export type { HeadClaim, VerifyResult } from './chain-verifier.js';
export type { ParallelOptions } from './verify-pool.js';

/** What a verification takes besides its source. */
export interface VerifyOptions {
  /** Also check that event `head.seq` exists with hash `head.hash` (catches a log cut short). */
  readonly head?: HeadClaim;
  /**
   * Public keys (PEM, SPKI) trusted to sign checkpoints, obtained independently of the log.
   * Default: the keys the export's header (or the store) names.
   */
  readonly trustedPublicKeys?: readonly string[];
  /**
   * Worker threads for a large input (the answer is the same with or without them). Default,
   * with more than two cores: one per core for an export file over 8 MB, one per core but one
   * for a store over 20,000 events; none for a stream unless this is given.
   */
  readonly parallel?: ParallelOptions;
}

/** Blocks waiting to be joined, per worker thread. */
const BLOCKS_IN_FLIGHT_PER_THREAD = 2;

/** The pool for an input of `size` (bytes or events), or undefined to check in this thread. */
function startPool(
  verifier: ChainVerifier,
  options: VerifyOptions,
  size: number,
  minimum: number,
  readingStore: boolean,
): { pool: VerifyPool; inFlight: number } | undefined {
  const threads = options.parallel?.threads ?? defaultThreads(readingStore);
  if (threads <= 0 || size < minimum) return undefined;
  const callerTurns = options.parallel?.callerTurns ?? defaultCallerTurns(threads);
  const pool = VerifyPool.start(threads, verifier.blockSetup(), callerTurns);
  // Blocks submitted and not yet joined, at most: enough to keep every checker busy.
  return pool === undefined ? undefined : { pool, inFlight: (threads + callerTurns) * BLOCKS_IN_FLIGHT_PER_THREAD };
}

/** Parses `SEQ:HASH` (seq >= 0, hash 64 lowercase hex). Returns undefined when malformed. */
export function parseHeadClaim(text: string): HeadClaim | undefined {
  const match = /^(\d{1,15}):([0-9a-f]{64})$/.exec(text.trim());
  if (match === null) return undefined;
  return { seq: Number(match[1]), hash: match[2] as string };
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
  const result = await verifyChain(log, options);
  // An edited database may hold an event that reading seqs in order does not find (whether a
  // read finds it depends on where its pages end): it fails at its seq, unless the chain failed
  // before it.
  const unread = await log.unreadSeq(result.ok ? result.lastSeq : Number.MAX_SAFE_INTEGER);
  if (unread === undefined) return result;
  const whole = typeof unread === 'number' && Number.isInteger(unread);
  const asNumber = Number(unread);
  const seq = Number.isFinite(asNumber) ? asNumber : 0;
  if (!result.ok && result.seq <= seq) return result;
  return {
    ok: false,
    seq,
    reason: `an event is stored at seq ${JSON.stringify(unread)}, ${whole ? 'a seq stored twice' : 'which is no whole number'}, where reading the log in seq order does not find it: an event was inserted`,
  };
}

/** verifyLog, of the events that reading seqs in order finds. */
async function verifyChain(log: EventLog, options: VerifyOptions): Promise<VerifyResult> {
  const pems: [string | undefined, unknown][] =
    options.trustedPublicKeys === undefined
      ? Object.entries(await log.publicKeys())
      : options.trustedPublicKeys.map((pem) => [undefined, pem]);
  const keys = keyMap(pems);
  if ('problem' in keys) return { ok: false, seq: 0, reason: keys.problem };
  // Reads start at seq 1: an event stored below it would otherwise go unseen.
  const lowest = await log.lowestSeq();
  if (lowest !== undefined && lowest < 1) {
    return {
      ok: false,
      seq: lowest,
      reason: `an event is stored at seq ${lowest}, before seq 1: an event was inserted`,
    };
  }
  const verifier = new ChainVerifier(1, undefined, GENESIS_PREV, keys.keys, options.head);
  const pushAll = (records: readonly EventRecord[]): boolean => {
    for (const record of records) if (!verifier.pushRecord(record)) return false;
    return true;
  };
  const parallel = options.parallel;
  const pageSize = Math.max(1, Math.floor(parallel?.blockRecords ?? PARALLEL_DEFAULTS.blockRecords));
  const head = (await log.head())?.seq ?? 0;
  const file = log.databaseFile;
  // A head seq that is no whole number (an edited database) is for the check in one thread.
  const started = Number.isSafeInteger(head)
    ? startPool(verifier, options, head, parallel?.minEvents ?? PARALLEL_DEFAULTS.minEvents, file === undefined)
    : undefined;
  if (started === undefined) {
    for await (const page of log.readRecords({}, pageSize)) if (!pushAll(page)) break;
    return verifier.finish();
  }
  if (file !== undefined) {
    try {
      await checkRanges(log, file, head, pageSize, verifier, started, pushAll);
    } finally {
      await started.pool.close();
    }
    return verifier.finish();
  }
  try {
    const blocks = new OrderedBlocks<{ startSeq: number; records: readonly EventRecord[] }>(
      verifier,
      started.pool,
      (block) => pushAll(block.records),
      started.inFlight,
    );
    let startSeq = 1;
    let going = true;
    for await (const records of log.readRecords({}, pageSize)) {
      going = await blocks.submit({ startSeq, records });
      if (!going) break;
      startSeq += records.length;
    }
    if (going) await blocks.settle();
  } finally {
    await started.pool.close();
  }
  return verifier.finish();
}

/**
 * Checks a SQLite store's events up to `head` in ranges that whoever checks them reads from
 * `file` itself; a range checked here event by event (one that failed or did not join) is read
 * through the log, as in one thread. Each range holds `pageSize` stored events wherever their
 * seqs lie (a forged huge seq makes no empty ranges). What was appended after `head` was read is
 * checked last, in this thread.
 */
async function checkRanges(
  log: EventLog,
  file: string,
  head: number,
  pageSize: number,
  verifier: ChainVerifier,
  { pool, inFlight }: { pool: VerifyPool; inFlight: number },
  pushAll: (records: readonly EventRecord[]) => boolean,
): Promise<void> {
  const blocks = new OrderedBlocks<RangeBlock>(
    verifier,
    pool,
    async (block) => {
      for await (const page of log.readRecords({ from: block.startSeq, to: block.endSeq }, pageSize))
        if (!pushAll(page)) return false;
      return true;
    },
    inFlight,
  );
  let going = true;
  let from = 1;
  while (going && from <= head) {
    const end = pool.endOfRange(file, from, pageSize);
    // A seq that is no whole number (an edited database): what follows is read and checked
    // here, as by a check in one thread.
    if (end !== undefined && !Number.isSafeInteger(end)) break;
    const endSeq = Math.min(head, (end as number | undefined) ?? head);
    going = await blocks.submit({ startSeq: from, endSeq, file });
    from = endSeq + 1;
  }
  if (going) going = await blocks.settle();
  if (going) for await (const page of log.readRecords({ from }, pageSize)) if (!pushAll(page)) break;
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
  // Export lines go to worker threads in blocks once the header is read, when the input is large.
  const parallel = options.parallel;
  const size =
    typeof source === 'string' ? (await stat(source)).size : parallel === undefined ? 0 : Infinity;
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

  const blockBytes = Math.max(1, Math.floor(parallel?.blockBytes ?? PARALLEL_DEFAULTS.blockBytes));
  let started: ReturnType<typeof startPool>;
  let blocks: OrderedBlocks<{ startSeq: number; lines: Buffer }> | undefined;
  let nextSeq = 0;
  /** Checks the complete lines of `bytes`, here or in workers; false once verification has failed. */
  const consume = async (bytes: Buffer): Promise<boolean> => {
    let rest = bytes;
    if (verifier === undefined) {
      const headerEnd = rest.indexOf(0x0a) + 1;
      if (!feed(rest.subarray(0, headerEnd))) return false;
      rest = rest.subarray(headerEnd);
      // Set by the header's line (the closure's assignment is invisible to narrowing).
      const ready = verifier as ChainVerifier | undefined;
      if (ready === undefined) return false;
      started = startPool(ready, options, size, parallel?.minBytes ?? PARALLEL_DEFAULTS.minBytes, false);
      if (started !== undefined) {
        blocks = new OrderedBlocks(ready, started.pool, (block) => feed(block.lines), started.inFlight);
      }
      nextSeq = ready.nextSeq;
    }
    if (blocks === undefined) return feed(rest);
    while (rest.length > 0) {
      const end = rest.length > blockBytes ? rest.indexOf(0x0a, blockBytes - 1) + 1 || rest.length : rest.length;
      const lines = rest.subarray(0, end);
      rest = rest.subarray(end);
      if (!(await blocks.submit({ startSeq: nextSeq, lines }))) return false;
      for (let nl = lines.indexOf(0x0a); nl !== -1; nl = lines.indexOf(0x0a, nl + 1)) nextSeq += 1;
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
      if (carry.length > 0 && blocks !== undefined) {
        // In blocks, the line begun in an earlier chunk goes with this chunk's lines: a block of
        // one line would be a turn wasted on nothing.
        going = await consume(Buffer.concat([carry, bytes.subarray(0, lastNewline + 1)]));
        start = lastNewline + 1;
      } else if (carry.length > 0) {
        // Finish the line begun in an earlier chunk without copying this whole chunk.
        start = bytes.indexOf(0x0a) + 1;
        going = await consume(Buffer.concat([carry, bytes.subarray(0, start)]));
      }
      if (going && start <= lastNewline) going = await consume(bytes.subarray(start, lastNewline + 1));
      carry = Buffer.from(bytes.subarray(lastNewline + 1));
      if (!going) break;
    }
    // A last line without its newline still counts.
    if (going && carry.length > 0) going = await consume(Buffer.concat([carry, Buffer.from('\n')]));
    if (going) await blocks?.settle();
  } finally {
    if (typeof source === 'string') stream.destroy();
    await started?.pool.close();
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
