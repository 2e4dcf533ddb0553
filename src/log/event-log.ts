/**
 * The event log port: an append-only, hash-chained sequence of events (spec
 * `shared/spec/audit-log.md`). Adapters: `sqlite-event-log.ts` (embedded default) and
 * `postgres-event-log.ts` (several servers, one log). Both pass one contract suite.
 */
import { VigilError } from '../core/errors.js';
import type { CheckpointPolicy } from './checkpoint.js';
import type { EventRecord, StoredEvent } from './event.js';
import type { SigningKey } from './signing-key.js';

/** An event to append; the log assigns seq, at, prev and hash (and id unless given). */
export interface NewEvent {
  /** Dotted, past tense, lowercase: `report.received`. `log.checkpoint` is the log's own. */
  readonly type: string;
  /** A problem id, or `system`. Non-empty. */
  readonly stream: string;
  /** A user id, an API token id, or `system`. Non-empty. */
  readonly actor: string;
  /** Plain JSON: finite numbers, no undefined in arrays, no Dates or class instances. */
  readonly data: Readonly<Record<string, unknown>>;
  /** A lowercase UUID; by default a new version 7 UUID. */
  readonly id?: string;
  /** Makes the append idempotent for this event: see `EventLog.append`. */
  readonly dedupe?: DedupeKey;
}

/**
 * What makes an event a retry of an earlier one. Keys live in their own namespace in the store
 * (kept forever, like the events): give them a prefix, e.g. `report:<problem>:<report id>`.
 */
export interface DedupeKey {
  readonly key: string;
  /**
   * Identifies the content: two events with one key are the same when their fingerprints are
   * equal. Default: SHA-256 of JCS({data, stream, type}). Give your own when data carries
   * fields a retry legitimately changes (a server receive time, say).
   */
  readonly fingerprint?: string;
}

/** Which events to read: seq in [from, to], optionally one stream, at most `limit`. */
export interface ReadQuery {
  /** First seq, default 1. */
  readonly from?: number;
  /** Last seq, default the head at each page. */
  readonly to?: number;
  readonly stream?: string;
  /** At most this many events. */
  readonly limit?: number;
}

/** The newest event's position, hash and time. */
export interface LogHead {
  readonly seq: number;
  readonly hash: string;
  readonly at: string;
}

/** Called after each committed append with its new events (checkpoints included) in seq order. */
export type AppendListener = (events: readonly StoredEvent[]) => void;

/** What every adapter takes besides its connection. */
export interface EventLogOptions {
  /** The server clock; default the system clock. */
  readonly clock?: () => Date;
  /** Sign checkpoints with this key; without one the log appends no checkpoints. */
  readonly signingKey?: SigningKey;
  /** When checkpoints are due; default DEFAULT_CHECKPOINT_POLICY (10,000 events, 1 hour). */
  readonly checkpointPolicy?: CheckpointPolicy;
  /** Told when a listener throws; default prints to stderr. */
  readonly onListenerError?: (error: unknown) => void;
}

/** The append-only event log. Every method throws VigilError `LOG_UNAVAILABLE` once closed. */
export interface EventLog {
  /**
   * Appends `events` in order as one atomic batch: after the promise resolves every event is
   * durable (it survives kill -9 of the process, and on SQLite a power cut); if it rejects,
   * none was written. Appends are serialized across every writer of the store, processes
   * included, so the chain stays one line. All events of a batch share one `at`.
   *
   * Resolves to one event per input, in input order; a new event's `data` is the object given
   * (not a copy: do not change it afterwards). An input with a `dedupe` key that the
   * store already holds with the same fingerprint is not appended again: its place holds the
   * event first written under that key (seq at or below the head before the call); the same
   * holds for a key repeated within the batch. A key held with another fingerprint rejects the
   * whole batch with VigilError `DEDUPE_CONFLICT`, `details.conflicts` listing
   * `{index, key, seq}` for every such input.
   *
   * When a signing key is set and a checkpoint is due, the log also appends `log.checkpoint`
   * events within the batch (after every `everyEvents` events, and at its end when the time
   * is due); they are not in the result but are delivered to listeners.
   *
   * Throws VigilError `EVENT_INVALID` (details: `index`, `path`) before writing anything when
   * an input is malformed.
   */
  append(events: readonly NewEvent[]): Promise<StoredEvent[]>;

  /**
   * Appends a checkpoint now (for a digest that wants a fresh signed head), unless the log is
   * empty or its head already is a checkpoint. Resolves to the checkpoint, or undefined when
   * none was appended or the log has no signing key.
   */
  checkpoint(): Promise<StoredEvent | undefined>;

  /** Events of `query` in seq order, fetched in pages (constant memory for any length). */
  read(query?: ReadQuery): AsyncIterable<StoredEvent>;

  /**
   * The same events as stored, `data` as its stored text, in pages of up to `pageSize`
   * (default 2,000): what export and verification read, so they see the stored bytes.
   */
  readRecords(query?: ReadQuery, pageSize?: number): AsyncIterable<readonly EventRecord[]>;

  /** The newest event, or undefined for an empty log. */
  head(): Promise<LogHead | undefined>;

  /**
   * The lowest seq stored, or undefined for an empty log: 1 for every log Vigil wrote. Reads
   * start at seq 1, so an event stored below it (put there by hand) is seen only through this,
   * which verification asks.
   */
  lowestSeq(): Promise<number | undefined>;

  /**
   * A seq, as stored, of an event at or below `throughSeq` that reading seqs in order does not
   * find: one stored twice, or one that is no whole number. Undefined for every log Vigil wrote;
   * only a database edited by hand (the table rebuilt without its key or its types) holds one.
   * Verification asks, after the events it read checked out.
   */
  unreadSeq(throughSeq: number): Promise<unknown>;

  /**
   * The SQLite database file holding the log, where there is one: other threads may open it
   * read-only and read the events up to `head()` themselves (parallel verification does).
   */
  readonly databaseFile?: string;

  /**
   * Resolves once everything committed to the store so far, by any process, is on disk: to be
   * awaited before acting on events another process appended (they may be committed and not
   * yet flushed). A no-op where a commit is durable when seen (PostgreSQL).
   */
  sync(): Promise<void>;

  /** Every public key that has signed checkpoints in this store: key id -> PEM (SPKI). */
  publicKeys(): Promise<Record<string, string>>;

  /**
   * Calls `listener` after each append made through this instance commits, with its new
   * events. Returns the unsubscribe function. Listeners run synchronously after the commit,
   * before `append` resolves; one that throws is reported to `onListenerError` and does not
   * fail the append. (Appends by other processes are not delivered yet; the PostgreSQL adapter
   * already sends `NOTIFY vigil_log` with `<schema>:<head seq>` on each commit for that.)
   */
  subscribe(listener: AppendListener): () => void;

  /** Waits for appends in progress, then releases the store. Idempotent. */
  close(): Promise<void>;
}

/** The normalized bounds of a read. */
export interface ReadBounds {
  readonly from: number;
  readonly to: number;
  readonly stream: string | undefined;
  readonly limit: number;
}

/**
 * Checks and completes a read query. Throws VigilError `EVENT_INVALID` for a bound that is not
 * a whole number (from >= 1, to >= 0, limit >= 0).
 */
export function readBounds(query: ReadQuery = {}): ReadBounds {
  const whole = (name: string, value: number | undefined, min: number, fallback: number): number => {
    if (value === undefined) return fallback;
    if (!Number.isSafeInteger(value) || value < min) {
      throw new VigilError('EVENT_INVALID', `read ${name} must be a whole number >= ${min}, got ${value}`);
    }
    return value;
  };
  return {
    from: whole('from', query.from, 1, 1),
    to: whole('to', query.to, 0, Number.MAX_SAFE_INTEGER),
    stream: query.stream,
    limit: whole('limit', query.limit, 0, Number.MAX_SAFE_INTEGER),
  };
}

/**
 * Pages through records with keyset paging: `fetchPage(from, to, stream, n)` returns up to n
 * records with seq in [from, to], in seq order. Stops at the end, at `to` or at `limit`.
 */
export async function* pagedRecords(
  query: ReadQuery | undefined,
  pageSize: number,
  fetchPage: (
    from: number,
    to: number,
    stream: string | undefined,
    n: number,
  ) => Promise<readonly EventRecord[]>,
): AsyncGenerator<readonly EventRecord[]> {
  const bounds = readBounds(query);
  let from = bounds.from;
  let left = bounds.limit;
  while (left > 0 && from <= bounds.to) {
    const n = Math.min(pageSize, left);
    const page = await fetchPage(from, bounds.to, bounds.stream, n);
    const last = page[page.length - 1];
    if (last === undefined) return;
    yield page;
    left -= page.length;
    if (page.length < n) return;
    from = last.seq + 1;
  }
}

/** Calls listeners after an append; a listener's throw goes to `onError`, not to the writer. */
export class AppendListeners {
  private readonly listeners = new Set<AppendListener>();

  constructor(private readonly onError: (error: unknown) => void = defaultListenerError) {}

  /** Adds a listener; returns the function that removes it. */
  add(listener: AppendListener): () => void {
    const entry: AppendListener = (events) => listener(events);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  /** Delivers `events` to every listener (nothing when there are no events). */
  emit(events: readonly StoredEvent[]): void {
    if (events.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(events);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}

function defaultListenerError(error: unknown): void {
  console.error('vigil: an event-log listener failed:', error);
}

/** The error every method of a closed log throws. */
export function closedLogError(): VigilError {
  return new VigilError('LOG_UNAVAILABLE', 'the event log is closed');
}
