/** Reports in (single and batch, idempotent, durable before 201), reports out, corrections. */
import type { FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import { canSee, may, type Principal } from '../../app/access.js';
import { recordedReads, visibleOnly } from '../../app/need-to-know.js';
import { reportPage } from '../../app/projection-reads.js';
import { CLOCK_SKEW_MS, type IncomingReport } from '../../app/store.js';
import { VigilError } from '../../core/errors.js';
import type { Issue } from '../../core/issues.js';
import { issuesFromZod } from '../../core/problem-schema.js';
import { completeReport } from '../../core/report-schema.js';
import { recordRefusal } from '../auth.js';
import type { App, ServerContext } from '../context.js';
import { authHeaders, MAX_BATCH, problemIdParams, regradeBody, reportIdParams, reportItem, reportsBody, reportsQuery, retractBody } from '../schemas.js';
import { zodValidatorCompiler } from '../validation.js';

/** Largest request body of the report route: a full batch of long reports. */
export const REPORTS_BODY_LIMIT = 32 * 1024 * 1024;

const batchEnvelope = z.strictObject(
  {
    reports: z
      .array(z.unknown(), { error: 'must be a list of reports' })
      .min(1, 'must hold at least one report')
      .max(MAX_BATCH, `must hold at most ${MAX_BATCH} reports`),
  },
  { error: 'must be a JSON object' },
);
const singleEnvelope = z.looseObject({}, { error: 'must be a JSON object (a report)' });

/**
 * The reports route's body validator: only the envelope (one object, or `{"reports": [...]}`
 * of 1 to MAX_BATCH). The handler checks each report against its schema, the problem and the
 * clock, so a bad batch names every bad item at once (api.md), whatever is wrong with each.
 * The OpenAPI document still shows the full schema, `reportsBody`.
 */
const reportsValidator: FastifySchemaCompiler<z.ZodType> = (route) => {
  if (route.httpPart !== 'body') return zodValidatorCompiler(route);
  const batch = zodValidatorCompiler({ ...route, schema: batchEnvelope });
  const single = zodValidatorCompiler({ ...route, schema: singleEnvelope });
  return (data: unknown) => {
    if (typeof data === 'object' && data !== null && !Array.isArray(data)) return 'reports' in data ? batch(data) : { value: data };
    // Not an object: the single envelope's schema says so, in the API's words.
    return single(data);
  };
};

export function reportRoutes(app: App, ctx: ServerContext): void {
  const { store } = ctx;

  app.post(
    '/api/v1/problems/:id/reports',
    {
      config: { access: 'report.create' },
      bodyLimit: REPORTS_BODY_LIMIT,
      validatorCompiler: reportsValidator as never,
      schema: {
        tags: ['reports'],
        summary: 'Record one report, or a batch {"reports": [...]} of up to 10,000, all or nothing; 201 once durable',
        headers: authHeaders,
        params: problemIdParams,
        body: reportsBody,
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      // Only the envelope is validated yet (reportsValidator): the items are checked below.
      const body = request.body as unknown as Record<string, unknown>;
      const batch = 'reports' in body;
      const items = (batch ? body.reports : [body]) as Record<string, unknown>[];
      const at = (index: number, path: string) => (batch ? `/reports/${index}${path}` : path);

      // Only an admin loads history with the sender's own `received`.
      const hasReceived = (item: unknown) => typeof item === 'object' && item !== null && (item as Record<string, unknown>).received !== undefined;
      const first = items.findIndex(hasReceived);
      const backfill = first >= 0;
      if (backfill && !may(principal, 'report.backfill')) {
        await recordRefusal(store, principal, 'report.backfill', request);
        ctx.metrics.reportsRejected.inc();
        throw new VigilError('FORBIDDEN', '"received" is set by the server; only an admin may load history with its own', { path: at(first, '/received') });
      }
      // A batch is history or live as a whole (all or nothing, one way of receiving): mixed, a
      // live report would be stored as history, its time in the future unchecked.
      const live = backfill ? items.findIndex((item) => typeof item === 'object' && item !== null && !hasReceived(item)) : -1;
      if (live >= 0) {
        ctx.metrics.reportsRejected.inc();
        const issue = { path: at(live, '/received'), message: `is required: report ${first} of this batch loads history with its own "received", so every report of the batch must` };
        throw new VigilError('REPORT_INVALID', `${issue.path}: ${issue.message}`, { issues: [issue], items: [{ index: live, issues: [issue] }] });
      }

      const model = await store.problem(request.params.id);
      if (model === undefined) throw new VigilError('PROBLEM_NOT_FOUND', `no problem "${request.params.id}"`);

      const incoming: IncomingReport[] = [];
      const bad: { index: number; issues: Issue[] }[] = [];
      const now = ctx.now();
      items.forEach((item, index) => {
        const parsed = reportItem.safeParse(item, { reportInput: true });
        if (!parsed.success) {
          bad.push({ index, issues: issuesFromZod(parsed.error).map((i) => ({ path: at(index, i.path), message: i.message })) });
          return;
        }
        const { classification, compartments, ...fields } = parsed.data;
        const result = completeReport(fields, model.problem);
        const issues = result.ok ? [] : [...result.issues];
        // The store refuses these too; checked here as well so they are named with the others.
        if (result.ok && !backfill && result.value.at > now + CLOCK_SKEW_MS) {
          issues.push({ path: '/at', message: `is in the future (the server's time is ${new Date(now).toISOString()})` });
        }
        if (!result.ok || issues.length > 0) bad.push({ index, issues: issues.map((i) => ({ path: at(index, i.path), message: i.message })) });
        else incoming.push({ report: result.value, ...(classification !== undefined ? { classification } : {}), ...(compartments !== undefined ? { compartments } : {}) });
      });
      if (bad.length > 0) {
        ctx.metrics.reportsRejected.inc();
        const issues = bad.flatMap((b) => b.issues);
        throw new VigilError('REPORT_INVALID', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues, items: bad });
      }

      try {
        const result = await store.recordReports(request.params.id, incoming, { actor: principal.id, backfill });
        ctx.metrics.reportsIngested.inc({ problem: request.params.id }, result.accepted);
        return reply.status(201).send({ accepted: result.accepted, duplicates: result.duplicates, seq: result.seq });
      } catch (error) {
        ctx.metrics.reportsRejected.inc();
        if (error instanceof VigilError && Array.isArray(error.details?.items)) {
          // The store names items by index: say where they are in this body.
          const items = error.details.items as { index: number; issues?: Issue[] }[];
          const issues = items.flatMap((item) => (item.issues ?? [{ path: '', message: error.code }]).map((i) => ({ path: at(item.index, i.path), message: i.message })));
          throw new VigilError(error.code, error.message, { ...error.details, issues });
        }
        throw error;
      }
    },
  );

  app.get(
    '/api/v1/problems/:id/reports',
    {
      config: { access: 'problem.read' },
      schema: {
        tags: ['reports'],
        summary: 'The reports the reader may see, in the order received (page with `after` = the last seq seen); `withheld` counts the others in the page',
        headers: authHeaders,
        params: problemIdParams,
        querystring: reportsQuery,
      },
    },
    async (request) => {
      const principal = request.principal!;
      if ((await store.problem(request.params.id)) === undefined) throw new VigilError('PROBLEM_NOT_FOUND', `no problem "${request.params.id}"`);
      const limit = request.query.limit ?? 200;
      const page = await reportPage(store.db, request.params.id, request.query.after ?? 0, limit);
      const { visible, withheld } = visibleOnly(principal, page);
      await ctx.recordReads(
        principal,
        '/api/v1/problems/{id}/reports',
        recordedReads(visible).map((report) => ({ problem: request.params.id, report })),
      );
      const last = page.at(-1);
      return {
        reports: visible.map((r) => ({ seq: r.seq, classification: r.classification, compartments: r.compartments, backfilled: r.backfilled, ...r.report })),
        withheld,
        next: page.length === limit && last !== undefined ? last.seq : null,
      };
    },
  );

  /** A correction names a report the corrector may see; one they may not see does not exist for them. */
  const requireVisibleReport = async (principal: Principal, problem: string, report: string) => {
    if ((await store.problem(problem)) === undefined) throw new VigilError('PROBLEM_NOT_FOUND', `no problem "${problem}"`);
    const rows = await store.db.all<{ classification: string; compartments: string }>('SELECT classification, compartments FROM proj_reports WHERE problem = ? AND id = ?', [problem, report]);
    const row = rows[0];
    if (row === undefined || !canSee(principal, { classification: row.classification, compartments: JSON.parse(row.compartments) as string[] })) {
      throw new VigilError('REPORT_NOT_FOUND', `no report "${report}" in problem "${problem}"`);
    }
  };

  app.post(
    '/api/v1/problems/:id/reports/:reportId/retract',
    { config: { access: 'report.correct' }, schema: { tags: ['reports'], summary: 'Retract a report from now on (a new event; nothing is edited)', headers: authHeaders, params: reportIdParams, body: retractBody } },
    async (request, reply) => {
      await requireVisibleReport(request.principal!, request.params.id, request.params.reportId);
      const event = await store.retractReport(request.params.id, request.params.reportId, request.body.reason, request.principal!.id);
      return reply.status(201).send({ seq: event.seq });
    },
  );

  app.post(
    '/api/v1/problems/:id/reports/:reportId/regrade',
    { config: { access: 'report.correct' }, schema: { tags: ['reports'], summary: 'Regrade a report from now on', headers: authHeaders, params: reportIdParams, body: regradeBody } },
    async (request, reply) => {
      const { reason, sensitivity, falseAlarmRate, reliability, credibility } = request.body;
      if ((sensitivity === undefined) !== (falseAlarmRate === undefined)) {
        throw new VigilError('REQUEST_INVALID', 'sensitivity and falseAlarmRate go together (both or neither)', { path: sensitivity === undefined ? '/sensitivity' : '/falseAlarmRate' });
      }
      await requireVisibleReport(request.principal!, request.params.id, request.params.reportId);
      const grades = { reliability, credibility, ...(sensitivity !== undefined && falseAlarmRate !== undefined ? { sensitivity, falseAlarmRate } : {}) };
      const event = await store.regradeReport(request.params.id, request.params.reportId, grades, reason, request.principal!.id);
      return reply.status(201).send({ seq: event.seq });
    },
  );
}
