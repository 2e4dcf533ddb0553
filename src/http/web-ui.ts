/**
 * The watch floor (web/, built by Vite into dist/web) served at `/`. Its client routes (`/`,
 * `/signin`, `/warnings`, `/problems/...`) answer index.html and its hashed assets are cached for good; every
 * other path is left to the API, so an unknown `/api/...`, `/healthz` or `/metrics` path keeps
 * its JSON error. The pages need no principal: what they show comes from the API, which does.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import type { App } from './context.js';

/** The paths the web UI routes itself (see web/src/app.tsx). */
export const CLIENT_ROUTES = ['/', '/signin', '/warnings', '/calibration', '/problems', '/problems/*'] as const;

/**
 * The built UI: dist/web from the sources (src/http) or from the build (dist/src/http), if
 * `npm run build` has made it; undefined otherwise.
 */
export function findWebRoot(): string | undefined {
  for (const candidate of [new URL('../../dist/web/', import.meta.url), new URL('../../web/', import.meta.url)]) {
    // web/ in the sources holds an index.html too, but no built assets.
    if (existsSync(new URL('index.html', candidate)) && existsSync(new URL('assets/', candidate))) return fileURLToPath(candidate);
  }
  return undefined;
}

const hidden = { config: { access: 'public' as const }, schema: { hide: true } };

/** Registers the UI's routes over `root` (a built dist/web, see findWebRoot). */
export async function webUiRoutes(app: App, root: string): Promise<void> {
  await app.register(fastifyStatic, { root, serve: false, index: false });

  const page = (reply: FastifyReply) => reply.header('cache-control', 'no-store').sendFile('index.html', { cacheControl: false });
  for (const url of CLIENT_ROUTES) app.get(url, hidden, async (_request, reply) => page(reply));

  app.get('/assets/*', hidden, async (request, reply) => {
    const file = (request.params as { '*': string })['*'];
    // Names carry a content hash: a file never changes under its name.
    return reply.sendFile(`assets/${file}`, { immutable: true, maxAge: 365 * 24 * 3600 * 1000 });
  });
  app.get('/favicon.svg', hidden, async (_request, reply) => reply.sendFile('favicon.svg', { maxAge: 24 * 3600 * 1000 }));
}
