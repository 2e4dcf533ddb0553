/**
 * The SQLite schema, as numbered migrations. `schema_migrations` records which ran; a new
 * version is appended here, never edited in place once released.
 */

/** One schema step. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** The SQLite migrations in order. */
export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'event log',
    sql: `
      -- One row per event, exactly the members of the spec; data is its canonical JSON text,
      -- kept as text so the bytes that were hashed are the bytes that are stored.
      CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        at TEXT NOT NULL,
        type TEXT NOT NULL,
        stream TEXT NOT NULL,
        actor TEXT NOT NULL,
        data TEXT NOT NULL,
        prev TEXT NOT NULL,
        hash TEXT NOT NULL
      ) STRICT;
      CREATE INDEX events_by_stream ON events (stream, seq);
      CREATE INDEX events_checkpoints ON events (seq) WHERE type = 'log.checkpoint';

      -- Events are never updated or deleted (spec section 5). The triggers stop accidents;
      -- verification, not the triggers, is what catches deliberate tampering.
      CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
      CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

      -- Idempotent appends: the key an event was written under and its content fingerprint.
      CREATE TABLE event_dedupe (
        key TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        seq INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;

      -- Public halves of the keys that signed checkpoints, for exports and verification.
      CREATE TABLE signing_keys (
        key_id TEXT PRIMARY KEY,
        public_key TEXT NOT NULL,
        first_used TEXT NOT NULL
      ) STRICT;
    `,
  },
];
