/**
 * What the HTTP tests share: an app over a fresh store (SQLite, or PostgreSQL through the
 * store fixtures), with the tiny test problem and one user and one API token per role, and
 * helpers to call it through `inject` as any of them.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Clearance, Role } from '../../src/app/access.js';
import { ROLES } from '../../src/app/access.js';
import { Accounts } from '../../src/app/accounts.js';
import { Store } from '../../src/app/store.js';
import { buildApp, type AppOptions } from '../../src/http/app.js';
import type { App, ServerContext } from '../../src/http/context.js';
import { fakeClock, STORES, type StoreFixture } from '../app/stores.js';

/** The problem every HTTP test starts with (id `tiny`). */
export const TINY_PROBLEM = parseYaml(readFileSync(new URL('../fixtures/tiny-problem.yaml', import.meta.url), 'utf8')) as Record<string, unknown> & {
  id: string;
  indicators: { id: string }[];
};

/** A password every fixture user has. */
export const PASSWORD = 'correct horse battery staple';

/** How a request authenticates: a user's cookie session (with its CSRF token) or a token. */
export interface Caller {
  readonly role: Role | 'anonymous';
  readonly headers: Record<string, string>;
  /** The CSRF token of a cookie session (undefined for tokens). */
  readonly csrf?: string;
  readonly cookie?: string;
}

export interface TestServer {
  readonly app: App;
  /** What the routes share, among it the warning engine (`context.warnings.idle()`). */
  readonly context: ServerContext;
  readonly store: Store;
  readonly accounts: Accounts;
  readonly clock: { now: () => Date; set(ms: number): void };
  /** A signed-in user per role (cleared SECRET, no compartments), by role. */
  readonly users: Record<Role, Caller>;
  /** An API token per role (cleared SECRET), by role. */
  readonly tokens: Record<Role, Caller>;
  /** Signs in a new user with these roles, clearance and compartments. */
  userWith(name: string, roles: Role[], clearance: Clearance, compartments?: string[]): Promise<Caller>;
  /** A token with these roles, clearance and compartments. */
  tokenWith(name: string, roles: Role[], clearance: Clearance, compartments?: string[]): Promise<Caller>;
  /** The log head seq. */
  head(): Promise<number>;
  close(): Promise<void>;
}

/** The epoch the fake clock starts at: after the tiny reports, so they can be posted live. */
export const START = Date.parse('2023-10-07T06:00:00Z');

export const SQLITE: StoreFixture = STORES[0]!;

/**
 * Builds an app over a fresh store of `fixture` (default SQLite) with the tiny problem defined
 * and one user and token per role. The clock is fake, starting at START.
 */
export async function startTestServer(fixture: StoreFixture = SQLITE, options: Partial<AppOptions> = {}): Promise<TestServer> {
  const fresh = await fixture.fresh();
  const clock = fakeClock(START);
  const store = await Store.open({ ...fresh.options, clock: clock.now });
  const accounts = await Accounts.open(store, { clock: clock.now });
  const { app, context } = await buildApp({ store, accounts, clock: clock.now, logger: false, ...options });
  await store.defineProblem(TINY_PROBLEM, 'test');

  const signIn = async (username: string): Promise<Caller & { role: Role }> => {
    const response = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password: PASSWORD } });
    if (response.statusCode !== 200) throw new Error(`sign-in of ${username} failed: ${response.body}`);
    const cookie = response.cookies.find((c) => c.name === 'vigil_session');
    const csrf = (response.json() as { csrfToken: string }).csrfToken;
    const cookieHeader = `vigil_session=${cookie!.value}`;
    return { role: 'viewer', headers: { cookie: cookieHeader, 'x-csrf-token': csrf }, csrf, cookie: cookieHeader };
  };
  const userWith = async (name: string, roles: Role[], clearance: Clearance, compartments: string[] = []) => {
    await accounts.createUser({ username: name, password: PASSWORD, roles, clearance, compartments }, 'test');
    return { ...(await signIn(name)), role: roles[0]! };
  };
  const tokenWith = async (name: string, roles: Role[], clearance: Clearance, compartments: string[] = []): Promise<Caller> => {
    const { secret } = await accounts.createToken({ name, roles, clearance, compartments }, 'test');
    return { role: roles[0]!, headers: { authorization: `Bearer ${secret}` } };
  };

  const users = {} as Record<Role, Caller>;
  const tokens = {} as Record<Role, Caller>;
  for (const role of ROLES) {
    users[role] = await userWith(`user-${role}`, [role], 'SECRET');
    tokens[role] = await tokenWith(`token-${role}`, [role], 'SECRET');
  }

  return {
    app,
    context,
    store,
    accounts,
    clock,
    users,
    tokens,
    userWith,
    tokenWith,
    head: async () => (await store.log.head())?.seq ?? 0,
    async close() {
      await app.close();
      await store.close();
      await fresh.dispose();
    },
  };
}

/** A live report of the tiny problem on its first indicator, observed `minutesAgo` before now. */
export function tinyReport(id: string, server: Pick<TestServer, 'clock'>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const at = new Date(server.clock.now().getTime() - 60_000).toISOString();
  return { id, indicator: TINY_PROBLEM.indicators[0]!.id, observed: 'present', at, source: `src-${id}`, reliability: 'B', credibility: '2', ...extra };
}
