/**
 * Warnings through the API, for the HTTP tests: reports that raise (or lower) the tiny problem
 * posted through `POST .../reports`, then a wait for the warning engine that runs inside the
 * app, and the open warning read back through `GET /api/v1/warnings`.
 */
import { expect } from 'vitest';
import type { Clearance } from '../../src/app/access.js';
import type { Caller, TestServer } from './server-fixture.js';

let sources = 0;

/**
 * A report on `scouts` or `trucks`, graded A1, from a source of its own, observed a minute ago
 * (as warn-fixture's raise: scouts alone cannot pass the warning threshold, trucks can).
 */
export function gradedReport(
  server: Pick<TestServer, 'clock'>,
  indicator: 'scouts' | 'trucks',
  observed: 'present' | 'absent',
  extra: { id?: string; classification?: Clearance } = {},
): Record<string, unknown> {
  const n = ++sources;
  return {
    id: extra.id ?? `w-${observed}-${n}`,
    indicator,
    observed,
    at: new Date(server.clock.now().getTime() - 60_000).toISOString(),
    source: `w-src-${n}`,
    reliability: 'A',
    credibility: '1',
    ...(extra.classification !== undefined ? { classification: extra.classification } : {}),
  };
}

/** Posts reports as `caller` (default the analyst's token), expects 201, and waits for the warning engine. */
export async function post(
  server: TestServer,
  reports: Record<string, unknown>[],
  caller: Caller = server.tokens.analyst,
): Promise<void> {
  const answer = await server.app.inject({
    method: 'POST',
    url: '/api/v1/problems/tiny/reports',
    headers: caller.headers,
    payload: { reports },
  });
  expect(answer.statusCode, answer.body).toBe(201);
  await server.context.warnings.idle();
}

/** The tiny problem's level now. */
export async function levelNow(server: TestServer): Promise<string> {
  return (await server.store.assess('tiny', server.clock.now().getTime(), { ignored: 'count' })).level;
}

/** Posts present reports, trucks and scouts in turn, until the level is `warning`; then `extra` more. */
export async function raise(server: TestServer, extra = 0): Promise<void> {
  for (let k = 0; k < 20 && (await levelNow(server)) !== 'warning'; k++)
    await post(server, [gradedReport(server, k % 2 === 0 ? 'trucks' : 'scouts', 'present')]);
  expect(await levelNow(server)).toBe('warning');
  for (let k = 0; k < extra; k++)
    await post(server, [gradedReport(server, k % 2 === 0 ? 'trucks' : 'scouts', 'present')]);
}

/** Posts absent reports until the level is back to `normal`. */
export async function lower(server: TestServer): Promise<void> {
  for (let k = 0; k < 60 && (await levelNow(server)) !== 'normal'; k++)
    await post(server, [gradedReport(server, k % 2 === 0 ? 'trucks' : 'scouts', 'absent')]);
  expect(await levelNow(server)).toBe('normal');
}

/** A warning as GET /api/v1/warnings answers it (the fields the tests read). */
export interface WarningView {
  id: string;
  problem: string;
  state: 'open' | 'closed';
  version: number;
  acknowledged: boolean;
  level: string;
  pDangerous: number;
  words: string;
  leading: string;
  judgment: { evidence: { report: string; impact: number; flips: boolean }[]; withheld: number };
  notified: { person: string; version: number; reason: string }[];
  acknowledgments: { version: number; user: string; person?: string }[];
  versions: { version: number; at: string; reason: string; level: string; pDangerous: number }[];
  openedAt: string;
  nextStep?: { due: string; step: number; version: number };
}

/** GET /api/v1/warnings (with a query) as `caller`: the warnings listed. */
export async function listed(server: TestServer, caller: Caller, query = ''): Promise<WarningView[]> {
  const answer = await server.app.inject({
    method: 'GET',
    url: `/api/v1/warnings${query}`,
    headers: caller.headers,
  });
  expect(answer.statusCode, answer.body).toBe(200);
  return (answer.json() as { warnings: WarningView[] }).warnings;
}

/** The one open warning of the tiny problem. */
export async function theOpenWarning(server: TestServer): Promise<WarningView> {
  const open = (await listed(server, server.tokens.viewer, '?state=all')).filter((w) => w.state === 'open');
  expect(open).toHaveLength(1);
  return open[0]!;
}
