/**
 * The warning acceptance tests' world: a store on a fake clock with the tiny problem, a webhook
 * collector on loopback (each person's webhook is `<collector>/<person>`), an organisation, and
 * the engine with a webhook channel whose ticks the test runs by hand.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { Store } from '../../src/app/store.js';
import type { Report } from '../../src/core/model.js';
import { WarningEngine, type EngineOptions } from '../../src/warn/engine.js';
import type { OrganisationDocument } from '../../src/warn/organisation.js';
import { loadOrganisation } from '../../src/warn/organisation-store.js';
import { WebhookChannel } from '../../src/warn/webhook-channel.js';
import { fakeClock, STORES, type StoreFixture } from '../app/stores.js';

export const T0 = Date.parse('2023-10-07T03:00:00Z');
export const SECRET = 'collector-shared-secret-0123456789';
const TINY = parseYaml(readFileSync(new URL('../fixtures/tiny-problem.yaml', import.meta.url), 'utf8')) as Record<string, unknown>;

/** A webhook the collector received. */
export interface Received {
  readonly person: string;
  /** Fake-clock instant it arrived at (ms). */
  readonly at: number;
  readonly body: Record<string, unknown>;
  readonly headers: IncomingMessage['headers'];
  readonly raw: string;
}

/** How the collector answers a person's webhook: a status, or `hang` (never answers). */
export type Answer = number | 'hang';

export interface World {
  readonly store: Store;
  readonly engine: WarningEngine;
  readonly clock: { now: () => Date; set(ms: number): void };
  readonly received: Received[];
  /** Sets how the collector answers attempt n (from 1) of each delivery to a person. */
  answer(person: string, answers: (attempt: number) => Answer): void;
  readonly collectorUrl: string;
  /** Records present reports (scouts and trucks) from new sources until the level is `warning`. */
  raise(): Promise<void>;
  /** Records absent reports until the level is back to `normal`. */
  lower(): Promise<void>;
  /** Moves the clock to `ms` and runs the engine's due timers. */
  at(ms: number): Promise<void>;
  /** Webhooks received by a person (not counting those the collector failed on purpose). */
  deliveredTo(person: string): Received[];
  events(type: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

let sources = 0;

export async function startWorld(org: (collector: string) => OrganisationDocument, options: Partial<EngineOptions> & { fixture?: StoreFixture; dataDir?: { options: Parameters<typeof Store.open>[0]; dispose(): Promise<void> } } = {}): Promise<World> {
  const fresh = options.dataDir ?? (await (options.fixture ?? STORES[0]!).fresh());
  const clock = fakeClock(T0);
  const received: Received[] = [];
  const answers = new Map<string, (attempt: number) => Answer>();
  const hanging: ServerResponse[] = [];
  const collector: Server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    request.on('end', () => {
      const person = (request.url ?? '/').slice(1);
      const attempt = Number(request.headers['x-vigil-attempt'] ?? 1);
      const answer = answers.get(person)?.(attempt) ?? 200;
      received.push({ person, at: clock.now().getTime(), body: JSON.parse(raw) as Record<string, unknown>, headers: request.headers, raw });
      if (answer === 'hang') {
        hanging.push(response);
        return;
      }
      response.writeHead(answer).end();
    });
  });
  collector.listen(0, '127.0.0.1');
  await once(collector, 'listening');
  const address = collector.address() as { port: number };
  const collectorUrl = `http://127.0.0.1:${address.port}`;

  const store = await Store.open({ ...fresh.options, clock: clock.now });
  if ((await store.problem('tiny')) === undefined) await store.defineProblem(TINY, 'test');
  await loadOrganisation(store, org(collectorUrl), 'test');
  const engine = new WarningEngine(store, {
    clock: clock.now,
    channels: [new WebhookChannel({ secret: SECRET, timeoutMs: 300 })],
    tickMs: 3_600_000,
    reevaluateMs: 3_600_000_000,
    random: () => 0.5,
    onError: (error) => {
      throw error;
    },
    ...options,
  });
  engine.start();

  const level = async () => (await store.assess('tiny', clock.now().getTime(), { ignored: 'count' })).level;
  const report = (observed: 'present' | 'absent'): Report => {
    const now = clock.now().getTime();
    // Scouts alone cannot pass 31 %: alternate with trucks.
    return { id: `r${++sources}`, indicator: sources % 2 === 0 ? 'scouts' : 'trucks', observed, at: now - 1000, received: now, source: `src-${sources}`, reliability: 'A', credibility: '1' };
  };
  const world: World = {
    store,
    engine,
    clock,
    received,
    collectorUrl,
    answer: (person, fn) => void answers.set(person, fn),
    async raise() {
      for (let k = 0; k < 20 && (await level()) !== 'warning'; k++) await store.recordReports('tiny', [{ report: report('present') }], { actor: 'analyst' });
      await engine.idle();
    },
    async lower() {
      for (let k = 0; k < 40 && (await level()) !== 'normal'; k++) await store.recordReports('tiny', [{ report: report('absent') }], { actor: 'analyst' });
      await engine.idle();
    },
    async at(ms) {
      clock.set(ms);
      await engine.idle();
      await engine.tick();
      await engine.idle();
    },
    deliveredTo: (person) => received.filter((r) => r.person === person),
    async events(type) {
      const out: Record<string, unknown>[] = [];
      for await (const e of store.log.read()) if (e.type === type) out.push({ ...e.data, at: e.at, actor: e.actor });
      return out;
    },
    async close() {
      await engine.stop();
      for (const response of hanging) response.destroy();
      collector.closeAllConnections();
      collector.close();
      await store.close();
      await fresh.dispose();
    },
  };
  return world;
}

/** An organisation: duty officers d1 (holder) and d2 (deputy), head of research h1, control c1. */
export function standardOrganisation(steps: OrganisationDocument['policies'][number]['levels'][string], extra: Partial<OrganisationDocument> = {}) {
  return (collector: string): OrganisationDocument => ({
    people: ['d1', 'd2', 'h1', 'c1'].map((id) => ({ id, name: `Person ${id}`, user: `user-${id}`, webhook: `${collector}/${id}` })),
    roles: [
      { id: 'duty-officer', title: 'Duty officer', holder: 'd1', deputies: ['d2'] },
      { id: 'head-of-research', title: 'Head of research', holder: 'h1', deputies: [] },
      { id: 'control', title: 'Control', holder: 'c1', deputies: [] },
    ],
    absences: [],
    policies: [{ problem: 'tiny', control: 'control', materialChange: 0.1, levels: { warning: steps } }],
    ...extra,
  });
}
