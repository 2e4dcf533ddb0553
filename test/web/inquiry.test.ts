/**
 * The inquiry report and calibration in a browser against a real server: an auditor reads the
 * inquiry of a problem with reports and a warning (its key sections, and the log's head hash the
 * same as the API's); after an outcome is recorded through the API, the calibration page shows
 * the reliability diagram (the server's SVG, loaded) and the scores; axe-core finds nothing
 * serious or critical on either page, and each leaves a screenshot.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  describeInBrowser,
  launchBrowser,
  newContext,
  PASSWORD,
  PROBLEM_ID,
  screenshot,
  seriousViolations,
  signIn,
  startWebServer,
  watchForProblems,
  type WebServer,
} from './browser-fixture.js';

describeInBrowser('inquiry and calibration in a browser', () => {
  let web: WebServer;
  let browser: Browser;
  let admin: string;
  const problems: string[] = [];

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebServer(), launchBrowser()]);
    await web.server.accounts.createUser(
      { username: 'auditor', password: PASSWORD, roles: ['auditor'], clearance: 'SECRET' },
      'test',
    );
    admin = (
      await web.server.accounts.createToken(
        { name: 'inquiry admin', roles: ['admin'], clearance: 'TOP SECRET' },
        'test',
      )
    ).secret;
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  async function call(
    method: string,
    path: string,
    token: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${web.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  }

  async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 10_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > end) throw new Error(`not so after ${ms} ms: ${JSON.stringify(value).slice(0, 2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function pageAs(username: string): Promise<Page> {
    const context = await newContext(browser);
    const page = await context.newPage();
    const seen = watchForProblems(page);
    page.on('close', () => problems.push(...seen));
    await signIn(page, `${web.url}/`, username);
    return page;
  }

  let counter = 0;
  function present(...indicators: string[]) {
    return {
      reports: indicators.map((indicator) => ({
        id: `inq-${++counter}-${Date.now()}`,
        indicator,
        observed: 'present',
        at: new Date(Date.now() - 60_000).toISOString(),
        reliability: 'B',
        credibility: '2',
      })),
    };
  }

  it('shows an auditor the inquiry report of a problem with reports and a warning, with the head hash of the log the API gives', async () => {
    expect(
      (
        await web.post(
          `/api/v1/problems/${PROBLEM_ID}/reports`,
          web.tokens.analyst,
          present('live-ammunition', 'sim-activation', 'commanders-forward'),
        )
      ).status,
    ).toBe(201);
    await until(
      async () =>
        ((await call('GET', '/api/v1/warnings?state=all', admin)).body as { warnings: { problem: string }[] })
          .warnings,
      (ws) => ws.some((w) => w.problem === PROBLEM_ID),
    );

    const page = await pageAs('auditor');
    await page.goto(`${web.url}/problems/${PROBLEM_ID}`);
    // The API's answer to the page itself: the log's head moves on as reads are recorded.
    const answered = page.waitForResponse(
      (r) => r.url().includes(`/api/v1/problems/${PROBLEM_ID}/inquiry`) && !r.url().includes('format=html'),
    );
    await page.getByRole('link', { name: 'Inquiry report' }).click();
    await page.waitForURL(new RegExp(`/problems/${PROBLEM_ID}/inquiry$`));
    const hash = page.locator('[data-testid="inquiry-head-hash"]');
    await hash.waitFor();

    for (const title of [
      'The story in brief',
      'Key intervals',
      'Timeline of reports',
      'Level changes',
      'Warnings',
      'Dissents',
      'Model changes',
      'What each person was told',
      'Verification of the log',
    ]) {
      await expect(page.getByRole('heading', { name: title, exact: true }).count()).resolves.toBe(1);
    }
    expect(await page.locator('[data-testid="inquiry-reports"] tbody tr').count()).toBeGreaterThan(10);
    expect(await page.locator('[data-inquiry-warning]').count()).toBeGreaterThan(0);
    // Every probability carries its words.
    const first = (await page.locator('[data-testid="inquiry-reports"] .prob').first().textContent()) ?? '';
    expect(first).toMatch(
      /\d+(\.\d)? % (almost no chance|very unlikely|unlikely|roughly even chance|likely|very likely|almost certain)$/,
    );

    // The head hash is the API's, and a later answer's head is the same entry or after it.
    const answer = (await (await answered).json()) as {
      verification: { ok: boolean; head: { seq: number; hash: string } };
    };
    expect(answer.verification.ok).toBe(true);
    await expect(hash.textContent()).resolves.toBe(answer.verification.head.hash);
    const later = (await call('GET', `/api/v1/problems/${PROBLEM_ID}/inquiry`, admin)).body as {
      verification: { ok: boolean; head: { seq: number } };
    };
    expect(later.verification.ok).toBe(true);
    expect(later.verification.head.seq).toBeGreaterThanOrEqual(answer.verification.head.seq);
    await expect(page.locator('[data-testid="inquiry-verification"]').textContent()).resolves.toMatch(
      /^Verified/,
    );

    // The same report as HTML.
    const href = (await page.locator('[data-testid="inquiry-html"]').getAttribute('href')) ?? '';
    expect(href).toContain('format=html');
    const html = await page.evaluate(async (url) => {
      const r = await fetch(url);
      return { status: r.status, type: r.headers.get('content-type') ?? '' };
    }, href);
    expect(html.status).toBe(200);
    expect(html.type).toContain('text/html');

    await screenshot(page, 'inquiry');
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });

  it('shows the reliability diagram and the scores on the calibration page once an outcome is recorded', async () => {
    const recorded = await call('POST', `/api/v1/problems/${PROBLEM_ID}/outcome`, admin, {
      hypothesis: 'offensive',
      at: new Date().toISOString(),
      note: 'the crossing began',
    });
    expect(recorded.status).toBe(201);

    const page = await pageAs('auditor');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Calibration' }).click();
    await page.waitForURL(/\/calibration$/);
    // The server answers the page's own address too.
    await page.reload();
    const image = page.locator('img[data-testid="reliability-image"]');
    await image.waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('img[data-testid="reliability-image"]');
      return img !== null && img.complete && img.naturalWidth > 0;
    });
    expect(await image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="reliability-bins"] tbody tr').count()).toBe(10);
    const scores = page.locator(`[data-scores="${PROBLEM_ID}"]`);
    await scores.waitFor();
    const official =
      (await scores.locator('[data-testid="scores-table"] tbody tr').first().textContent()) ?? '';
    expect(official).toMatch(/^Official\d+\d\.\d{3}/);
    expect(await scores.locator('[data-testid="lead-times"] tbody tr').count()).toBeGreaterThan(0);

    await page.waitForLoadState('networkidle').catch(() => undefined);
    await screenshot(page, 'calibration');
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
    expect(problems).toEqual([]);
  });
});
