/**
 * Demo mode: the southern-front example, one user per role, and its 83 reports replayed live
 * in accelerated time, so a newcomer sees the levels change within a minute.
 *
 * Time is scaled exactly: the reports' spacing, their observation ages and the indicators'
 * half-lives are all divided by one factor, so the posterior and the levels follow the same
 * course as the original weeks, only faster. Some sources are marked (signals intelligence
 * SECRET, the human sources CONFIDENTIAL) so the viewer account shows withheld markers.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clearance, Role } from '../app/access.js';
import type { IncomingReport } from '../app/store.js';
import type { Problem, Report } from '../core/model.js';
import { validateProblem } from '../core/problem-schema.js';
import { parseReportsText } from '../core/report-file.js';
import type { RunningServer } from '../http/server.js';
import { loadOrganisation } from '../warn/organisation-store.js';
import { parse as parseYaml } from 'yaml';

/** The example's directory: found upwards from this module (it runs from src/ in tests, dist/src/ when built). */
function exampleDir(): URL {
  for (let dir = new URL('./', import.meta.url); dir.pathname !== '/'; dir = new URL('../', dir)) {
    const candidate = new URL('examples/southern-front/', dir);
    if (existsSync(new URL('problem.yaml', candidate))) return candidate;
  }
  throw new Error('the demo example (examples/southern-front) is missing from this installation');
}

/** The demo's users: one per role. */
const DEMO_USERS: readonly { username: string; roles: Role[]; clearance: Clearance }[] = [
  { username: 'viewer', roles: ['viewer'], clearance: 'UNCLASSIFIED' },
  { username: 'analyst', roles: ['analyst'], clearance: 'SECRET' },
  { username: 'senior', roles: ['senior-analyst'], clearance: 'SECRET' },
  { username: 'duty', roles: ['duty-officer'], clearance: 'SECRET' },
  { username: 'chief', roles: ['decision-maker'], clearance: 'TOP SECRET' },
  { username: 'auditor', roles: ['auditor'], clearance: 'TOP SECRET' },
];

/** The marking the demo gives a report by its source. */
function markingOf(source: string): string {
  if (source === 'sigint') return 'SECRET';
  if (source === 'wren' || source === 'kestrel' || source === 'orchard') return 'CONFIDENTIAL';
  return 'UNCLASSIFIED';
}

export interface DemoOptions {
  /** How long the replay takes, in seconds. */
  readonly seconds: number;
  readonly print: (text: string) => void;
  /** Stops the replay (the server is shutting down): no report is sent after it fires. */
  readonly signal?: AbortSignal;
}

/** The demo problem: the example with its half-lives divided by `factor`. */
export function scaledProblem(problem: Problem, factor: number): Problem {
  return {
    ...problem,
    id: `${problem.id}-demo`,
    title: `${problem.title} (demo, time x${Math.round(factor)})`,
    indicators: problem.indicators.map((i) => (i.halfLifeHours === undefined ? i : { ...i, halfLifeHours: i.halfLifeHours / factor })),
  };
}

/** Loads the demo into a running server and replays its reports; resolves when all are in. */
export async function runDemo(server: RunningServer, options: DemoOptions): Promise<void> {
  const { store, accounts } = server;
  const example = exampleDir();
  const problemResult = validateProblem(parseYaml(await readFile(new URL('problem.yaml', example), 'utf8')));
  if (!problemResult.ok) throw new Error('the demo problem does not validate');
  const parsed = parseReportsText(await readFile(new URL('reports.jsonl', example), 'utf8'), 'jsonl', problemResult.value);
  const reports = [...parsed.reports].sort((a, b) => a.received - b.received);
  const first = reports[0]?.received ?? 0;
  const span = Math.max(1, (reports.at(-1)?.received ?? 0) - first);
  const factor = span / (options.seconds * 1000);
  const problem = scaledProblem(problemResult.value, factor);

  const lines = ['Demo users (passwords shown once):'];
  let analyst = 'demo';
  for (const user of DEMO_USERS) {
    const existing = await accounts.user(user.username);
    if (existing !== undefined) {
      lines.push(`  ${user.username.padEnd(8)} (exists; vigil user reset-password ${user.username} sets a new password)`);
      if (user.username === 'analyst') analyst = existing.id;
      continue;
    }
    const password = randomPassword();
    const created = await accounts.createUser({ username: user.username, password, roles: user.roles, clearance: user.clearance }, 'system');
    if (user.username === 'analyst') analyst = created.id;
    lines.push(`  ${user.username.padEnd(8)} ${password}   ${user.roles.join(', ')}, cleared ${user.clearance}`);
  }
  options.print(lines.join('\n') + '\n');
  await store.defineProblem(problem, analyst);
  // The example organisation, its policy pointed at the demo problem: warnings reach the demo users.
  const organisation = parseYaml(await readFile(new URL('organisation.yaml', example), 'utf8')) as { policies?: { problem: string }[] };
  for (const policy of organisation.policies ?? []) if (policy.problem === problemResult.value.id) policy.problem = problem.id;
  await loadOrganisation(store, organisation, 'system');
  options.print(`Demo: replaying ${reports.length} reports of "${problem.id}" over ${options.seconds} s (time x${Math.round(factor)}).\n`);

  const start = Date.now();
  for (const report of reports) {
    const due = start + (report.received - first) / factor;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait, undefined, { signal: options.signal }).catch(() => undefined);
    if (options.signal?.aborted === true) return;
    const now = Date.now();
    const scaled: Report = { ...report, id: report.id, at: Math.min(now, now - (report.received - report.at) / factor), received: now };
    const incoming: IncomingReport = { report: scaled, classification: markingOf(report.source) };
    await store.recordReports(problem.id, [incoming], { actor: analyst });
  }
  const final = await store.assess(problem.id, Date.now(), { ignored: 'count' });
  options.print(`Demo: all reports in; "${problem.id}" is at level ${final.level} (pDangerous ${(final.pDangerous * 100).toFixed(1)} %).\n`);
}

function randomPassword(): string {
  return randomBytes(15).toString('base64url');
}

