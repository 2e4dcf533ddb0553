/** Where a command finds the store: `--data DIR` (SQLite), or VIGIL_DATABASE_URL (PostgreSQL). */
import type { StoreOptions } from '../app/store.js';

/** The option every store command takes. */
export const DATA_OPTION = { data: { type: 'string' } } as const;

/** The help text lines for the store options. */
export const DATA_HELP = `  --data DIR       the data directory (default ./data): the SQLite store and the signing key
                   (with VIGIL_DATABASE_URL=postgres://... the store is PostgreSQL; the key stays here)`;

/** Store options from `--data` and the environment. */
export function storeOptions(values: { data?: string | boolean | string[] | undefined }): StoreOptions {
  const dataDir = typeof values.data === 'string' && values.data !== '' ? values.data : (process.env.VIGIL_DATA ?? 'data');
  const databaseUrl = process.env.VIGIL_DATABASE_URL;
  return {
    dataDir,
    ...(databaseUrl !== undefined && databaseUrl !== '' ? { databaseUrl } : {}),
    ...(process.env.VIGIL_DATABASE_SCHEMA ? { schema: process.env.VIGIL_DATABASE_SCHEMA } : {}),
    ...(process.env.VIGIL_SIGNING_KEY ? { signingKeyPath: process.env.VIGIL_SIGNING_KEY } : {}),
  };
}
