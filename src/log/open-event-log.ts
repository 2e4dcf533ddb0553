/**
 * Opening the configured log: PostgreSQL when a database URL is given, else SQLite in the data
 * directory; checkpoints signed with the key file, created on first start.
 */
import type { CheckpointPolicy } from './checkpoint.js';
import type { EventLog } from './event-log.js';
import { openPostgresEventLog } from './postgres-event-log.js';
import { defaultSigningKeyPath, loadOrCreateSigningKey } from './signing-key.js';
import type { SigningKey } from './signing-key.js';
import { openSqliteEventLog } from './sqlite-event-log.js';

/** Where the log and its key are (`--data DIR`, `VIGIL_DATABASE_URL`). */
export interface LogConfig {
  /** The data directory: the SQLite file and, by default, the signing key. */
  readonly dataDir: string;
  /** `postgres://...`: use PostgreSQL instead of SQLite. */
  readonly databaseUrl?: string;
  /** PostgreSQL schema, default `vigil`. */
  readonly schema?: string;
  /** The signing key file, default `<dataDir>/signing-key.pem`. */
  readonly signingKeyPath?: string;
  readonly clock?: () => Date;
  readonly checkpointPolicy?: CheckpointPolicy;
}

/**
 * Loads (or creates) the signing key and opens the log it signs. Resolves to both, so the
 * caller can print the public key (`vigil keys`). Errors of either step pass through.
 */
export async function openEventLog(config: LogConfig): Promise<{ log: EventLog; signingKey: SigningKey }> {
  const signingKey = await loadOrCreateSigningKey(
    config.signingKeyPath ?? defaultSigningKeyPath(config.dataDir),
  );
  const common = { signingKey, clock: config.clock, checkpointPolicy: config.checkpointPolicy };
  const log =
    config.databaseUrl === undefined || config.databaseUrl === ''
      ? await openSqliteEventLog({ ...common, dataDir: config.dataDir })
      : await openPostgresEventLog({
          ...common,
          connectionString: config.databaseUrl,
          schema: config.schema,
        });
  return { log, signingKey };
}
