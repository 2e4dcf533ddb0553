/**
 * The events of accounts, all in the `system` stream. They carry ids, never passwords, hashes,
 * secrets or CSRF tokens: a session is named by its id, not by the cookie's secret. Only a
 * refused sign-in names a user name, as no user id may exist for it.
 */
import { SYSTEM } from '../log/event.js';
import type { Clearance, Role } from './access.js';
import type { Store } from './store.js';

/** The actor of events no principal caused: a refused sign-in. */
export const ANONYMOUS = 'anonymous';

/** A type, not an interface: event data must be assignable to a plain JSON record. */
type GrantData = {
  readonly roles: readonly Role[];
  readonly clearance: Clearance;
  readonly compartments: readonly string[];
};

export type AccountEvent =
  | {
      readonly type: 'user.created';
      readonly data: GrantData & { readonly user: string; readonly username: string };
    }
  /** The user can no longer sign in; every session of theirs ended with it. */
  | { readonly type: 'user.disabled'; readonly data: { readonly user: string } }
  /** A new password; every session of the user ended with it, and its sign-in lockout. */
  | { readonly type: 'user.password-reset'; readonly data: { readonly user: string } }
  | {
      readonly type: 'token.created';
      readonly data: GrantData & { readonly token: string; readonly name: string };
    }
  | { readonly type: 'token.revoked'; readonly data: { readonly token: string } }
  /** Requests authenticated with the token since its previous `token.used` (of this process). */
  | { readonly type: 'token.used'; readonly data: { readonly token: string; readonly requests: number } }
  | { readonly type: 'session.started'; readonly data: { readonly user: string; readonly session: string } }
  | {
      readonly type: 'session.ended';
      readonly data: {
        readonly user: string;
        readonly session: string;
        readonly reason: 'signed-out' | 'expired';
      };
    }
  | {
      readonly type: 'session.refused';
      readonly data: {
        readonly username: string;
        readonly reason: 'bad-credentials' | 'locked' | 'disabled';
      };
    };

/** Appends account events caused by `actor`, as one batch. */
export async function appendAccountEvents(
  store: Pick<Store, 'append'>,
  actor: string,
  events: readonly AccountEvent[],
): Promise<void> {
  if (events.length === 0) return;
  await store.append(events.map((event) => ({ type: event.type, stream: SYSTEM, actor, data: event.data })));
}
