/**
 * The forms of the watch floor against a real server: report entry and the model editor, with
 * the editor's live checks and the server's objections shown beside the fields they name.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { toInputValue } from '../../web/src/lib/format.js';
import { describeInBrowser, launchBrowser, newContext, PROBLEM_ID, signIn, startWebServer, type WebServer } from './browser-fixture.js';

describeInBrowser('the watch floor forms', () => {
  let web: WebServer;
  let browser: Browser;

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebServer(10), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  async function pageAs(username: string, path: string): Promise<Page> {
    const page = await (await newContext(browser)).newPage();
    await signIn(page, `${web.url}/`, username);
    await page.goto(`${web.url}${path}`);
    return page;
  }

  it('records a report entered by an analyst, after showing the server’s objection beside its field', async () => {
    const page = await pageAs('analyst', `/problems/${PROBLEM_ID}/report`);
    await page.getByLabel('Indicator').selectOption('civilians-moved');
    await page.getByLabel('Absent: looked for, not seen').check();
    await page.getByLabel('Source reliability').selectOption('B');
    await page.getByLabel('Information credibility').selectOption('2');
    await page.getByLabel('Classification').selectOption('CONFIDENTIAL');
    const text = `OP 7: no families leaving Dunmar ${Date.now()}`;
    await page.getByLabel('Text (optional)').fill(text);
    // Two days ahead: the server refuses an observation in the future, and names the field.
    await page.getByLabel('Observed at (UTC)').fill(toInputValue(Date.now() + 2 * 86400_000));
    await page.getByRole('button', { name: 'Record report' }).click();
    const error = page.locator('#report-at-error');
    await error.waitFor();
    await expect(error.textContent()).resolves.toContain('future');
    await expect(page.getByLabel('Observed at (UTC)').getAttribute('aria-invalid')).resolves.toBe('true');

    await page.getByLabel('Observed at (UTC)').fill(toInputValue(Date.now() - 5 * 60_000));
    await page.getByRole('button', { name: 'Record report' }).click();
    await page.getByText(/Report r-\S+ recorded/).waitFor();
    await page.getByRole('link', { name: 'See the problem' }).click();
    await page.getByText(text).waitFor();
    await expect(page.locator('[data-report]').filter({ hasText: text }).textContent()).resolves.toContain('CONFIDENTIAL');
    await page.context().close();
  });

  it('checks a model as it is edited, shows the server’s objections at their fields, and saves a new version', async () => {
    const page = await pageAs('senior', `/problems/${PROBLEM_ID}/model`);
    await page.locator('.grid-table').waitFor();

    // A likelihood of 1: refused at once, beside its cell.
    const cell = page.getByLabel('P(breach-rehearsal present | routine)');
    await cell.fill('1');
    await expect(page.locator(`#${await cell.getAttribute('id')}-error`).textContent()).resolves.toContain('strictly between 0 and 1');
    await expect(page.locator('#model-status').textContent()).resolves.toBe('1 issue to fix before saving');
    await cell.fill('0.05');

    // Priors that do not sum to 1: the sum says so, and one button scales them.
    await page.getByLabel('Prior of routine').fill('0.7');
    await page.getByText('Priors sum to 0.9 (must be 1)').waitFor();
    await page.getByRole('button', { name: 'Scale priors to sum to 1' }).click();
    await page.getByText('Priors sum to 1 ✓').waitFor();

    // Something only the server checks (a title's length): its objection lands on the field.
    await page.getByLabel('Question').fill('x'.repeat(2001));
    await page.getByRole('button', { name: 'Save as a new version' }).click();
    await page.locator('#model-title-error').waitFor();
    await expect(page.locator('#model-title-error').textContent()).resolves.toContain('at most 2000');

    await page.getByLabel('Question').fill('Is an attack across the Kessa line coming? (priors revised)');
    await page.getByRole('button', { name: 'Save as a new version' }).click();
    await page.getByText('Saved as version 2.').waitFor();
    const answer = (await (await page.request.get(`${web.url}/api/v1/problems/${PROBLEM_ID}`)).json()) as { version: number; problem: { hypotheses: { id: string; prior: number }[] } };
    expect(answer.version).toBe(2);
    expect(answer.problem.hypotheses.find((h) => h.id === 'routine')!.prior).toBeCloseTo(0.7 / 0.9, 9);
    await page.context().close();
  });

  it('offers report entry and the model editor only to the roles that may use them', async () => {
    const page = await pageAs('viewer', `/problems/${PROBLEM_ID}`);
    await page.locator('.problem-state').waitFor();
    expect(await page.getByRole('link', { name: 'Enter a report' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Edit model' }).count()).toBe(0);
    await page.goto(`${web.url}/problems/${PROBLEM_ID}/model`);
    await page.getByText('do not include editing models').waitFor();
    await page.context().close();
  });

  it('records how the problem resolved (a senior analyst), then scores the assessments against it', async () => {
    // A viewer sees the outcome and the scores, but no form.
    const viewer = await pageAs('viewer', `/problems/${PROBLEM_ID}`);
    await viewer.getByRole('button', { name: 'Show the outcome and the scores' }).click();
    await viewer.getByTestId('outcome-none').waitFor();
    expect(await viewer.getByRole('form', { name: 'Record the outcome' }).count()).toBe(0);
    await viewer.context().close();

    const page = await pageAs('senior', `/problems/${PROBLEM_ID}`);
    const form = page.getByRole('form', { name: 'Record the outcome' });
    await form.waitFor();
    await page.getByLabel('What came true').selectOption({ index: 0 });
    const first = await page.getByLabel('What came true').inputValue();
    // An outcome in the future is refused, beside its field.
    await page.getByLabel('When (UTC)').fill(toInputValue(Date.now() + 3 * 86400_000));
    await page.getByRole('button', { name: 'Record the outcome' }).click();
    await page.locator('#outcome-at-error').waitFor();
    await expect(page.getByLabel('When (UTC)').getAttribute('aria-invalid')).resolves.toBe('true');

    await page.getByLabel('When (UTC)').fill(toInputValue(Date.now() - 60_000));
    await page.getByLabel('Note (optional)').fill('the exercise ended on schedule');
    await page.getByRole('button', { name: 'Record the outcome' }).click();
    await page.getByTestId('outcome-recorded').waitFor();
    await expect(page.getByTestId('outcome-recorded').textContent()).resolves.toContain('the exercise ended on schedule');
    await expect(page.getByTestId('outcome-scores').textContent()).resolves.toMatch(/^Official assessment: Brier \d\.\d{3} · log score -?\d+\.\d{2} bits$/);
    // The API agrees: the outcome recorded is the one chosen.
    const scores = (await (await page.request.get(`${web.url}/api/v1/problems/${PROBLEM_ID}/scores`)).json()) as { outcome: { hypothesis: string; note: string } };
    expect(scores.outcome).toMatchObject({ hypothesis: first, note: 'the exercise ended on schedule' });
    await page.getByRole('button', { name: 'Record a correction of the outcome' }).waitFor();
    await page.context().close();
  });
});
