/**
 * Group commit: appends requested while another is being written wait, then go to the log
 * together as one batch (one transaction, one fsync) and are projected together. Each request
 * stays atomic on its own: when the combined batch fails because of one request (its dedupe
 * key is taken by other content), that request alone is refused and the others are written
 * without it; any other failure is retried request by request, so every caller gets the answer
 * its own events would have got alone, except LOG_UNAVAILABLE (a write the disk did not
 * confirm), which every request of the group gets.
 *
 * Pipelined where the log's writes happen at the call (SQLite: the transaction runs before the
 * append's first await, which then only waits for the flush): up to `depth` groups are in
 * flight, so the next group is written while the disk flushes the one before. Projections and
 * answers still follow the groups' order, one after another.
 */
import { setImmediate } from 'node:timers';
import { isVigilError, VigilError } from '../core/errors.js';
import type { StoredEvent } from '../log/event.js';
import type { NewEvent } from '../log/event-log.js';

interface Request {
  readonly events: readonly NewEvent[];
  readonly resolve: (stored: StoredEvent[]) => void;
  readonly reject: (error: unknown) => void;
}

/** The most events in one combined batch (a request larger than this still goes alone). */
const MAX_GROUP_EVENTS = 20_000;

export class GroupCommit {
  readonly #queue: Request[] = [];
  #writing = false;
  /** The groups written and not yet answered, oldest first. */
  readonly #flights: Promise<void>[] = [];
  /** Settles when every group taken so far is projected and answered. */
  #answered: Promise<void> = Promise.resolve();

  constructor(
    /** Appends a batch atomically (the log's append). */
    private readonly write: (events: readonly NewEvent[]) => Promise<StoredEvent[]>,
    /** Runs after each batch is written, before its callers are answered (the projection). */
    private readonly afterWrite: () => Promise<void>,
    /** Groups in flight at once; more than 1 only where `write` writes before its first await. */
    private readonly depth = 1,
  ) {}

  /** Appends `events` atomically, possibly together with other requests; resolves to their stored events. */
  append(events: readonly NewEvent[]): Promise<StoredEvent[]> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ events, resolve, reject });
      if (!this.#writing) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#queue.length > 0) {
        // Let requests already under way (parsing, validating) join this batch: the adapters'
        // writes are synchronous, so without one turn of the event loop nothing else could.
        await new Promise((resolve) => setImmediate(resolve));
        while (this.#flights.length >= this.depth) await this.#flights[0];
        const group: Request[] = [];
        let size = 0;
        while (this.#queue.length > 0 && (group.length === 0 || size + this.#queue[0]!.events.length <= MAX_GROUP_EVENTS)) {
          const next = this.#queue.shift()!;
          group.push(next);
          size += next.events.length;
        }
        if (group.length === 0) continue;
        const written = this.#writeGroup(group);
        const answered = this.#answered.then(async () => {
          let result: Awaited<typeof written>;
          try {
            result = await written;
          } catch (error) {
            // #writeGroup answers its own failures; this is only a guard for the chain.
            for (const request of group) request.reject(error);
            return;
          }
          await this.#answer(result);
        });
        this.#answered = answered;
        this.#inFlight(answered);
      }
    } finally {
      this.#writing = false;
    }
  }

  /**
   * Runs `task` in turn with the projections: after every group taken so far is answered, and
   * before any group taken later is.
   */
  inTurn<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#answered.then(task);
    const done = result.then(
      () => undefined,
      () => undefined,
    );
    this.#answered = done;
    // A flight of its own: no group is written while it runs where depth is 1 (PostgreSQL,
    // whose commits others see before they are handed back).
    this.#inFlight(done);
    return result;
  }

  /** Counts `settled` among the flights until it settles (it never rejects). */
  #inFlight(settled: Promise<void>): void {
    this.#flights.push(settled);
    void settled.then(() => this.#flights.splice(this.#flights.indexOf(settled), 1));
  }

  /** Settles once every request made so far (or on its way, within a turn) is answered. */
  async settled(): Promise<void> {
    do {
      await (this.#flights[0] ?? new Promise((resolve) => setImmediate(resolve)));
    } while (this.#queue.length > 0 || this.#flights.length > 0);
  }

  /** Projects what was written, then answers each request. Never throws. */
  async #answer(written: readonly { request: Request; stored: StoredEvent[] }[]): Promise<void> {
    let projectionError: unknown;
    if (written.length > 0) {
      try {
        await this.afterWrite();
      } catch (error) {
        projectionError = error;
      }
    }
    for (const { request, stored } of written) {
      if (projectionError !== undefined) request.reject(projectionError);
      else request.resolve(stored);
    }
  }

  /** Writes as many requests of the group as can be written; refuses the others. */
  async #writeGroup(group: readonly Request[]): Promise<{ request: Request; stored: StoredEvent[] }[]> {
    let pending = [...group];
    while (pending.length > 0) {
      const offsets: number[] = [];
      let offset = 0;
      for (const r of pending) {
        offsets.push(offset);
        offset += r.events.length;
      }
      try {
        const stored = await this.write(pending.flatMap((r) => r.events));
        return pending.map((request, k) => ({ request, stored: stored.slice(offsets[k], offsets[k]! + request.events.length) }));
      } catch (error) {
        // The log could not confirm a write it made: retrying would write it twice.
        if (pending.length === 1 || isVigilError(error, 'LOG_UNAVAILABLE')) {
          for (const request of pending) request.reject(error);
          return [];
        }
        const conflicts = isVigilError(error, 'DEDUPE_CONFLICT') ? ((error.details?.conflicts ?? []) as { index: number }[]) : [];
        if (conflicts.length === 0) {
          // Not attributable from here: each request alone gets its own answer.
          const written: { request: Request; stored: StoredEvent[] }[] = [];
          for (const request of pending) written.push(...(await this.#writeGroup([request])));
          return written;
        }
        // Refuse every request with a conflict, naming its own indexes; write the rest.
        const refused = new Set<number>();
        for (const conflict of conflicts) {
          const k = offsets.findLastIndex((o) => o <= conflict.index);
          if (k >= 0) refused.add(k);
        }
        pending.forEach((request, k) => {
          if (!refused.has(k)) return;
          const own = conflicts.filter((c) => c.index >= offsets[k]! && c.index < offsets[k]! + request.events.length).map((c) => ({ ...c, index: c.index - offsets[k]! }));
          request.reject(new VigilError('DEDUPE_CONFLICT', `dedupe key of event ${own[0]?.index ?? 0} is already used for different content`, { conflicts: own }));
        });
        pending = pending.filter((_, k) => !refused.has(k));
      }
    }
    return [];
  }
}
