/**
 * Several servers starting at once on one store: each creates or finds the projection and
 * account tables (PostgreSQL: under the migration lock; SQLite: one writer at a time).
 */
import { describe, expect, it } from 'vitest';
import { Accounts } from '../../src/app/accounts.js';
import { Store } from '../../src/app/store.js';
import { openPostgresEventLog } from '../../src/log/postgres-event-log.js';
import { announceUnavailable, STORES } from './stores.js';

for (const fixture of STORES) {
  announceUnavailable(fixture);
  describe.skipIf(fixture.unavailable !== undefined)(`servers starting at once (${fixture.name})`, () => {
    it('both open the store and its accounts on an empty database, trial after trial', async () => {
      const failures: string[] = [];
      for (let trial = 0; trial < 6; trial++) {
        const fresh = await fixture.fresh();
        const open = async (): Promise<void> => {
          const store = await Store.open(fresh.options);
          try {
            await Accounts.open(store);
          } finally {
            await store.close();
          }
        };
        const results = await Promise.allSettled([open(), open(), open()]);
        for (const r of results) if (r.status === 'rejected') failures.push(`trial ${trial}: ${(r.reason as Error).message}`);
        await fresh.dispose();
      }
      expect(failures).toEqual([]);
    });

    it('both create the projection tables when the log is already there', async () => {
      const failures: string[] = [];
      for (let trial = 0; trial < 6; trial++) {
        const fresh = await fixture.fresh();
        const { databaseUrl, schema } = fresh.options;
        if (databaseUrl !== undefined) await (await openPostgresEventLog({ connectionString: databaseUrl, schema: schema! })).close();
        const results = await Promise.allSettled([0, 1, 2].map(async () => (await Store.open(fresh.options)).close()));
        for (const r of results) if (r.status === 'rejected') failures.push(`trial ${trial}: ${(r.reason as Error).message}`);
        await fresh.dispose();
      }
      expect(failures).toEqual([]);
    });

    it('keeps what one server projected when another opens the store after it', async () => {
      const fresh = await fixture.fresh();
      const a = await Store.open(fresh.options);
      try {
        await a.append([{ type: 'test.noted', stream: 's', actor: 'a', data: {} }]);
        const b = await Store.open(fresh.options);
        expect(b.projector.cursor).toBe(a.projector.cursor);
        expect(await b.projector.storedCursor()).toBe(a.projector.cursor);
        await b.close();
      } finally {
        await a.close();
        await fresh.dispose();
      }
    });
  });
}
