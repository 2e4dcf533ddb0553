/** Problems (models and their versions), assessments and the derived ACH matrix. */
import type { FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';
import { hiddenReports, redactAssessment } from '../../app/need-to-know.js';
import { modelAt, modelVersions, storedCorrections, storedReports } from '../../app/projection-reads.js';
import { replay } from '../../core/replay.js';
import { deriveAchMatrix, scoreAch } from '../../core/ach.js';
import { assessmentToJson } from '../../core/assess.js';
import { VigilError } from '../../core/errors.js';
import { parseInstant } from '../../core/instant.js';
import { validateProblem } from '../../core/problem-schema.js';
import { estimativeWords } from '../../core/words.js';
import { dissentsOf } from '../../warn/warning-reads.js';
import type { App, ServerContext } from '../context.js';
import { zodValidatorCompiler } from '../validation.js';
import { assessmentQuery, atQuery, authHeaders, problemBody, problemIdParams } from '../schemas.js';

/**
 * The problem routes' validator: the body with every rule of `validateProblem` (shape and
 * cross-field, all at once, as PROBLEM_INVALID); other parts with their zod schemas.
 */
const problemValidator: FastifySchemaCompiler<z.ZodType> = (route) => {
  if (route.httpPart !== 'body') return zodValidatorCompiler(route);
  return (data: unknown) => {
    const result = validateProblem(data);
    if (result.ok) return { value: result.value };
    const [first] = result.issues;
    const details = result.issues.length === 1 && first !== undefined ? { issues: result.issues, path: first.path } : { issues: result.issues };
    return { error: new VigilError('PROBLEM_INVALID', result.issues.map((i) => `${i.path}: ${i.message}`).join('; '), details) };
  };
};

export function problemRoutes(app: App, ctx: ServerContext): void {
  const { store } = ctx;

  const requireProblem = async (id: string) => {
    const model = await store.problem(id);
    if (model === undefined) throw new VigilError('PROBLEM_NOT_FOUND', `no problem "${id}"`);
    return model;
  };

  /** The dissents open at `at`, in brief, as shown beside the official assessment. */
  const openDissents = async (problem: string, at: number) =>
    (await dissentsOf(store.db, problem, { at, openOnly: true })).map((d) => ({
      dissent: d.dissent,
      author: d.author,
      filedAt: d.filedAt,
      posterior: d.posterior,
      pDangerous: d.pDangerous,
      words: estimativeWords(d.pDangerous),
      level: d.level,
      rationale: d.rationale,
    }));

  /** The instant of a request: `at` in the query, or the server's now. */
  const instantOf = (at: string | undefined): number => (at === undefined ? ctx.now() : (parseInstant(at) as number));

  app.post(
    '/api/v1/problems',
    {
      config: { access: 'problem.write' },
      validatorCompiler: problemValidator as never,
      schema: { tags: ['problems'], summary: 'Create a problem (assessment.md section 1)', headers: authHeaders, body: problemBody },
    },
    async (request, reply) => {
      const principal = request.principal!;
      if ((await store.problem(request.body.id)) !== undefined) {
        throw new VigilError('PROBLEM_INVALID', `problem "${request.body.id}" exists: PUT /api/v1/problems/${request.body.id} stores a new version`, { path: '/id' });
      }
      const result = await store.defineProblem(request.body, principal.id);
      return reply.status(201).send({ id: result.id, version: result.version });
    },
  );

  app.put(
    '/api/v1/problems/:id',
    {
      config: { access: 'problem.write' },
      validatorCompiler: problemValidator as never,
      schema: { tags: ['problems'], summary: 'Store a new version of a problem model', headers: authHeaders, params: problemIdParams, body: problemBody },
    },
    async (request) => {
      if (request.body.id !== request.params.id) {
        throw new VigilError('PROBLEM_INVALID', `the body's id "${request.body.id}" is not the problem in the path ("${request.params.id}")`, { path: '/id' });
      }
      await requireProblem(request.params.id);
      const result = await store.defineProblem(request.body, request.principal!.id);
      return { id: result.id, version: result.version, changed: result.changed };
    },
  );

  app.get(
    '/api/v1/problems',
    { config: { access: 'problem.read' }, schema: { tags: ['problems'], summary: 'Every problem with its level, pDangerous, leading hypothesis and when it last changed', headers: authHeaders } },
    async (request) => {
      const now = ctx.now();
      const current = new Map((await store.currentAssessments()).map((a) => [a.problem, a]));
      const problems = await Promise.all(
        (await store.problems()).map(async (p) => {
          const a = await ctx.metrics.timeAssessment(() => store.assess(p.id, now, { ignored: 'count' }));
          const hidden = await hiddenReports(store.db, p.id, request.principal!);
          const updated = current.get(p.id)?.instant;
          return {
            id: p.id,
            title: p.title,
            version: p.version,
            level: a.level,
            pDangerous: a.pDangerous,
            words: estimativeWords(a.pDangerous),
            leading: a.leading,
            counted: a.counted.length,
            // Counted reports the reader may not see.
            withheld: a.counted.filter((r) => hidden.has(r.id)).length,
            updatedAt: updated === undefined ? null : new Date(updated).toISOString(),
          };
        }),
      );
      return { at: new Date(now).toISOString(), problems };
    },
  );

  app.get(
    '/api/v1/problems/:id',
    { config: { access: 'problem.read' }, schema: { tags: ['problems'], summary: 'The model (current version) and its current assessment', headers: authHeaders, params: problemIdParams } },
    async (request) => {
      const principal = request.principal!;
      const model = await requireProblem(request.params.id);
      const a = await ctx.metrics.timeAssessment(() => store.assess(model.problem.id, ctx.now(), { ignored: 'count' }));
      const hidden = await hiddenReports(store.db, model.problem.id, principal);
      return {
        version: model.version,
        problem: model.problem,
        assessment: { ...redactAssessment(assessmentToJson(a), a.counted, hidden, a.ignoredCount), version: a.version, ignoredCount: a.ignoredCount, words: estimativeWords(a.pDangerous) },
        dissents: await openDissents(model.problem.id, ctx.now()),
      };
    },
  );

  app.get(
    '/api/v1/problems/:id/versions',
    { config: { access: 'problem.read' }, schema: { tags: ['problems'], summary: 'Every version of the model: who stored it and when', headers: authHeaders, params: problemIdParams } },
    async (request) => {
      await requireProblem(request.params.id);
      return { versions: await modelVersions(store.db, request.params.id) };
    },
  );

  app.get(
    '/api/v1/problems/:id/assessment',
    {
      config: { access: 'problem.read' },
      schema: {
        tags: ['problems'],
        summary: 'The assessment as the system knew it at `at` (default now), shaped as assessment.md section 7, with `withheld` counts',
        headers: authHeaders,
        params: problemIdParams,
        querystring: assessmentQuery,
      },
    },
    async (request) => {
      const at = instantOf(request.query.at);
      // An unknown problem is PROBLEM_NOT_FOUND from the assessment itself.
      const a = await ctx.metrics.timeAssessment(() => store.assess(request.params.id, at, { ignored: request.query.ignored ?? 'list' }));
      const hidden = await hiddenReports(store.db, request.params.id, request.principal!);
      return {
        ...redactAssessment(assessmentToJson(a), a.counted, hidden, a.ignoredCount),
        version: a.version,
        ignoredCount: a.ignoredCount,
        words: estimativeWords(a.pDangerous),
        // Beside the official assessment: the dissents open at that instant.
        dissents: await openDissents(request.params.id, at),
      };
    },
  );

  app.get(
    '/api/v1/problems/:id/timeline',
    {
      config: { access: 'problem.read' },
      schema: {
        tags: ['problems'],
        summary: 'The replay up to `at` (default now): pDangerous, leading hypothesis and level at every report instant, and every level change with its evidence and advice',
        headers: authHeaders,
        params: problemIdParams,
        querystring: atQuery,
      },
    },
    async (request) => {
      const at = instantOf(request.query.at);
      const model = await modelAt(store.db, request.params.id, at); // PROBLEM_NOT_FOUND when unknown
      const [reports, corrections] = await Promise.all([storedReports(store.db, request.params.id, at), storedCorrections(store.db, request.params.id, at)]);
      const result = await ctx.metrics.timeAssessment(async () => replay(model.problem, reports, { at, corrections }));
      const hidden = await hiddenReports(store.db, request.params.id, request.principal!);
      let withheld = 0;
      const changes = result.changes.map((change) => {
        const evidence = change.evidence.filter((e) => !hidden.has(e.report));
        withheld += change.evidence.length - evidence.length;
        return { ...change, evidence };
      });
      return {
        problem: request.params.id,
        version: model.version,
        at: new Date(at).toISOString(),
        levels: model.problem.warning.levels,
        points: result.points.map((p) => ({ at: new Date(p.at).toISOString(), pDangerous: p.pDangerous, leading: p.leading, level: p.level })),
        changes,
        finalLevel: result.finalLevel,
        withheld,
      };
    },
  );

  app.get(
    '/api/v1/problems/:id/ach',
    {
      config: { access: 'problem.read' },
      schema: { tags: ['problems'], summary: 'The ACH matrix derived from the model at `at` (assessment.md section 8)', headers: authHeaders, params: problemIdParams, querystring: atQuery },
    },
    async (request) => {
      const principal = request.principal!;
      const at = instantOf(request.query.at);
      const model = await modelAt(store.db, request.params.id, at); // PROBLEM_NOT_FOUND when unknown
      const a = await store.assess(request.params.id, at, { ignored: 'count' });
      const matrix = deriveAchMatrix(model.problem, a.counted, at);
      const hidden = await hiddenReports(store.db, request.params.id, principal);
      const rows = matrix.rows.filter((row) => !hidden.has(row.id));
      // Scores are over every counted report (the same for every reader); rows the reader may
      // not see are withheld.
      const scores = scoreAch(matrix);
      return {
        at: new Date(at).toISOString(),
        hypotheses: matrix.hypotheses,
        rows,
        scores: { ...scores, nonDiagnostic: scores.nonDiagnostic.filter((id) => !hidden.has(id)) },
        withheld: matrix.rows.length - rows.length,
      };
    },
  );
}
