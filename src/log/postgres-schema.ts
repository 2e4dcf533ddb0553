/**
 * The PostgreSQL schema, as numbered migrations in a named schema. `schema_migrations`
 * records which ran; a new version is appended here, never edited in place once released.
 */
import type { Migration } from './sqlite-schema.js';

/** The PostgreSQL migrations in order, for the tables of schema `s` (a checked identifier). */
export function postgresMigrations(s: string): readonly Migration[] {
  return [
    {
      version: 1,
      name: 'event log',
      sql: `
        -- One row per event, exactly the members of the spec. data is text, not jsonb: jsonb
        -- would re-encode it, and the bytes that were hashed must be the bytes that are kept.
        CREATE TABLE ${s}.events (
          seq bigint PRIMARY KEY,
          id text NOT NULL UNIQUE,
          at text NOT NULL,
          type text NOT NULL,
          stream text NOT NULL,
          actor text NOT NULL,
          data text NOT NULL,
          prev text NOT NULL,
          hash text NOT NULL
        );
        CREATE INDEX events_by_stream ON ${s}.events (stream, seq);
        CREATE INDEX events_checkpoints ON ${s}.events (seq) WHERE type = 'log.checkpoint';

        -- Events are never updated or deleted (spec section 5). The trigger stops accidents;
        -- verification, not the trigger, is what catches deliberate tampering.
        CREATE FUNCTION ${s}.events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'events are append-only'; END $$;
        CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ${s}.events
          FOR EACH STATEMENT EXECUTE FUNCTION ${s}.events_append_only();

        -- The row every append locks first: appends serialize on it.
        CREATE TABLE ${s}.log_lock (id integer PRIMARY KEY CHECK (id = 1));
        INSERT INTO ${s}.log_lock (id) VALUES (1);

        -- Idempotent appends: the key an event was written under and its content fingerprint.
        CREATE TABLE ${s}.event_dedupe (
          key text PRIMARY KEY,
          fingerprint text NOT NULL,
          seq bigint NOT NULL
        );

        -- Public halves of the keys that signed checkpoints, for exports and verification.
        CREATE TABLE ${s}.signing_keys (
          key_id text PRIMARY KEY,
          public_key text NOT NULL,
          first_used timestamptz NOT NULL
        );
      `,
    },
  ];
}
