/** Dissents: an analyst's alternative assessment, shown beside the official one; withdrawn only by its author. */
import { z } from 'zod';
import { VigilError } from '../../core/errors.js';
import { parseInstant } from '../../core/instant.js';
import { estimativeWords } from '../../core/words.js';
import { dissentsOf } from '../../warn/warning-reads.js';
import { refusalsRecorded } from '../auth.js';
import type { App, ServerContext } from '../context.js';
import { authHeaders, instantParam, problemIdParams } from '../schemas.js';

export const dissentBody = z.strictObject({
  posterior: z.record(z.string().min(1).max(200), z.number({ error: 'must be a probability' }).min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1'), {
    error: 'must map every hypothesis id to your probability',
  }),
  rationale: z.string({ error: 'must be a string' }).min(1, 'must not be empty: say why').max(20_000, 'must be at most 20000 characters'),
});
export const withdrawBody = z.strictObject({ reason: z.string({ error: 'must be a string' }).max(2000, 'must be at most 2000 characters').optional() });
const dissentParams = z.strictObject({ id: z.string().min(1).max(100, 'must be at most 100 characters') });
export const dissentsQuery = z.strictObject({ at: instantParam.optional() });

export function dissentRoutes(app: App, ctx: ServerContext): void {
  const { store } = ctx;

  app.post(
    '/api/v1/problems/:id/dissents',
    {
      config: { access: 'dissent.file' },
      schema: {
        tags: ['dissent'],
        summary: 'File a dissent: your probabilities and rationale; sent to the control role, and a warning of its own when it reaches a level the official assessment has not',
        headers: authHeaders,
        params: problemIdParams,
        body: dissentBody,
      },
    },
    async (request, reply) => {
      const result = await ctx.warnings.fileDissent(request.params.id, request.principal!, request.body.posterior, request.body.rationale);
      return reply.status(201).send(result);
    },
  );

  app.get(
    '/api/v1/problems/:id/dissents',
    {
      config: { access: 'problem.read' },
      schema: { tags: ['dissent'], summary: 'The dissents filed by `at` (default now), open or withdrawn then, beside the official assessment, each with its author’s name', headers: authHeaders, params: problemIdParams, querystring: dissentsQuery },
    },
    async (request) => {
      if ((await store.problem(request.params.id)) === undefined) throw new VigilError('PROBLEM_NOT_FOUND', `no problem "${request.params.id}"`);
      const at = request.query.at === undefined ? ctx.now() : (parseInstant(request.query.at) as number);
      const dissents = await dissentsOf(store.db, request.params.id, { at });
      // The author is a user (or token) id in the log; readers are told the name too.
      const names = new Map([...(await ctx.accounts.listUsers()).map((u) => [u.id, u.username] as const), ...(await ctx.accounts.listTokens()).map((t) => [t.id, t.name] as const)]);
      return {
        at: new Date(at).toISOString(),
        dissents: dissents.map((d) => ({ ...d, ...(names.has(d.author) ? { authorName: names.get(d.author) } : {}), words: estimativeWords(d.pDangerous) })),
      };
    },
  );

  app.post(
    '/api/v1/dissents/:id/withdraw',
    {
      config: { access: 'dissent.file' },
      schema: { tags: ['dissent'], summary: 'Withdraw your dissent (only its author may; it stays in the record)', headers: authHeaders, params: dissentParams, body: withdrawBody },
    },
    async (request) => refusalsRecorded(store, request, 'dissent.withdraw', () => ctx.warnings.withdrawDissent(request.params.id, request.principal!, request.body.reason)),
  );
}
