/** The service's own routes: health, metrics, the OpenAPI document and the live event stream. */
import type { App, ServerContext } from '../context.js';
import { may } from '../../app/access.js';
import { VigilError } from '../../core/errors.js';
import { demand } from '../auth.js';
import type { StreamCredential } from '../live.js';
import { authHeaders } from '../schemas.js';

/** True for a loopback peer address (IPv4, IPv6, or IPv4-mapped IPv6). */
export function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}

export function serviceRoutes(app: App, ctx: ServerContext): void {
  const { store } = ctx;

  app.get('/healthz', { config: { access: 'public' }, schema: { tags: ['service'], summary: '200 {status} when the store answers, else 503 (with the log head `seq` to auditors and admins)', security: [] } }, async (request, reply) => {
    try {
      const head = await store.log.head();
      await store.db.all('SELECT 1 AS ok');
      // The log's head only to who may read the log anyway: from anyone else, watching it
      // would tell when events arrive.
      const principal = request.principal;
      return principal !== undefined && may(principal, 'log.read') ? { status: 'ok', seq: head?.seq ?? 0 } : { status: 'ok' };
    } catch {
      return reply.status(503).send({ error: { code: 'LOG_UNAVAILABLE', message: 'the store does not answer' } });
    }
  });

  app.get(
    '/metrics',
    {
      config: { access: 'public' },
      // Security: anonymous (on loopback) or a token, never a session cookie.
      schema: { tags: ['service'], summary: 'Prometheus metrics: open on loopback, else with an API token', headers: authHeaders, security: [{}, { token: [] }] },
    },
    async (request, reply) => {
      // The socket's own peer, not a forwarded header: "loopback" means this machine.
      if (!isLoopback(request.socket.remoteAddress)) {
        if (request.principal?.kind !== 'token') throw new VigilError('AUTH_REQUIRED', 'metrics are served on loopback, or with an API token');
        await demand(store, request, 'metrics.read');
      }
      return reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
    },
  );

  app.get('/api/docs', { config: { access: 'public' }, schema: { tags: ['service'], summary: 'This OpenAPI 3 document: every route of the API', security: [] } }, async () => app.swagger());

  app.get(
    '/api/v1/stream',
    {
      config: { access: 'problem.read' },
      schema: {
        tags: ['service'],
        summary:
          'Server-Sent Events of the changes the reader may see: `report`, `correction`, `withheld` {problem, count}, `assessment` {problem, level, pDangerous, ...}, `problem`, `warning` {type, problem, warning, version, level?, pDangerous?, person?}, `dissent` {type, problem, dissent}',
        headers: authHeaders,
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      const session = request.session?.sessionId;
      // Checked again while the stream is open: it ends with its token or session.
      const credential: StreamCredential =
        session !== undefined
          ? { principal, session, recheck: () => ctx.accounts.sessionPrincipal(session) }
          : { principal, recheck: () => ctx.accounts.tokenPrincipal(principal.id) };
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-content-type-options': 'nosniff',
        'x-accel-buffering': 'no',
      });
      ctx.live.add(credential, reply.raw);
    },
  );
}
