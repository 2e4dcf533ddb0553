/**
 * The Vigil HTTP application, built as a Fastify instance without listening (tests call
 * `inject`; `server.ts` listens and shuts down). Plugins: cookies, security headers with a CSP
 * that forbids inline scripts, rate limits, the OpenAPI document generated from the zod
 * schemas that validate requests; one error handler; one authentication hook.
 */
import { randomBytes } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyReply, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Principal } from '../app/access.js';
import type { Accounts } from '../app/accounts.js';
import type { Store } from '../app/store.js';
import { VigilError } from '../core/errors.js';
import { memberNameIssue } from '../core/json-members.js';
import { installAuth } from './auth.js';
import type { App, ServerContext } from './context.js';
import { errorAnswer, installErrorHandling, RequestInvalid } from './errors.js';
import { LiveFeed } from './live.js';
import { Metrics } from './metrics.js';
import { AckTokens } from '../warn/ack-token.js';
import { ackRoutes } from './routes/ack-routes.js';
import { accountRoutes } from './routes/account-routes.js';
import { logRoutes } from './routes/log-routes.js';
import { problemRoutes } from './routes/problem-routes.js';
import { reportRoutes } from './routes/report-routes.js';
import { warningRoutes } from './routes/warning-routes.js';
import { dissentRoutes } from './routes/dissent-routes.js';
import { inquiryRoutes } from './routes/inquiry-routes.js';
import { DEFAULT_CAP_RESTRICTION, DEFAULT_CAP_SENDER, isCapSender } from '../warn/cap.js';
import { WarningEngine } from '../warn/engine.js';
import { isLoopback, serviceRoutes } from './routes/service-routes.js';
import { securityHeaders } from './security-headers.js';
import { refuseNul, zodValidatorCompiler } from './validation.js';
import { webUiRoutes } from './web-ui.js';

export interface AppOptions {
  readonly store: Store;
  readonly accounts: Accounts;
  /** The server clock; default the system clock. */
  readonly clock?: () => Date;
  /** Fastify's logger option (pino): `false` for none. */
  readonly logger?: FastifyServerOptions['logger'];
  /** Requests per client address per minute (loopback exempt unless `limitLoopback`). Default 1200. */
  readonly requestsPerMinute?: number;
  /** Apply the request limit to loopback clients too (default false: local tools and benchmarks run on loopback). */
  readonly limitLoopback?: boolean;
  /** Sign-in attempts per client address per minute (loopback included). Default 10. */
  readonly signInPerMinute?: number;
  /** Force the session cookie's Secure flag (behind a TLS proxy); default when the request is https. */
  readonly secureCookies?: boolean;
  /** Trust X-Forwarded-* from a proxy in front (Fastify's trustProxy). Default false. */
  readonly trustProxy?: boolean;
  /** Largest request body in bytes, except the reports route (32 MiB). Default 1 MiB. */
  readonly bodyLimit?: number;
  /** The warning engine (started and stopped with the app); default one with the in-app channel only. */
  readonly warnings?: WarningEngine;
  /** Verifies the acknowledgment links of warning emails; default a random secret (no link verifies). */
  readonly ackTokens?: AckTokens;
  /** The CAP `sender` of warning alerts (no spaces, commas, `<` or `&`). Default `vigil@localhost`. */
  readonly capSender?: string;
  /** The address people reach this server at: absolute links in CAP alerts and their feed. */
  readonly publicUrl?: string;
  /** A built web UI (dist/web) to serve at `/`; none when absent. `vigil serve` serves the one `npm run build` made. */
  readonly webRoot?: string;
  /** Told of every route as it is registered (the fuzz tests check that none goes unfuzzed). */
  readonly onRoute?: (route: { readonly method: string | readonly string[]; readonly url: string }) => void;
}

export interface VigilApp {
  readonly app: App;
  readonly context: ServerContext;
}

/** Builds the application (not yet listening). `close()` on the app ends the live streams. */
export async function buildApp(options: AppOptions): Promise<VigilApp> {
  const { store, accounts } = options;
  const capSender = options.capSender ?? DEFAULT_CAP_SENDER;
  if (!isCapSender(capSender)) throw new VigilError('REQUEST_INVALID', `the CAP sender ${JSON.stringify(capSender)} has a space, ",", "<" or "&", or is empty or too long`);
  const clock = options.clock ?? (() => new Date());
  const app = Fastify({
    logger: options.logger ?? false,
    // One line per request (below), not Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    trustProxy: options.trustProxy ?? false,
    // Query strings: plain key=value; a repeated key is an array (and then refused by the schema).
    routerOptions: { maxParamLength: 500 },
    // What the router refuses before any route (a malformed percent-encoding, a too-long path
    // parameter) is answered in the API's error shape too, not Fastify's own.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const { status, body } = errorAnswer(error);
      void reply.status(status).header('x-content-type-options', 'nosniff').send(body);
    },
  }).withTypeProvider<ZodTypeProvider>() as unknown as App;
  const onRoute = options.onRoute;
  if (onRoute !== undefined) app.addHook('onRoute', (route) => onRoute(route));

  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON only: a text/plain body is 415, not a string to be validated.
  app.removeContentTypeParser('text/plain');
  // JSON bodies: a member name given twice (JSON.parse would keep the last) or `__proto__` is
  // refused with its pointer, like every other fault in a body.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(new RequestInvalid([{ path: '', message: 'the body is empty: send JSON' }]), undefined);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return done(new RequestInvalid([{ path: '', message: `the body is not valid JSON (${(error as Error).message})` }]), undefined);
    }
    const issue = memberNameIssue(text);
    if (issue !== undefined) return done(new RequestInvalid([issue]), undefined);
    done(null, value);
  });
  installErrorHandling(app);

  const metrics = new Metrics();
  const recordReads = async (principal: Principal, via: string, reads: readonly { problem: string; report: string }[]) => {
    if (reads.length === 0) return;
    await store.append([{ type: 'report.read', stream: 'system', actor: principal.id, data: { via, reports: reads.map((r) => ({ ...r })) } }]);
  };
  const live = new LiveFeed(store, metrics, recordReads);
  const stopCounting = store.onProjected((events) => {
    for (const e of events) {
      if (e.type.startsWith('warning.')) metrics.warningEvents.inc({ type: e.type.slice('warning.'.length) });
      else if (e.type === 'delivery.attempted') metrics.deliveries.inc({ channel: String(e.data.channel), outcome: String(e.data.outcome) });
    }
  });
  const warnings = options.warnings ?? new WarningEngine(store, { clock, onError: (error) => app.log.error({ err: error }, 'warning engine') });
  const context: ServerContext = { store, accounts, metrics, live, warnings, now: () => clock().getTime(), recordReads };

  await app.register(fastifyCookie);
  // Worked out once (they never depend on the request) and set on every answer, errors included.
  const headers = securityHeaders();
  app.addHook('onRequest', (_request, reply, done) => {
    void reply.headers(headers);
    done();
  });
  await app.register(fastifyRateLimit, {
    global: true,
    max: options.requestsPerMinute ?? 1200,
    timeWindow: 60_000,
    allowList: (request) => options.limitLoopback !== true && isLoopback(request.socket.remoteAddress) && request.routeOptions.url !== '/api/v1/session',
    // Thrown by the plugin, so answered by the one error handler: a VigilError keeps its message.
    errorResponseBuilder: (_request, context) => new VigilError('RATE_LIMITED', `too many requests: try again in ${Math.ceil(context.ttl / 1000)} s`),
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Vigil API',
        version: '1',
        description:
          'Indications and warning. Errors are {"error": {"code", "message", "path"?}}. Sign in with POST /api/v1/session (cookie + X-CSRF-Token on changes) or send "Authorization: Bearer <token>".',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'vigil_session' },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    transform: jsonSchemaTransform,
  });

  installAuth(app, store, accounts);
  // Hooks on every request take callbacks, not promises: they do nothing that waits.
  app.addHook('preHandler', (request, _reply, done) => {
    try {
      refuseNul(request);
    } catch (error) {
      done(error as Error);
      return;
    }
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    metrics.requests.inc({ route: request.routeOptions.url ?? 'unknown', method: request.method, status: String(reply.statusCode) });
    request.log.info(
      { method: request.method, route: request.routeOptions.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10, actor: request.principal?.id },
      'request',
    );
    done();
  });
  // Shutting down: the event streams end before the server waits for its connections to close
  // (preClose; onClose comes after that wait), and the answers to requests still in flight close
  // their connection, which a keep-alive client would otherwise hold open for keepAliveTimeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
    live.close();
  });
  // The engine started below stops with the app, before its owner closes the store.
  app.addHook('onClose', async () => {
    stopCounting();
    await warnings.stop();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });

  serviceRoutes(app, context);
  accountRoutes(app, context, { signInPerMinute: options.signInPerMinute ?? 10, ...(options.secureCookies !== undefined ? { secureCookies: options.secureCookies } : {}) });
  problemRoutes(app, context);
  reportRoutes(app, context);
  logRoutes(app, context);
  if (options.webRoot !== undefined) await webUiRoutes(app, options.webRoot);
  warningRoutes(app, context, {
    sender: capSender,
    restriction: DEFAULT_CAP_RESTRICTION,
    ...(options.publicUrl !== undefined ? { publicUrl: options.publicUrl.replace(/\/$/, '') } : {}),
  });
  dissentRoutes(app, context);
  inquiryRoutes(app, context);
  ackRoutes(app, context, options.ackTokens ?? new AckTokens(randomBytes(32)));

  await app.ready();
  live.start();
  warnings.start();
  return { app, context };
}
