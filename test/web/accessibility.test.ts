/**
 * Every main page of the watch floor, in both themes: axe-core finds nothing of serious or
 * critical impact, and each run leaves a screenshot of each page in test-results/screenshots.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInBrowser, launchBrowser, newContext, PROBLEM_ID, screenshot, seriousViolations, signIn, startWebServer, watchForProblems, type WebServer } from './browser-fixture.js';

/** The main pages: how to reach each, and what shows it is ready. */
const PAGES: readonly { name: string; user: string | undefined; path: string; ready: string }[] = [
  { name: 'sign-in', user: undefined, path: '/', ready: '#signin-username' },
  { name: 'watch-floor', user: 'analyst', path: '/', ready: 'svg.sparkline' },
  { name: 'problem', user: 'analyst', path: `/problems/${PROBLEM_ID}`, ready: '[data-report]' },
  { name: 'problem-viewer', user: 'viewer', path: `/problems/${PROBLEM_ID}`, ready: '.withheld-marker' },
  { name: 'problem-inquiry', user: 'analyst', path: `/problems/${PROBLEM_ID}?at=${encodeURIComponent(new Date(Date.now() - 3 * 3600_000).toISOString())}`, ready: '.inquiry-banner' },
  { name: 'report-entry', user: 'analyst', path: `/problems/${PROBLEM_ID}/report`, ready: '#report-indicator' },
  { name: 'model-editor', user: 'senior', path: `/problems/${PROBLEM_ID}/model`, ready: '.grid-table' },
  // With no organisation loaded nothing is open: the empty inbox (warnings.test.ts checks a full one).
  { name: 'warnings-inbox-empty', user: 'duty', path: '/warnings', ready: '[data-testid="inbox-summary"]' },
];

describeInBrowser('the watch floor is accessible', () => {
  let web: WebServer;
  let browser: Browser;

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebServer(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  for (const theme of ['dark', 'light'] as const) {
    it(`has no serious or critical axe violations on any main page (${theme} theme)`, async () => {
      const context = await newContext(browser);
      // The theme is remembered in the browser: set it as the toggle would.
      await context.addInitScript((t) => window.localStorage.setItem('vigil.theme', t), theme);
      const found: string[] = [];
      let signedInAs: string | undefined;
      const page = await context.newPage();
      const problems = watchForProblems(page);
      for (const target of PAGES) {
        if (target.user !== signedInAs) {
          await context.clearCookies();
          if (target.user !== undefined) await signIn(page, `${web.url}/`, target.user);
          signedInAs = target.user;
        }
        await page.goto(`${web.url}${target.path}`);
        await page.locator(target.ready).first().waitFor();
        // Let the other panels finish loading before they are judged.
        await page.waitForLoadState('networkidle').catch(() => undefined);
        await expect(page.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe(theme);
        await screenshot(page, `${target.name}-${theme}`);
        found.push(...(await seriousViolations(page)).map((v) => `${target.name}: ${v}`));
      }
      expect(found).toEqual([]);
      expect(problems).toEqual([]);
      await context.close();
    });
  }

  it('can be worked from the keyboard: a skip link first, then the main navigation, with focus visible', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, `${web.url}/`, 'analyst');
    await page.locator('svg.sparkline').first().waitFor();
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Skip to main content');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe('none');
    // Into the table: the problem's link is reachable by Tab and opens the problem with Enter.
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.closest('tr')?.getAttribute('data-problem'))) === PROBLEM_ID) break;
    }
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/problems/${PROBLEM_ID}$`));
    await page.locator('svg.chart-svg').waitFor();
    await context.close();
  });
});
