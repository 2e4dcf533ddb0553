/**
 * What the browser tests share: Debian's Chromium driven by playwright-core (no browser
 * download), a real Vigil server on a fresh data directory and a free port, the southern-front
 * example with some history, and users and API tokens per role. Where Chromium is absent the
 * suite says so plainly, and fails under CI, where it must run.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { describe, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { Clearance, Role } from '../../src/app/access.js';
import type { IncomingReport } from '../../src/app/store.js';
import type { Problem, Report } from '../../src/core/model.js';
import { validateProblem } from '../../src/core/problem-schema.js';
import { parseReportsText } from '../../src/core/report-file.js';
import { startServer, type RunningServer } from '../../src/http/server.js';
import { findWebRoot } from '../../src/http/web-ui.js';

export const CHROMIUM = '/usr/bin/chromium';
export const PASSWORD = 'a long test password 1';
export const PROBLEM_ID = 'southern-front';
/** Where each run leaves a screenshot of every main page (git-ignored). */
export const SCREENSHOTS = new URL('../../test-results/screenshots/', import.meta.url);

const unavailable = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is not installed (apt-get install chromium)`;

/**
 * Declares a browser suite. Without Chromium it is one test named "NOT RUN: ...", announced
 * on stderr, that fails when the CI variable is set.
 */
export function describeInBrowser(title: string, suite: () => void): void {
  if (unavailable !== undefined) {
    const why = `browser tests "${title}" NOT RUN: ${unavailable}`;
    console.warn(`\n*** ${why} ***\n`);
    describe(title, () => {
      test(why, () => {
        if (process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false') throw new Error(`under CI the browser tests must run: ${why}`);
      });
    });
    return;
  }
  describe(title, suite);
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless'] });
}

export interface WebServer {
  readonly server: RunningServer;
  readonly url: string;
  /** API token secrets by name. */
  readonly tokens: Record<'analyst' | 'analystSecret', string>;
  /** POSTs to the API with a bearer token. */
  post(path: string, token: string, body: unknown): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

/** The users every browser test may sign in as: name, roles, clearance. */
export const USERS: readonly { name: string; roles: Role[]; clearance: Clearance }[] = [
  { name: 'analyst', roles: ['analyst'], clearance: 'SECRET' },
  { name: 'senior', roles: ['senior-analyst'], clearance: 'SECRET' },
  { name: 'viewer', roles: ['viewer'], clearance: 'UNCLASSIFIED' },
  // The demo's duty officer: the person `duty-1` of examples/southern-front/organisation.yaml.
  { name: 'duty', roles: ['duty-officer'], clearance: 'SECRET' },
];

/** The marking of a seeded report by its source, as the demo does it. */
function markingOf(source: string): string {
  if (source === 'sigint') return 'SECRET';
  if (source === 'wren' || source === 'kestrel' || source === 'orchard') return 'CONFIDENTIAL';
  return 'UNCLASSIFIED';
}

/**
 * Starts a server with the southern-front problem and its first `count` reports, moved so that
 * they were received over the six hours before now (the last ten minutes ago).
 */
export async function startWebServer(count = 40): Promise<WebServer> {
  if (findWebRoot() === undefined) throw new Error('the web UI is not built: run "npm run build" (npm test does) before the browser tests');
  const data = mkdtempSync(join(tmpdir(), 'vigil-web-test-'));
  const server = await startServer(
    { host: '127.0.0.1', port: 0, data, logLevel: 'silent', requestsPerMinute: 100_000, signInPerMinute: 1000, trustProxy: false },
    { adminPassword: 'an admin password for tests' },
  );
  try {
    const example = new URL('../../examples/southern-front/', import.meta.url);
    const parsed = validateProblem(parseYaml(readFileSync(new URL('problem.yaml', example), 'utf8')));
    if (!parsed.ok) throw new Error('the example problem does not validate');
    const problem: Problem = parsed.value;
    await server.store.defineProblem(problem, 'test');
    const all = parseReportsText(readFileSync(new URL('reports.jsonl', example), 'utf8'), 'jsonl', problem).reports;
    const reports = [...all].sort((a, b) => a.received - b.received).slice(0, count);
    if (reports.length > 0) {
      const first = reports[0]!.received;
      const last = reports[reports.length - 1]!.received;
      const end = Date.now() - 10 * 60_000;
      const factor = Math.max(1, (last - first) / (6 * 3600_000));
      const moved: IncomingReport[] = reports.map((r: Report) => {
        const received = end - (last - r.received) / factor;
        return { report: { ...r, received, at: received - (r.received - r.at) / factor }, classification: markingOf(r.source) };
      });
      await server.store.recordReports(PROBLEM_ID, moved, { actor: 'test', backfill: true });
    }

    for (const user of USERS) await server.accounts.createUser({ username: user.name, password: PASSWORD, roles: user.roles, clearance: user.clearance }, 'test');
    const analyst = await server.accounts.createToken({ name: 'sensor feed', roles: ['analyst'], clearance: 'UNCLASSIFIED' }, 'test');
    const analystSecret = await server.accounts.createToken({ name: 'sigint feed', roles: ['analyst'], clearance: 'SECRET' }, 'test');

    const post = async (path: string, token: string, body: unknown) => {
      const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as unknown };
    };
    return {
      server,
      url: server.url,
      tokens: { analyst: analyst.secret, analystSecret: analystSecret.secret },
      post,
      close: async () => {
        await server.close();
        rmSync(data, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server.close();
    rmSync(data, { recursive: true, force: true });
    throw error;
  }
}

/** Problems a page reports: uncaught errors, and anything the CSP refused (the UI must need no exception). */
export function watchForProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  return problems;
}

/** A new browser context at 1280x720 (the smallest screen the watch floor is made for). */
export function newContext(browser: Browser, options: { bypassCSP?: boolean; theme?: 'dark' | 'light' } = {}): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1280, height: 720 }, bypassCSP: options.bypassCSP ?? false, colorScheme: options.theme ?? 'dark' });
}

/** Signs in through the sign-in page (from any path: the page comes back signed in). */
export async function signIn(page: Page, url: string, username: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('header.topbar').waitFor();
}

/** Saves a screenshot of the page as test-results/screenshots/NAME.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname, fullPage: false });
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** The serious and critical violations axe-core finds on the page as it stands. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) allows it.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
}
