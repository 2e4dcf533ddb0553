/**
 * The watch floor in a real browser against a real server: sign-in, live updates without a
 * reload, inquiry as of a past instant, untrusted text rendered inert, and need-to-know.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { percent } from '../../web/src/lib/format.js';
import { estimativeWords } from '../../web/src/lib/words.js';
import { describeInBrowser, launchBrowser, newContext, PROBLEM_ID, signIn, startWebServer, watchForProblems, type WebServer } from './browser-fixture.js';

describeInBrowser('the watch floor in a browser', () => {
  let web: WebServer;
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebServer(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  /** A signed-in page (the context is closed with the browser). */
  async function pageAs(username: string, options: { bypassCSP?: boolean } = {}): Promise<Page> {
    const context = await newContext(browser, options);
    const page = await context.newPage();
    const seen = watchForProblems(page);
    page.on('close', () => problems.push(...seen));
    await signIn(page, `${web.url}/`, username);
    return page;
  }

  let counter = 0;
  /** A report on the problem, with a fresh id, observed a minute ago. */
  function report(fields: Record<string, unknown>): Record<string, unknown> {
    return { id: `web-${++counter}-${Date.now()}`, indicator: 'live-ammunition', observed: 'present', at: new Date(Date.now() - 60_000).toISOString(), reliability: 'B', credibility: '2', ...fields };
  }

  it('signs in and lists every problem with its level, P(dangerous) in words and its trend', async () => {
    const page = await pageAs('analyst');
    const row = page.locator(`tr[data-problem="${PROBLEM_ID}"]`);
    await row.waitFor();
    await expect(row.locator('.level-name').textContent()).resolves.toMatch(/^(normal|watch|warning|alert)$/);
    const probability = (await row.locator('.prob').textContent()) ?? '';
    expect(probability).toMatch(/\d+(\.\d)? % (almost no chance|very unlikely|unlikely|roughly even chance|likely|very likely|almost certain)$/);
    expect(Number(await row.locator('svg.sparkline').getAttribute('data-points'))).toBeGreaterThan(10);
    await expect(page.locator('header.topbar').textContent()).resolves.toContain('analyst');
    await page.close();
  });

  it('refuses a wrong password with a plain message', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${web.url}/`);
    await page.getByLabel('User name').fill('analyst');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('#signin-error').textContent()).resolves.toContain('not right');
    await context.close();
  });

  it('shows a report posted through the API on the problem page and moves the chart within 2 s, without a reload', async () => {
    const page = await pageAs('analyst');
    await page.goto(`${web.url}/problems/${PROBLEM_ID}`);
    const chart = page.locator('svg.chart-svg');
    await chart.waitFor();
    await page.locator('[data-report]').first().waitFor();
    const before = { points: Number(await chart.getAttribute('data-points')), last: await chart.getAttribute('data-last-p') };
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    const text = `Live ammunition trucks at the Dunmar depot ${Date.now()}`;
    const started = Date.now();
    const answer = await web.post(`/api/v1/problems/${PROBLEM_ID}/reports`, web.tokens.analyst, report({ text }));
    expect(answer.status).toBe(201);
    await page.getByText(text).waitFor({ timeout: 2000 });
    await page.waitForFunction(
      ([points, last]) => {
        const svg = document.querySelector('svg.chart-svg');
        return svg !== null && (Number(svg.getAttribute('data-points')) > Number(points) || svg.getAttribute('data-last-p') !== last);
      },
      [String(before.points), before.last] as const,
      { timeout: Math.max(100, 2000 - (Date.now() - started)) },
    );
    expect(Date.now() - started).toBeLessThanOrEqual(2000);
    expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThan(before.points);
    await expect(page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).resolves.toBe(true);
    await page.close();
  });

  it('shows the problem as of an earlier instant with the slider, marked as the past', async () => {
    const page = await pageAs('analyst');
    await page.goto(`${web.url}/problems/${PROBLEM_ID}`);
    await page.locator('[data-report]').first().waitFor();
    const liveReports = await page.locator('[data-report]').count();
    expect(await page.locator('main').getAttribute('data-mode')).toBe('live');

    const slider = page.getByLabel('As of', { exact: true });
    await slider.focus();
    // Home: the first evaluation, after the first report; a few steps on, a few reports in.
    await slider.press('Home');
    for (let i = 0; i < 20; i++) await slider.press('ArrowRight');
    await page.waitForURL(/\?at=/);
    await page.locator('main[data-mode="inquiry"]').waitFor();
    await expect(page.locator('.inquiry-banner').textContent()).resolves.toContain('INQUIRY');

    const at = new URL(page.url()).searchParams.get('at')!;
    const expected = (await (await page.request.get(`${web.url}/api/v1/problems/${PROBLEM_ID}/assessment?at=${encodeURIComponent(at)}`)).json()) as { pDangerous: number; at: string };
    const shown = page.locator('[data-testid="p-dangerous"]');
    await page.waitForFunction((want) => document.querySelector('[data-testid="p-dangerous"]')?.textContent?.includes(want) === true, `${percent(expected.pDangerous)} ${estimativeWords(expected.pDangerous)}`);
    expect(await shown.textContent()).toBe(`${percent(expected.pDangerous)} ${estimativeWords(expected.pDangerous)}`);
    const pastReports = await page.locator('[data-report]').count();
    expect(pastReports).toBeLessThan(liveReports);
    for (const received of await page.locator('[data-report] .muted.small').allTextContents()) {
      const instant = /received (\S+ \S+)Z/.exec(received)?.[1];
      expect(Date.parse(`${instant!.replace(' ', 'T')}Z`)).toBeLessThanOrEqual(Date.parse(at));
    }

    await page.getByRole('button', { name: 'Back to live' }).first().click();
    await page.locator('main[data-mode="live"]').waitFor();
    expect(new URL(page.url()).search).toBe('');
    await page.close();
  });

  it('renders report text and titles holding markup as inert text, even with the CSP bypassed', async () => {
    const text = `<script>window.__vigilXss = 1</script><img src=x onerror="window.__vigilXss = 2"> trucks ${Date.now()}`;
    expect((await web.post(`/api/v1/problems/${PROBLEM_ID}/reports`, web.tokens.analyst, report({ text, indicator: 'vehicles-to-border' }))).status).toBe(201);
    const title = '<img src=x onerror="window.__vigilXss = 3">Is the <b>bridge</b> safe?';
    await web.server.store.defineProblem({ ...TITLE_PROBLEM, title }, 'test');

    // Without the CSP, only the UI's own rendering stands between the text and the DOM.
    const page = await pageAs('analyst', { bypassCSP: true });
    await page.getByText(title).waitFor();
    await page.goto(`${web.url}/problems/${PROBLEM_ID}`);
    await page.getByText(text).waitFor();
    await page.waitForTimeout(300);
    await expect(page.evaluate(() => (window as unknown as { __vigilXss?: number }).__vigilXss)).resolves.toBeUndefined();
    expect(await page.locator('img[src="x"], script:not([src])').count()).toBe(0);
    await page.close();
  });

  it('shows a viewer without clearance withheld markers, never the content', async () => {
    const secret = `CANARY-${Date.now()}: source GARNET says the assault is at dawn`;
    expect((await web.post(`/api/v1/problems/${PROBLEM_ID}/reports`, web.tokens.analystSecret, report({ text: secret, classification: 'SECRET', indicator: 'commanders-forward' }))).status).toBe(201);

    const page = await pageAs('viewer');
    await page.goto(`${web.url}/problems/${PROBLEM_ID}`);
    await page.locator('[data-report]').first().waitFor();
    await page.locator('.withheld-marker').first().waitFor();
    const withheld = await page.locator('.withheld-marker').evaluateAll((nodes) => nodes.reduce((sum, n) => sum + Number(n.getAttribute('data-withheld')), 0));
    expect(withheld).toBeGreaterThan(0);
    await expect(page.locator('.problem-state').textContent()).resolves.toMatch(/\d+ withheld from you/);

    // And live: another secret report while the viewer watches.
    const markers = await page.locator('.withheld-marker').count();
    const live = `CANARY-LIVE-${Date.now()}`;
    expect((await web.post(`/api/v1/problems/${PROBLEM_ID}/reports`, web.tokens.analystSecret, report({ text: live, classification: 'SECRET', indicator: 'sim-activation' }))).status).toBe(201);
    await page.waitForFunction((n) => document.querySelectorAll('.withheld-marker').length > n, markers, { timeout: 5000 });
    const html = await page.content();
    expect(html).not.toContain('CANARY');
    expect(html).not.toContain('GARNET');
    await page.close();
  });

  it('met no script error and nothing the Content-Security-Policy refused', () => {
    expect(problems).toEqual([]);
  });
});

/** A second problem, for a title that holds markup. */
const TITLE_PROBLEM = {
  id: 'bridge',
  title: 'bridge',
  hypotheses: [
    { id: 'calm', title: 'Nothing planned', prior: 0.9 },
    { id: 'strike', title: 'A strike on the bridge', prior: 0.1, dangerous: true },
  ],
  indicators: [{ id: 'scouts', title: 'Scouts seen at the bridge', likelihood: { calm: 0.2, strike: 0.8 } }],
  warning: { levels: [{ id: 'normal', threshold: 0 }, { id: 'warning', threshold: 0.5 }] },
};
