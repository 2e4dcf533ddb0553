/** Sign-in and sign-out, users and API tokens. */
import { isVigilError } from '../../core/errors.js';
import { SESSION_COOKIE, refusalsRecorded } from '../auth.js';
import type { App, ServerContext } from '../context.js';
import { authHeaders, newTokenBody, newUserBody, passwordBody, signInBody, tokenIdParams, usernameParams } from '../schemas.js';

export interface SessionSettings {
  /** Mark the cookie Secure (the server is behind TLS). Default: when the request came over https. */
  readonly secureCookies?: boolean;
  /** Sign-in attempts per client address per minute. */
  readonly signInPerMinute: number;
}

export function accountRoutes(app: App, ctx: ServerContext, settings: SessionSettings): void {
  const { accounts, store } = ctx;

  app.post(
    '/api/v1/session',
    {
      config: { access: 'public', rateLimit: { max: settings.signInPerMinute, timeWindow: 60_000 } },
      schema: { tags: ['identity'], summary: 'Sign in: sets the session cookie, answers the user and the CSRF token', body: signInBody, security: [] },
    },
    async (request, reply) => {
      try {
        const { session, secret } = await accounts.signIn(request.body.username, request.body.password);
        ctx.metrics.signIns.inc({ outcome: 'ok' });
        const secure = settings.secureCookies ?? request.protocol === 'https';
        void reply.setCookie(SESSION_COOKIE, secret, {
          httpOnly: true,
          sameSite: 'strict',
          secure,
          path: '/',
          expires: new Date(session.expiresAt),
        });
        return { user: session.principal, csrfToken: session.csrfToken, expiresAt: new Date(session.expiresAt).toISOString() };
      } catch (error) {
        ctx.metrics.signIns.inc({ outcome: isVigilError(error, 'SIGN_IN_LOCKED') ? 'locked' : 'refused' });
        throw error;
      }
    },
  );

  app.get(
    '/api/v1/session',
    { config: { access: 'signed-in' }, schema: { tags: ['identity'], summary: 'Who am I: the principal, and the CSRF token of a cookie session', headers: authHeaders } },
    async (request) => ({
      user: request.principal,
      ...(request.session !== undefined ? { csrfToken: request.session.csrfToken, expiresAt: new Date(request.session.expiresAt).toISOString() } : {}),
    }),
  );

  app.delete(
    '/api/v1/session',
    { config: { access: 'signed-in' }, schema: { tags: ['identity'], summary: 'Sign out', headers: authHeaders } },
    async (request, reply) => {
      const secret = request.cookies[SESSION_COOKIE];
      if (request.session !== undefined && secret !== undefined) await accounts.signOut(secret);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/v1/users',
    { config: { access: 'user.manage' }, schema: { tags: ['identity'], summary: 'Create a user (clearance and compartments at most your own)', headers: authHeaders, body: newUserBody } },
    async (request, reply) => {
      // The admin grants no more than it holds (Accounts refuses with FORBIDDEN, recorded).
      const user = await refusalsRecorded(store, request, 'user.create', () =>
        accounts.createUser(
          {
            username: request.body.username,
            password: request.body.password,
            roles: request.body.roles,
            ...(request.body.clearance !== undefined ? { clearance: request.body.clearance } : {}),
            ...(request.body.compartments !== undefined ? { compartments: request.body.compartments } : {}),
          },
          request.principal!,
        ),
      );
      return reply.status(201).send({ user });
    },
  );

  app.get('/api/v1/users', { config: { access: 'user.manage' }, schema: { tags: ['identity'], summary: 'List users', headers: authHeaders } }, async () => ({
    users: await accounts.listUsers(),
  }));

  app.post(
    '/api/v1/users/:username/disable',
    { config: { access: 'user.manage' }, schema: { tags: ['identity'], summary: 'Disable a user (ends their sessions)', headers: authHeaders, params: usernameParams } },
    async (request) => ({ user: await accounts.disableUser(request.params.username, request.principal!) }),
  );

  app.post(
    '/api/v1/users/:username/password',
    {
      config: { access: 'user.manage' },
      schema: { tags: ['identity'], summary: 'Reset a password (generated and shown once when none is given); not of a user cleared beyond you', headers: authHeaders, params: usernameParams, body: passwordBody },
    },
    async (request) => {
      // Not of a user cleared beyond the admin: whoever sets the password can sign in as them.
      const result = await refusalsRecorded(store, request, 'user.password-reset', () =>
        accounts.resetPassword(request.params.username, request.body.password, request.principal!),
      );
      return { user: result.user, ...(result.generated ? { password: result.password } : {}) };
    },
  );

  app.post(
    '/api/v1/tokens',
    { config: { access: 'token.manage' }, schema: { tags: ['identity'], summary: 'Create an API token (clearance and compartments at most your own); the secret is answered once', headers: authHeaders, body: newTokenBody } },
    async (request, reply) => {
      const { token, secret } = await refusalsRecorded(store, request, 'token.create', () =>
        accounts.createToken(
          {
            name: request.body.name,
            roles: request.body.roles,
            ...(request.body.clearance !== undefined ? { clearance: request.body.clearance } : {}),
            ...(request.body.compartments !== undefined ? { compartments: request.body.compartments } : {}),
          },
          request.principal!,
        ),
      );
      return reply.status(201).send({ token, secret });
    },
  );

  app.get('/api/v1/tokens', { config: { access: 'token.manage' }, schema: { tags: ['identity'], summary: 'List API tokens (never their secrets)', headers: authHeaders } }, async () => ({
    tokens: await accounts.listTokens(),
  }));

  app.delete(
    '/api/v1/tokens/:id',
    { config: { access: 'token.manage' }, schema: { tags: ['identity'], summary: 'Revoke an API token', headers: authHeaders, params: tokenIdParams } },
    async (request) => {
      const token = await accounts.revokeToken(request.params.id, request.principal!);
      return { token };
    },
  );
}
