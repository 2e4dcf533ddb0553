/**
 * Durability of SQLite commits without blocking the event loop.
 *
 * The log's connection commits with `synchronous = NORMAL`: a commit writes its frames to the
 * `-wal` file and returns without waiting for the disk. `WalSync.sync()` then makes them
 * durable with an `fdatasync` of that file, which runs on libuv's thread pool while the event
 * loop goes on with other requests; an append is answered only after the sync that followed
 * its commit. One sync covers every commit made before it started, so commits arriving while
 * one is under way share the next (group commit at the disk). What this gives is what
 * `synchronous = FULL` gives (the WAL is on disk before the append is acknowledged), for one
 * disk flush per burst instead of one per transaction, and none of it on the main thread.
 *
 * Checkpoints (copying the WAL back into the database file, with its own flushes) are taken
 * off the main thread too: `WalCheckpointer` runs them from a worker thread with its own
 * connection, once the WAL has grown past a few megabytes. Under steady writing such a
 * checkpoint never quite catches up, and SQLite starts the WAL over only after one that did:
 * so when the worker reports that little is left, the log finishes the job on its own
 * connection between two appends (a few pages), and the next commit starts the WAL over.
 */
import { fstatSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * SQLite's own automatic checkpoint on the connections that write, in pages: kept only as a
 * backstop (the checkpointer normally keeps the WAL far smaller), so that the WAL stays bounded
 * even where no checkpointer runs.
 */
export const BACKSTOP_CHECKPOINT_PAGES = 25_000;

/** WAL size past which a log starts its checkpointer thread. */
export const CHECKPOINTER_AFTER_BYTES = 4 * 1024 * 1024;

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Flushes a file's data to disk; injectable so tests can watch the order of things. */
export type Flush = (file: FileHandle) => Promise<void>;

const datasync: Flush = (file) => file.datasync();

/** Coalesced `fdatasync` of one file: every caller is answered by a flush that began after its call. */
export class WalSync {
  #file: FileHandle | undefined;
  /** Callers whose commits the next flush must cover. */
  #waiting: Waiter[] = [];
  #flushing: Promise<void> | undefined;

  constructor(
    private readonly path: string,
    private readonly flush: Flush = datasync,
  ) {}


  /** Resolves once everything written to the file before this call is on disk. */
  sync(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.#flushing ??= this.#drain();
    });
  }

  /** The file's size in bytes, or 0 before the first sync opened it. */
  size(): number {
    return this.#file === undefined ? 0 : fstatSync(this.#file.fd).size;
  }

  async #drain(): Promise<void> {
    // Never settles within the call that starts it (a flush that throws at once would
    // otherwise clear #flushing before sync() stores this promise there).
    await null;
    try {
      while (this.#waiting.length > 0) {
        const covered = this.#waiting.splice(0);
        try {
          // Opened for writing: some systems flush only files opened so.
          this.#file ??= await open(this.path, 'r+');
          await this.flush(this.#file);
          for (const w of covered) w.resolve();
        } catch (error) {
          for (const w of covered) w.reject(error);
        }
      }
    } finally {
      this.#flushing = undefined;
    }
  }

  /** Waits for a flush under way, then lets the file go. */
  async close(): Promise<void> {
    await this.#flushing;
    await this.#file?.close();
    this.#file = undefined;
  }
}

/** What a checkpoint found: frames in the WAL, and how many of them are in the database file. */
export interface CheckpointProgress {
  readonly log: number;
  readonly checkpointed: number;
}

/**
 * A worker thread that checkpoints the WAL of one SQLite database (PASSIVE: it never blocks a
 * writer or a reader) every `everyMs`, with a connection of its own, so that the copying and the
 * flushes of the database file stay off the main thread. `onProgress` hears each result.
 */
export class WalCheckpointer {
  readonly #worker: Worker;
  readonly #exited: Promise<void>;

  #closing = false;

  /** `onDied`: the thread ended without being closed (the owner may start another). */
  constructor(databasePath: string, onProgress: (progress: CheckpointProgress) => void, onDied: () => void = () => undefined, everyMs = 250) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path: databasePath, everyMs } });
    this.#worker.on('message', (progress: CheckpointProgress) => onProgress(progress));
    // Checkpoints are housekeeping: a failed one is retried at the next tick, and SQLite's own
    // automatic checkpoint (kept as a backstop on the writing connections) still bounds the WAL.
    this.#worker.on('error', () => undefined);
    this.#worker.unref();
    this.#exited = new Promise((resolve) =>
      this.#worker.once('exit', () => {
        if (!this.#closing) onDied();
        resolve();
      }),
    );
  }

  /** Stops the timer, closes the worker's connection and waits for the thread to end. */
  async close(): Promise<void> {
    this.#closing = true;
    // Unreferenced so it never keeps a process alive; while being waited for, it must.
    this.#worker.ref();
    this.#worker.postMessage('close');
    await this.#exited;
  }
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { timeout: 10000 });
const timer = setInterval(() => {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    if (result !== undefined && result.log > 0) parentPort.postMessage({ log: result.log, checkpointed: result.checkpointed });
  } catch { /* busy or closing: the next tick tries again */ }
}, workerData.everyMs);
parentPort.on('message', (message) => {
  if (message !== 'close') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;
