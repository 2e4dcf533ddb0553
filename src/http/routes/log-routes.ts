/**
 * The event log for auditors: raw events (audit-log.md) and a JSON Lines export. Events about a
 * report the auditor may not see keep their envelope (seq, hash, prev...) so the chain is still
 * visible, but carry `"withheld": true` instead of their data.
 */
import { Readable } from 'node:stream';
import { redactFeed } from '../../app/need-to-know.js';
import { encodeExportHeader } from '../../log/export.js';
import { encodeRecord, type EventRecord } from '../../log/event.js';
import type { App, ServerContext } from '../context.js';
import { authHeaders, eventsQuery, exportQuery } from '../schemas.js';

/** An event with its data withheld: every member but `data`, and `withheld: true`. */
function withheldEnvelope(event: Omit<EventRecord, 'data'>): Record<string, unknown> {
  return { seq: event.seq, id: event.id, at: event.at, type: event.type, stream: event.stream, actor: event.actor, prev: event.prev, hash: event.hash, withheld: true };
}

export function logRoutes(app: App, ctx: ServerContext): void {
  const { store } = ctx;

  app.get(
    '/api/v1/events',
    {
      config: { access: 'log.read' },
      schema: { tags: ['log'], summary: 'Raw events from seq `from` (audit-log.md section 1); `next` is the seq to ask for next', headers: authHeaders, querystring: eventsQuery },
    },
    async (request) => {
      const principal = request.principal!;
      const from = request.query.from ?? 1;
      const limit = request.query.limit ?? 1000;
      const events = [];
      for await (const event of store.log.read({ from, limit })) events.push(event);
      const { withheld, reads } = await redactFeed(store.db, principal, events);
      await ctx.recordReads(principal, '/api/v1/events', reads);
      const last = events.at(-1);
      return {
        events: events.map((e) => (withheld.has(e.seq) ? withheldEnvelope(e) : e)),
        withheld: withheld.size,
        next: last === undefined ? from : last.seq + 1,
      };
    },
  );

  app.get(
    '/api/v1/export',
    {
      config: { access: 'log.read' },
      schema: {
        tags: ['log'],
        summary: 'Export (audit-log.md section 3) as JSON Lines; an event the reader may not see is an envelope with `"withheld": true` and no data',
        headers: authHeaders,
        querystring: exportQuery,
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      const from = request.query.from ?? 1;
      const headSeq = (await store.log.head())?.seq ?? 0;
      const to = Math.max(from - 1, Math.min(request.query.to ?? headSeq, headSeq));
      const header = encodeExportHeader({ vigilLog: 1, publicKeys: await store.log.publicKeys(), from, to });
      async function* lines(): AsyncGenerator<string> {
        yield header + '\n';
        if (to < from) return;
        for await (const page of store.log.readRecords({ from, to }, 5_000)) {
          const { withheld, reads } = await redactFeed(store.db, principal, page);
          await ctx.recordReads(principal, '/api/v1/export', reads);
          yield page.map((record) => (withheld.has(record.seq) ? JSON.stringify(withheldEnvelope(record)) : encodeRecord(record)) + '\n').join('');
        }
      }
      return reply
        .type('application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="vigil-log-${from}-${to}.jsonl"`)
        .send(Readable.from(lines()));
    },
  );
}
