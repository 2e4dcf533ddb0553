/**
 * Inquiry and calibration: record how a problem resolved, score its probabilities, draw the
 * reliability diagram across resolved problems, draw the inquiry report (JSON, or HTML under its
 * own Content-Security-Policy) with need-to-know applied, and replay a problem under another
 * model (counterfactual).
 */
import { z } from 'zod';
import { hiddenReports } from '../../app/need-to-know.js';
import { VigilError } from '../../core/errors.js';
import { parseInstant } from '../../core/instant.js';
import { problemSchema } from '../../core/problem-schema.js';
import { counterfactual } from '../../inquiry/counterfactual.js';
import { parseDuration } from '../../inquiry/duration.js';
import { buildInquiry } from '../../inquiry/inquiry.js';
import { INQUIRY_CSP, renderInquiryHtml } from '../../inquiry/inquiry-html.js';
import { redactInquiry } from '../../inquiry/inquiry-redact.js';
import { MAX_OUTCOME_NOTE, recordOutcome } from '../../inquiry/outcome.js';
import { problemScores, reliabilityAcross } from '../../inquiry/scores.js';
import type { App, ServerContext } from '../context.js';
import { authHeaders, instantParam, problemIdParams } from '../schemas.js';

const durationParam = z
  .string({ error: 'must be a duration' })
  .max(32, 'must be at most 32 characters')
  .refine((s) => parseDuration(s) !== undefined, 'must be a duration such as 15m, 1h, 6h, 1d or PT1H');

/** POST .../outcome: which hypothesis came true, and when. */
export const outcomeBody = z.strictObject({
  hypothesis: z.string({ error: 'must be a hypothesis id' }).min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  at: instantParam,
  note: z.string({ error: 'must be a string' }).max(MAX_OUTCOME_NOTE, `must be at most ${MAX_OUTCOME_NOTE} characters`).optional(),
});

export const scoresQuery = z.strictObject({ from: instantParam.optional(), to: instantParam.optional(), every: durationParam.optional() });

export const reliabilityQuery = z.strictObject({
  bins: z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(50, 'must be at most 50').optional(),
  format: z.enum(['json', 'svg'], { error: 'must be "json" or "svg"' }).optional(),
});

export const inquiryQuery = z.strictObject({
  from: instantParam.optional(),
  to: instantParam.optional(),
  format: z.enum(['json', 'html'], { error: 'must be "json" or "html"' }).optional(),
});

const probability = z.number({ error: 'must be a number' }).refine((x) => x > 0 && x < 1, 'must be strictly between 0 and 1');

/** POST .../counterfactual: the model to replay under (a version, a model, likelihoods changed) and the window. */
export const counterfactualBody = z.strictObject({
  version: z.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(1_000_000, 'is too large').optional(),
  model: problemSchema.optional(),
  likelihoods: z
    .record(z.string().min(1).max(200), z.record(z.string().min(1).max(200), probability, { error: 'must map hypothesis ids to probabilities' }), {
      error: 'must map indicator ids to {hypothesis: probability}',
    })
    .optional(),
  from: instantParam.optional(),
  to: instantParam.optional(),
});

const ms = (iso: string | undefined): number | undefined => (iso === undefined ? undefined : (parseInstant(iso) as number));

export function inquiryRoutes(app: App, ctx: ServerContext): void {
  const { store } = ctx;

  const names = async () => new Map((await ctx.accounts.listUsers()).map((u) => [u.id, u.username]));

  app.post(
    '/api/v1/problems/:id/outcome',
    {
      config: { access: 'problem.write' },
      schema: {
        tags: ['inquiry'],
        summary: 'Record how a problem resolved: which hypothesis came true, and when (a problem.resolved event; a correction is a newer one)',
        headers: authHeaders,
        params: problemIdParams,
        body: outcomeBody,
      },
    },
    async (request, reply) => {
      const { hypothesis, at, note } = request.body;
      const recorded = await recordOutcome(store, request.params.id, { hypothesis, at: ms(at)!, ...(note !== undefined ? { note } : {}) }, request.principal!.id, ctx.now());
      return reply.status(201).send({ problem: request.params.id, ...recorded });
    },
  );

  app.get(
    '/api/v1/problems/:id/scores',
    {
      config: { access: 'problem.read' },
      schema: {
        tags: ['inquiry'],
        summary:
          'Brier and log scores of the official assessment at regular instants (as-of assessments) and of each dissent, lead time of each level before the outcome; `every` a duration (15m, 1h, 1d); scores are null until an outcome is recorded',
        headers: authHeaders,
        params: problemIdParams,
        querystring: scoresQuery,
      },
    },
    async (request) => {
      const { from, to, every } = request.query;
      return problemScores(store, request.params.id, { from: ms(from), to: ms(to), every: every === undefined ? undefined : parseDuration(every) }, ctx.now());
    },
  );

  app.get(
    '/api/v1/scores/reliability',
    {
      config: { access: 'problem.read' },
      schema: {
        tags: ['inquiry'],
        summary: 'The reliability diagram of P(dangerous) across resolved problems: bins (forecast, observed frequency, count) and the picture as SVG (`format=svg` answers the image itself)',
        headers: authHeaders,
        querystring: reliabilityQuery,
      },
    },
    async (request, reply) => {
      const result = await reliabilityAcross(store, request.query.bins ?? 10, ctx.now());
      if (request.query.format === 'svg') return reply.type('image/svg+xml; charset=utf-8').header('cache-control', 'no-store').send(result.svg);
      return result;
    },
  );

  app.get(
    '/api/v1/problems/:id/inquiry',
    {
      config: { access: 'log.read' },
      schema: {
        tags: ['inquiry'],
        summary:
          'The inquiry report of a problem over [from, to] (default: its first event to now): every report and what it did, level changes with their evidence and advice, every warning version and who was told, deliveries, acknowledgments, absences, escalation errors, dissents, model changes, key intervals, outcome and scores, and the verification of the log; JSON, or `format=html` (self-contained, no script). Reports above the reader\'s clearance are withheld.',
        headers: authHeaders,
        params: problemIdParams,
        querystring: inquiryQuery,
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      const report = await buildInquiry(store, request.params.id, { from: ms(request.query.from), to: ms(request.query.to), now: ctx.now(), actorNames: await names() });
      const hidden = await hiddenReports(store.db, request.params.id, principal);
      const redacted = redactInquiry(report, hidden, principal);
      await ctx.recordReads(
        principal,
        '/api/v1/problems/:id/inquiry',
        redacted.reads.map((id) => ({ problem: request.params.id, report: id })),
      );
      if (request.query.format === 'html') {
        return reply
          .type('text/html; charset=utf-8')
          .header('content-security-policy', INQUIRY_CSP)
          .header('cache-control', 'no-store')
          .header('content-disposition', `inline; filename="inquiry-${encodeURIComponent(request.params.id)}.html"`)
          .send(renderInquiryHtml(redacted.report));
      }
      return redacted.report;
    },
  );

  app.post(
    '/api/v1/problems/:id/counterfactual',
    {
      config: { access: 'problem.read' },
      schema: {
        tags: ['inquiry'],
        summary:
          'Counterfactual replay: the stored reports replayed under a model version, a model, or with likelihoods changed; when each level would have been reached and who the escalation policy would have told, beside what happened',
        headers: authHeaders,
        params: problemIdParams,
        body: counterfactualBody,
      },
    },
    async (request) => {
      const { version, model, likelihoods, from, to } = request.body;
      if (version === undefined && model === undefined && likelihoods === undefined) {
        throw new VigilError('REQUEST_INVALID', '/version: give a model version, a model, or likelihoods to change', { path: '/version' });
      }
      const result = await counterfactual(
        store,
        request.params.id,
        { ...(version !== undefined ? { version } : {}), ...(model !== undefined ? { model } : {}), ...(likelihoods !== undefined ? { likelihoods } : {}), from: ms(from), to: ms(to) },
        ctx.now(),
      );
      // Need-to-know: the evidence of a level change names reports; those the reader may not see are withheld.
      const hidden = await hiddenReports(store.db, request.params.id, request.principal!);
      let withheld = 0;
      const redact = <T extends { evidence: readonly { report: string }[] }>(change: T): T => {
        const evidence = change.evidence.filter((e) => !hidden.has(e.report));
        withheld += change.evidence.length - evidence.length;
        return { ...change, evidence };
      };
      return {
        ...result,
        actual: { ...result.actual, changes: result.actual.changes.map(redact) },
        counterfactual: { ...result.counterfactual, changes: result.counterfactual.changes.map(redact) },
        withheld,
      };
    },
  );
}
