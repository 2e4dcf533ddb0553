/**
 * Need-to-know on what leaves the system: a warning email, a webhook or a daily briefing names
 * only the reports its recipient may see. A person linked to an enabled Vigil user reads with
 * that user's clearance and compartments; anyone else (a person with only an address, or whose
 * user is disabled or unknown) with the lowest marking and no compartments.
 */
import { migrateAccounts } from '../app/accounts-schema.js';
import type { Reader } from '../app/need-to-know.js';
import type { Store } from '../app/store.js';
import { CLEARANCES, type Clearance } from '../app/access.js';
import type { Contact } from './organisation-store.js';

/** The reader of no user: the lowest marking only. */
export const UNCLEARED: Reader = { clearance: CLEARANCES[0], compartments: [] };

/** Stores whose account tables are known to exist. */
const withAccounts = new WeakSet<Store>();

/** The clearance a message to `contact` is written for. */
export async function recipientReader(store: Store, contact: Contact): Promise<Reader> {
  if (contact.user === undefined) return UNCLEARED;
  if (!withAccounts.has(store)) {
    await migrateAccounts(store.db);
    withAccounts.add(store);
  }
  const rows = await store.db.all<{ clearance: string; compartments: string; disabled: number }>(
    'SELECT clearance, compartments, disabled FROM auth_users WHERE username = ?',
    [contact.user],
  );
  const user = rows[0];
  if (user === undefined || Number(user.disabled) === 1) return UNCLEARED;
  return { clearance: user.clearance as Clearance, compartments: JSON.parse(user.compartments) as string[] };
}

/** What a message says in place of the reports it withholds. */
export function withheldText(count: number): string {
  return count === 1 ? 'One more report, beyond your clearance, is not named' : `${count} more reports, beyond your clearance, are not named`;
}
