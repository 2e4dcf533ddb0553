/**
 * Loading and reading the organisation: the document without contacts goes into the log
 * (`organisation.defined`), names and contact details into the `org_contacts` table beside it
 * (personal data stays out of the log, so it can be erased).
 */
import { VigilError } from '../core/errors.js';
import { formatIssue } from '../core/issues.js';
import type { Store } from '../app/store.js';
import { ORGANISATION_DEFINED } from '../app/warning-events.js';
import { validateOrganisation, withoutContacts, type Organisation } from './organisation.js';

/** A person's name and contact details. */
export interface Contact {
  readonly person: string;
  readonly name: string;
  readonly user?: string;
  readonly email?: string;
  readonly webhook?: string;
}

const EMPTY: Organisation = { people: [], roles: [], absences: [], policies: [] };

/** Stores whose contacts table is known to exist (created once per store, not per read). */
const withContactsTable = new WeakSet<Store>();

async function ensureContactsTable(store: Store): Promise<void> {
  if (withContactsTable.has(store)) return;
  await store.db.run(
    'CREATE TABLE IF NOT EXISTS org_contacts (person TEXT PRIMARY KEY, name TEXT NOT NULL, username TEXT, email TEXT, webhook TEXT)',
  );
  withContactsTable.add(store);
}

type ContactRow = { person: string; name: string; username: string | null; email: string | null; webhook: string | null };

function toContact(row: ContactRow): Contact {
  return {
    person: row.person,
    name: row.name,
    ...(row.username !== null ? { user: row.username } : {}),
    ...(row.email !== null ? { email: row.email } : {}),
    ...(row.webhook !== null ? { webhook: row.webhook } : {}),
  };
}

/**
 * Validates and stores an organisation document (replacing the previous one). Throws VigilError
 * REQUEST_INVALID with every issue (each with its JSON Pointer).
 */
export async function loadOrganisation(store: Store, input: unknown, actor: string): Promise<{ seq: number; organisation: Organisation }> {
  const result = validateOrganisation(input);
  if (!result.ok) {
    const [first] = result.issues;
    throw new VigilError('REQUEST_INVALID', result.issues.map(formatIssue).join('; '), {
      issues: result.issues,
      ...(result.issues.length === 1 && first !== undefined ? { path: first.path } : {}),
    });
  }
  const organisation = withoutContacts(result.value);
  await ensureContactsTable(store);
  await store.db.transaction(async (tx) => {
    await tx.run('DELETE FROM org_contacts');
    await tx.insertMany(
      'org_contacts (person, name, username, email, webhook)',
      result.value.people.map((p) => [p.id, p.name, p.user ?? null, p.email ?? null, p.webhook ?? null]),
    );
  });
  const [event] = await store.append([{ type: ORGANISATION_DEFINED, stream: 'system', actor, data: { organisation: organisation as unknown as Record<string, unknown> } }]);
  return { seq: event!.seq, organisation };
}

/** The organisation in force (the latest loaded), or an empty one. */
export async function currentOrganisation(store: Store): Promise<{ seq: number; organisation: Organisation }> {
  const rows = await store.db.all<{ seq: number; body: string }>('SELECT seq, body FROM warn_organisation ORDER BY seq DESC LIMIT 1');
  const row = rows[0];
  return row === undefined ? { seq: 0, organisation: EMPTY } : { seq: Number(row.seq), organisation: JSON.parse(row.body) as Organisation };
}

/** A person's contact details, if stored. */
export async function contactOf(store: Store, person: string): Promise<Contact | undefined> {
  await ensureContactsTable(store);
  const rows = await store.db.all<ContactRow>('SELECT person, name, username, email, webhook FROM org_contacts WHERE person = ?', [person]);
  return rows[0] === undefined ? undefined : toContact(rows[0]);
}

/** Every contact (for the administrators' view of the organisation). */
export async function contacts(store: Store): Promise<Contact[]> {
  await ensureContactsTable(store);
  const rows = await store.db.all<ContactRow>('SELECT person, name, username, email, webhook FROM org_contacts ORDER BY person');
  return rows.map(toContact);
}
