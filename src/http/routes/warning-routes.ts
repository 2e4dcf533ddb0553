/**
 * Warnings (list, detail with who was told, acknowledgment, CAP 1.2 alerts and their Atom feed)
 * and the organisation they reach. No route here reads XML: the CAP routes only write it, and
 * the app has no XML body parser (an XML body is 415), so no entity is ever expanded.
 */
import { z } from 'zod';
import type { Principal } from '../../app/access.js';
import { visibleEvidence } from '../../app/need-to-know.js';
import { VigilError } from '../../core/errors.js';
import { coverageGaps } from '../../warn/coverage.js';
import { organisationSchema } from '../../warn/organisation.js';
import { contacts, currentOrganisation, loadOrganisation } from '../../warn/organisation-store.js';
import { CAP_MEDIA_TYPE, capAlert, type CapSettings } from '../../warn/cap.js';
import { capFeed, type CapFeedEntry } from '../../warn/cap-feed.js';
import { listWarnings, nextEscalationStep, warningById, warningHistory, type WarningRow } from '../../warn/warning-reads.js';
import { refusalsRecorded } from '../auth.js';
import type { App, ServerContext } from '../context.js';
import { authHeaders } from '../schemas.js';

/** How long a closed warning's all-clear stays in the CAP feed (ms). */
const ALL_CLEAR_IN_FEED_MS = 24 * 3600 * 1000;

export const warningsQuery = z.strictObject({
  state: z.enum(['open', 'acknowledged', 'all'], { error: 'must be "open", "acknowledged" or "all"' }).optional(),
  mine: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
});
export const warningParams = z.strictObject({ id: z.string().min(1).max(100, 'must be at most 100 characters') });
export const coverageQuery = z.strictObject({
  days: z.coerce.number({ error: 'must be a number of days' }).int('must be whole days').min(1, 'must be at least 1').max(366, 'must be at most 366').optional(),
});
export const acknowledgeBody = z.strictObject({
  version: z.number({ error: 'must be a version number' }).int().min(1).optional(),
  note: z.string({ error: 'must be a string' }).max(2000, 'must be at most 2000 characters').optional(),
});

export function warningRoutes(app: App, ctx: ServerContext, cap: CapSettings): void {
  const { store } = ctx;

  /** A warning as a reader receives it: evidence the reader may not see is withheld. */
  const forReader = async (w: WarningRow, principal: Principal) => {
    const { items: evidence, withheld } = await visibleEvidence(store.db, w.problem, principal, w.judgment.evidence);
    const history = await warningHistory(store.db, w.id);
    const acknowledged = history.acknowledgments.some((a) => a.version === w.version);
    const next = w.state === 'open' ? await nextEscalationStep(store.db, w.id) : undefined;
    return {
      id: w.id,
      problem: w.problem,
      state: w.state,
      version: w.version,
      acknowledged,
      openedAt: w.openedAt,
      updatedAt: w.updatedAt,
      ...(w.closedAt !== undefined ? { closedAt: w.closedAt } : {}),
      level: w.judgment.level,
      pDangerous: w.judgment.pDangerous,
      words: w.judgment.words,
      leading: w.judgment.leading,
      judgment: { ...w.judgment, evidence, withheld },
      notified: history.notifications,
      // The escalation's next step, due unless someone acknowledges first.
      ...(next !== undefined ? { nextStep: next } : {}),
      deliveries: history.deliveries,
      acknowledgments: history.acknowledgments,
      versions: history.versions.map((v) => ({ version: v.version, at: v.at, reason: v.reason, level: v.judgment.level, pDangerous: v.judgment.pDangerous })),
    };
  };

  /** The organisation person of a signed-in user, if any. */
  const personOf = async (principal: Principal) => {
    const { organisation } = await currentOrganisation(store);
    return principal.kind === 'user' ? organisation.people.find((p) => p.user === principal.name)?.id : undefined;
  };

  app.get(
    '/api/v1/warnings',
    {
      config: { access: 'problem.read' },
      schema: { tags: ['warnings'], summary: 'Warnings with level, pDangerous, who was told so far and acknowledgments; `mine=true`: those sent to me', headers: authHeaders, querystring: warningsQuery },
    },
    async (request) => {
      const principal = request.principal!;
      const warnings = await listWarnings(store.db, request.query.state ?? 'open');
      const me = request.query.mine === 'true' ? await personOf(principal) : undefined;
      const out = [];
      for (const w of warnings) {
        const view = await forReader(w, principal);
        if (request.query.mine === 'true' && !view.notified.some((n) => n.person === me)) continue;
        out.push(view);
      }
      return { warnings: out };
    },
  );

  app.get(
    '/api/v1/warnings/:id',
    { config: { access: 'problem.read' }, schema: { tags: ['warnings'], summary: 'One warning: every version, who was told through which channel, deliveries, acknowledgments', headers: authHeaders, params: warningParams } },
    async (request) => {
      const w = await warningById(store.db, request.params.id);
      if (w === undefined) throw new VigilError('NOT_FOUND', `no warning "${request.params.id}"`);
      return forReader(w, request.principal!);
    },
  );

  app.post(
    '/api/v1/warnings/:id/acknowledge',
    {
      config: { access: 'problem.read' },
      schema: {
        tags: ['warnings'],
        summary: 'Acknowledge ("I have read this version"): a recipient, a duty officer or a decision-maker; `version` guards against acknowledging what you have not read',
        headers: authHeaders,
        params: warningParams,
        body: acknowledgeBody,
      },
    },
    async (request, reply) => {
      const result = await refusalsRecorded(store, request, 'warning.acknowledge', () => ctx.warnings.acknowledge(request.params.id, request.principal!, {
        via: request.session !== undefined ? 'in-app' : 'api',
        ...(request.body.version !== undefined ? { version: request.body.version } : {}),
        ...(request.body.note !== undefined ? { note: request.body.note } : {}),
      }));
      return reply.status(201).send(result);
    },
  );

  /** The CAP alert of a warning's current version. */
  const alertOf = async (w: WarningRow) => {
    const model = await store.problem(w.problem);
    const history = await warningHistory(store.db, w.id);
    const leadingTitle = model?.problem.hypotheses.find((h) => h.id === w.judgment.leading)?.title;
    return capAlert(
      {
        warning: w.id,
        state: w.state,
        version: w.version,
        judgment: w.judgment,
        versions: history.versions,
        problem: {
          id: w.problem,
          title: model?.problem.title ?? w.problem,
          levels: Math.max(w.judgment.levelIndex + 1, model?.problem.warning.levels.length ?? 0),
          ...(leadingTitle !== undefined ? { leadingTitle } : {}),
        },
      },
      cap,
    );
  };

  app.get(
    '/api/v1/warnings/cap',
    {
      config: { access: 'problem.read' },
      schema: {
        tags: ['warnings'],
        summary: 'Atom feed (RFC 4287) of the current warnings: one entry per open warning, and per warning closed in the last 24 hours (its all-clear), each linking its CAP 1.2 alert',
        headers: authHeaders,
      },
    },
    async (_request, reply) => {
      const now = ctx.now();
      const current = (await listWarnings(store.db, 'all')).filter((w) => w.state === 'open' || now - Date.parse(w.closedAt ?? w.updatedAt) <= ALL_CLEAR_IN_FEED_MS);
      const entries: CapFeedEntry[] = [];
      for (const w of current) {
        const model = await store.problem(w.problem);
        entries.push({
          warning: w.id,
          state: w.state,
          version: w.version,
          problemTitle: model?.problem.title ?? w.problem,
          level: w.judgment.level,
          pDangerous: w.judgment.pDangerous,
          words: w.judgment.words,
          updated: w.updatedAt,
          capUrl: `${cap.publicUrl ?? ''}/api/v1/warnings/${encodeURIComponent(w.id)}/cap`,
        });
      }
      const updated = entries.map((e) => e.updated).sort().at(-1) ?? new Date(now).toISOString();
      const feed = capFeed(entries, { sender: cap.sender, selfUrl: `${cap.publicUrl ?? ''}/api/v1/warnings/cap`, updated });
      return reply.type('application/atom+xml; charset=utf-8').header('cache-control', 'no-store').send(feed);
    },
  );

  app.get(
    '/api/v1/warnings/:id/cap',
    {
      config: { access: 'problem.read' },
      schema: {
        tags: ['warnings'],
        summary:
          'The current version as a CAP 1.2 alert (application/cap+xml): Alert, then Update with references as the warning changes, an all-clear Update when it ends; the exact pDangerous, level and colour as parameters; no report named',
        headers: authHeaders,
        params: warningParams,
      },
    },
    async (request, reply) => {
      const w = await warningById(store.db, request.params.id);
      if (w === undefined) throw new VigilError('NOT_FOUND', `no warning "${request.params.id}"`);
      const xml = await alertOf(w);
      return reply.type(`${CAP_MEDIA_TYPE}; charset=utf-8`).header('cache-control', 'no-store').send(xml);
    },
  );

  app.put(
    '/api/v1/organisation',
    {
      config: { access: 'organisation.manage' },
      bodyLimit: 8 * 1024 * 1024,
      schema: { tags: ['warnings'], summary: 'Replace the organisation: people and channels, roles with deputies, absences, escalation policies', headers: authHeaders, body: organisationSchema },
    },
    async (request) => {
      const { seq, organisation } = await loadOrganisation(store, request.body, request.principal!.id);
      return { seq, people: organisation.people.length, roles: organisation.roles.length, policies: organisation.policies.length };
    },
  );

  app.get(
    '/api/v1/organisation/coverage',
    {
      config: { access: 'organisation.manage' },
      schema: { tags: ['warnings'], summary: 'Roles that will have nobody reachable in the next `days` (default 7): holder, deputies and delegates all away', headers: authHeaders, querystring: coverageQuery },
    },
    async (request) => {
      const { organisation } = await currentOrganisation(store);
      const from = ctx.now();
      const to = from + (request.query.days ?? 7) * 24 * 3_600_000;
      return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), gaps: coverageGaps(organisation, from, to, ctx.warnings.availableChannels) };
    },
  );

  app.get(
    '/api/v1/organisation',
    { config: { access: 'organisation.manage' }, schema: { tags: ['warnings'], summary: 'The organisation in force, with contact details', headers: authHeaders } },
    async () => {
      const { seq, organisation } = await currentOrganisation(store);
      return { seq, ...organisation, contacts: await contacts(store) };
    },
  );
}
