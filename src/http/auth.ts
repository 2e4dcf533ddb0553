/**
 * Who is asking, and may they: every route declares its action (`config.access`), and this one
 * hook resolves the principal (API token, or session cookie), checks the CSRF header of
 * cookie-authenticated changes and asks the permission matrix. A refusal to a known principal
 * is an event.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { may, type Action, type Principal } from '../app/access.js';
import type { Accounts, Session } from '../app/accounts.js';
import type { Store } from '../app/store.js';
import { VigilError, isVigilError } from '../core/errors.js';

/** The session cookie's name. */
export const SESSION_COOKIE = 'vigil_session';

/** What a route requires: an action of the permission matrix, any principal, or nothing. */
export type Access = Action | 'signed-in' | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal?: Principal;
    /** Set when the principal came from a session cookie. */
    session?: Session;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Appends `access.refused`: who was refused what. */
export async function recordRefusal(store: Store, principal: Principal, action: string, request: FastifyRequest): Promise<void> {
  await store.append([
    {
      type: 'access.refused',
      stream: 'system',
      actor: principal.id,
      data: { action, method: request.method, route: request.routeOptions.url ?? '' },
    },
  ]);
}

/**
 * Runs `action`; when a rule of its own (beyond the matrix) refuses the principal with
 * FORBIDDEN, the refusal is recorded like any other, then passed on.
 */
export async function refusalsRecorded<T>(store: Store, request: FastifyRequest, action: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isVigilError(error, 'FORBIDDEN') && request.principal !== undefined) await recordRefusal(store, request.principal, action, request);
    throw error;
  }
}

/** Refuses (and records the refusal) unless the request's principal may take `action`. */
export async function demand(store: Store, request: FastifyRequest, action: Action): Promise<Principal> {
  const principal = request.principal;
  if (principal === undefined) throw new VigilError('AUTH_REQUIRED', 'sign in, or send an API token as "Authorization: Bearer <token>"');
  if (!may(principal, action)) {
    await recordRefusal(store, principal, action, request);
    throw new VigilError('FORBIDDEN', `your roles (${principal.roles.join(', ')}) do not allow ${action}`);
  }
  return principal;
}

/** Installs the hook that authenticates every request and enforces each route's `access`. */
export function installAuth(app: FastifyInstance, store: Store, accounts: Accounts): void {
  app.addHook('preValidation', async (request) => {
    const header = request.headers.authorization;
    if (typeof header === 'string' && header.startsWith('Bearer ')) {
      const principal = await accounts.authenticateToken(header.slice('Bearer '.length));
      if (principal === undefined) throw new VigilError('AUTH_REQUIRED', 'the API token is not valid (unknown, revoked or malformed)');
      request.principal = principal;
    } else {
      const secret = request.cookies[SESSION_COOKIE];
      if (secret !== undefined && secret !== '') {
        const session = await accounts.authenticateSession(secret);
        if (session !== undefined) {
          request.session = session;
          request.principal = session.principal;
        }
      }
    }

    const access = request.routeOptions.config.access ?? 'signed-in';
    if (access === 'public') return;
    if (request.principal === undefined) throw new VigilError('AUTH_REQUIRED', 'sign in, or send an API token as "Authorization: Bearer <token>"');
    if (request.session !== undefined && !SAFE_METHODS.has(request.method)) {
      const csrf = request.headers['x-csrf-token'];
      if (typeof csrf !== 'string' || !sameSecret(csrf, request.session.csrfToken)) {
        throw new VigilError('CSRF', 'a change made with a session cookie needs the X-CSRF-Token header from sign-in');
      }
    }
    if (access !== 'signed-in') await demand(store, request, access);
  });
}
