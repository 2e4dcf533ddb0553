/** What the routes share: the store, the accounts, the metrics, the live feed and the settings. */
import type { FastifyInstance, RawServerDefault } from 'fastify';
import type { FastifyBaseLogger } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../app/access.js';
import type { Accounts } from '../app/accounts.js';
import type { Store } from '../app/store.js';
import type { LiveFeed } from './live.js';
import type { Metrics } from './metrics.js';
import type { WarningEngine } from '../warn/engine.js';

export interface ServerContext {
  readonly store: Store;
  readonly accounts: Accounts;
  readonly metrics: Metrics;
  readonly live: LiveFeed;
  readonly warnings: WarningEngine;
  /** The server clock (ms since the epoch). */
  readonly now: () => number;
  /** Records that `principal` read these marked reports (one `report.read` event; none for an empty list). */
  readonly recordReads: (principal: Principal, via: string, reads: readonly { problem: string; report: string }[]) => Promise<void>;
}

/** The Fastify instance with zod schemas as its type provider. */
export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;
