/**
 * Turning new events into chained records: the part of an append that is the same on every
 * store. An adapter calls `prepareEvents` before it takes its lock (validation and encoding
 * need no lock), then, holding the lock, reads the tail and the dedupe keys the batch names,
 * calls `planAppend`, and writes what the plan says. Pure apart from the ids and signatures.
 */
import { VigilError } from '../core/errors.js';
import { parseInstant } from '../core/instant.js';
import { checkpointDue, DEFAULT_CHECKPOINT_POLICY, signCheckpoint } from './checkpoint.js';
import type { CheckpointMark, CheckpointPolicy } from './checkpoint.js';
import {
  CHECKPOINT_TYPE,
  GENESIS_PREV,
  newEventId,
  nextAt,
  recordToEvent,
  sha256Hex,
  SYSTEM,
} from './event.js';
import type { EventRecord, StoredEvent } from './event.js';
import type { LogHead, NewEvent } from './event-log.js';
import { encodeJcs } from './jcs.js';
import type { JsonObject } from './jcs.js';
import type { SigningKey } from './signing-key.js';

/** A validated new event with its data encoded once, ready to be chained. */
export interface PreparedEvent {
  readonly id: string;
  readonly type: string;
  readonly stream: string;
  readonly actor: string;
  /** Canonical JSON text of the data. */
  readonly dataText: string;
  /**
   * The data as given, handed back in the appended event without a copy (it is JSON-equal to
   * `dataText`; members set to undefined are simply absent from the text).
   */
  readonly data: JsonObject;
  readonly dedupe: { readonly key: string; readonly fingerprint: string } | undefined;
}

const EVENT_TYPE = /^[a-z][a-z0-9_-]*(?:\.[a-z][a-z0-9_-]*)+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LONE_SURROGATE = /\p{Cs}/u;
const MAX_NAME_LENGTH = 256;

function invalid(index: number, path: string, message: string): VigilError {
  return new VigilError('EVENT_INVALID', `event ${index}: ${path === '' ? '' : `${path}: `}${message}`, {
    index,
    path,
  });
}

function checkName(index: number, field: string, value: unknown): string {
  if (typeof value !== 'string' || value === '')
    throw invalid(index, `/${field}`, 'must be a non-empty string');
  if (value.length > MAX_NAME_LENGTH)
    throw invalid(index, `/${field}`, `longer than ${MAX_NAME_LENGTH} characters`);
  if (LONE_SURROGATE.test(value))
    throw invalid(index, `/${field}`, 'has a lone surrogate (not valid Unicode)');
  return value;
}

/**
 * Validates and encodes `events` (ids are stamped with `nowMs`). Throws VigilError
 * `EVENT_INVALID` naming the first bad event's index and field. `allowCheckpoint` is for the
 * log's own checkpoint events; callers may not append `log.checkpoint`.
 */
export function prepareEvents(
  events: readonly NewEvent[],
  nowMs: number,
  allowCheckpoint = false,
): PreparedEvent[] {
  return events.map((event, index) => {
    const type = checkName(index, 'type', event.type);
    if (!EVENT_TYPE.test(type))
      throw invalid(index, '/type', `"${type}" is not a dotted lowercase event type`);
    if (type === CHECKPOINT_TYPE && !allowCheckpoint)
      throw invalid(index, '/type', 'log.checkpoint events are appended by the log itself');
    const stream = checkName(index, 'stream', event.stream);
    const actor = checkName(index, 'actor', event.actor);
    let id: string;
    if (event.id === undefined) id = newEventId(nowMs);
    else if (typeof event.id === 'string' && UUID.test(event.id)) id = event.id;
    else throw invalid(index, '/id', 'must be a lowercase UUID');

    const data: unknown = event.data;
    if (typeof data !== 'object' || data === null || Array.isArray(data))
      throw invalid(index, '/data', 'must be a JSON object');
    let dataText: string;
    try {
      dataText = encodeJcs(data);
    } catch (error) {
      if (error instanceof VigilError) {
        const { path, problem } = error.details ?? {};
        throw invalid(index, `/data${String(path ?? '')}`, String(problem ?? error.message));
      }
      throw error;
    }

    let dedupe: PreparedEvent['dedupe'];
    if (event.dedupe !== undefined) {
      const key = checkName(index, 'dedupe/key', event.dedupe.key);
      const fingerprint =
        event.dedupe.fingerprint === undefined
          ? sha256Hex(
              `{"data":${dataText},"stream":${JSON.stringify(stream)},"type":${JSON.stringify(type)}}`,
            )
          : checkName(index, 'dedupe/fingerprint', event.dedupe.fingerprint);
      dedupe = { key, fingerprint };
    }
    return { id, type, stream, actor, dataText, data: data as JsonObject, dedupe };
  });
}

/** What the store holds under a dedupe key. */
export interface StoredDedupe {
  readonly fingerprint: string;
  readonly seq: number;
}

/** The state an adapter reads under its lock before planning. */
export interface AppendContext {
  /** The newest event, undefined for an empty log. */
  readonly tail: LogHead | undefined;
  /** The stored entries for the batch's dedupe keys (keys not stored are absent). */
  readonly storedKeys: ReadonlyMap<string, StoredDedupe>;
  /** The clock, read under the lock so `at` is non-decreasing across writers. */
  readonly nowMs: number;
  /** Checkpointing: the key, the policy and the last checkpoint (undefined: none yet). */
  readonly checkpoints?: {
    readonly key: SigningKey;
    readonly policy?: CheckpointPolicy;
    readonly last: { readonly seq: number; readonly at: string } | undefined;
    /** `at` of event 1, undefined for an empty log. */
    readonly firstAt: string | undefined;
  };
  /** Append a checkpoint at the end even when none is due, unless no event follows the last one. */
  readonly forceCheckpoint?: boolean;
}

/** One input's place in the result: a record of this plan, or an event already stored. */
export type ResultSlot = { readonly record: number } | { readonly storedSeq: number };

/** What to write, and how to answer. */
export interface AppendPlan {
  /** The records to insert, in seq order (checkpoints included). */
  readonly records: readonly EventRecord[];
  /** The events of `records`, data parsed, for the answer and the listeners. */
  readonly events: readonly StoredEvent[];
  /** The dedupe entries to insert. */
  readonly newKeys: readonly { readonly key: string; readonly fingerprint: string; readonly seq: number }[];
  /** One per input, in input order. */
  readonly slots: readonly ResultSlot[];
}

/**
 * The answer to an append, one event per input in input order: the new event, or for a retry
 * the event first written under its dedupe key (looked up in `stored`, by seq).
 */
export function appendResults(plan: AppendPlan, stored: ReadonlyMap<number, EventRecord>): StoredEvent[] {
  return plan.slots.map((slot) => {
    if ('record' in slot) return plan.events[slot.record] as StoredEvent;
    return recordToEvent(stored.get(slot.storedSeq) as EventRecord);
  });
}

/**
 * Plans an append of `prepared` on top of `context`. Throws VigilError `DEDUPE_CONFLICT` when
 * a dedupe key is stored, or repeated in the batch, with another fingerprint.
 */
export function planAppend(prepared: readonly PreparedEvent[], context: AppendContext): AppendPlan {
  const slots: ResultSlot[] = [];
  const fresh: { event: PreparedEvent; slot: { record: number } }[] = [];
  const batchKeys = new Map<string, { fingerprint: string; slot: ResultSlot }>();
  const conflicts: { index: number; key: string; seq: number | null }[] = [];
  prepared.forEach((event, index) => {
    const dedupe = event.dedupe;
    if (dedupe !== undefined) {
      const stored = context.storedKeys.get(dedupe.key);
      const earlier = stored === undefined ? batchKeys.get(dedupe.key) : undefined;
      const fingerprint = stored?.fingerprint ?? earlier?.fingerprint;
      if (fingerprint !== undefined) {
        if (fingerprint !== dedupe.fingerprint)
          conflicts.push({ index, key: dedupe.key, seq: stored?.seq ?? null });
        else if (stored !== undefined) slots.push({ storedSeq: stored.seq });
        else if (earlier !== undefined) slots.push(earlier.slot);
        return;
      }
    }
    const slot = { record: -1 };
    slots.push(slot);
    fresh.push({ event, slot });
    if (dedupe !== undefined) batchKeys.set(dedupe.key, { fingerprint: dedupe.fingerprint, slot });
  });
  if (conflicts.length > 0) {
    const first = conflicts[0];
    throw new VigilError(
      'DEDUPE_CONFLICT',
      `dedupe key ${JSON.stringify(first?.key)} (event ${first?.index}) is already used for different content`,
      { conflicts },
    );
  }

  const { tail, checkpoints } = context;
  const at = nextAt(context.nowMs, tail?.at);
  const atMs = parseInstant(at) ?? context.nowMs;
  const records: EventRecord[] = [];
  const events: StoredEvent[] = [];
  const newKeys: { key: string; fingerprint: string; seq: number }[] = [];
  let seq = tail?.seq ?? 0;
  let prev = tail?.hash ?? GENESIS_PREV;

  // The members every event of the batch shares, written once. `at` is in the fixed instant
  // format, which JSON writes as it is.
  const atJson = `,"at":"${at}","data":`;
  const push = (event: PreparedEvent): number => {
    seq += 1;
    // encodeRecord(record, false), written out: the id is a validated UUID and the type a
    // validated dotted name, neither of which JSON escapes.
    const hash = sha256Hex(
      '{"actor":' +
        JSON.stringify(event.actor) +
        atJson +
        event.dataText +
        ',"id":"' +
        event.id +
        '","prev":' +
        JSON.stringify(prev) +
        ',"seq":' +
        String(seq) +
        ',"stream":' +
        JSON.stringify(event.stream) +
        ',"type":"' +
        event.type +
        '"}',
    );
    const { id, type, stream, actor } = event;
    records.push({ seq, id, at, type, stream, actor, data: event.dataText, prev, hash });
    events.push({ seq, id, at, type, stream, actor, data: event.data, prev, hash });
    prev = hash;
    return records.length - 1;
  };

  // The last checkpoint, or (seq 0, time of event 1) before the first one.
  let mark: CheckpointMark | undefined;
  if (checkpoints !== undefined) {
    const since =
      checkpoints.last ??
      (checkpoints.firstAt === undefined ? undefined : { seq: 0, at: checkpoints.firstAt });
    mark = { seq: since?.seq ?? 0, atMs: since === undefined ? atMs : (parseInstant(since.at) ?? atMs) };
  }
  const policy = checkpoints?.policy ?? DEFAULT_CHECKPOINT_POLICY;
  const pushCheckpoint = (key: SigningKey): void => {
    const data = { ...signCheckpoint(seq, prev, key) };
    const [event] = prepareEvents(
      [{ type: CHECKPOINT_TYPE, stream: SYSTEM, actor: SYSTEM, data }],
      context.nowMs,
      true,
    );
    if (event !== undefined) push(event);
    mark = { seq, atMs };
  };

  for (const { event, slot } of fresh) {
    slot.record = push(event);
    if (event.dedupe !== undefined) newKeys.push({ ...event.dedupe, seq });
    if (checkpoints !== undefined && mark !== undefined && seq - mark.seq >= policy.everyEvents)
      pushCheckpoint(checkpoints.key);
  }
  if (checkpoints !== undefined && mark !== undefined) {
    const uncovered = seq - mark.seq;
    if (checkpointDue(mark, uncovered, atMs, policy) || (context.forceCheckpoint === true && uncovered > 0)) {
      pushCheckpoint(checkpoints.key);
    }
  }
  return { records, events, newKeys, slots };
}
