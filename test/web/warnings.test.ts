/**
 * Warnings that reach a person, and dissent, in a real browser against a real server: the
 * southern-front organisation loaded (the `duty` user is the duty officer, `duty-1`), a problem
 * raised to a warning level through the API; the duty officer sees it first in the inbox with
 * its escalation (who was told, why, through which channels, deliveries, who has not answered)
 * and acknowledges it with a note; a warning that changed since it was read is refused plainly;
 * an analyst files a dissent that is shown beside the official assessment (to a viewer too) and
 * withdraws it; inquiry shows dissents as of an instant; axe finds nothing serious on the inbox.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { Dissent, Warning } from '../../web/src/api/types.js';
import { describeInBrowser, launchBrowser, newContext, PROBLEM_ID, screenshot, seriousViolations, signIn, startWebServer, watchForProblems, type WebServer } from './browser-fixture.js';

/** A second problem with no escalation policy: its warning is told to nobody, seen only in the inbox. */
const BRIDGE = {
  id: 'bridge',
  title: 'Is a strike on the Tamar bridge coming?',
  hypotheses: [
    { id: 'calm', title: 'Nothing planned', prior: 0.8 },
    { id: 'strike', title: 'A strike on the bridge', prior: 0.2, dangerous: true },
  ],
  indicators: [
    { id: 'scouts', title: 'Scouts seen at the bridge', likelihood: { calm: 0.1, strike: 0.8 } },
    { id: 'boats', title: 'Boats gathered upstream', likelihood: { calm: 0.1, strike: 0.8 } },
  ],
  warning: { levels: [{ id: 'normal', threshold: 0 }, { id: 'warning', threshold: 0.3 }] },
};

describeInBrowser('warnings and dissent in a browser', () => {
  let web: WebServer;
  let browser: Browser;
  let receiver: Server;
  let admin: string;
  const problems: string[] = [];

  /** The southern-front warning raised in the first test. */
  let raised: Warning;

  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebServer(), launchBrowser()]);
    // Webhooks: one address that takes a warning, one that is gone (410: given up at once).
    receiver = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(request.url === '/gone' ? 410 : 200).end());
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const hooks = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    admin = (await web.server.accounts.createToken({ name: 'organisation loader', roles: ['admin'], clearance: 'TOP SECRET' }, 'test')).secret;

    // The example organisation; the head of research is away today, with duty-2 standing in.
    const organisation = parseYaml(readFileSync(new URL('../../examples/southern-front/organisation.yaml', import.meta.url), 'utf8')) as {
      people: { id: string; webhook?: string }[];
      absences: unknown[];
    };
    for (const person of organisation.people) {
      if (person.id === 'duty-1') person.webhook = `${hooks}/ok`;
      if (person.id === 'duty-2') person.webhook = `${hooks}/gone`;
    }
    organisation.absences.push({ person: 'research-head', from: new Date(Date.now() - 3600_000).toISOString(), to: new Date(Date.now() + 86400_000).toISOString(), delegate: 'duty-2' });
    const loaded = await call('PUT', '/api/v1/organisation', admin, organisation);
    expect(loaded.status).toBe(200);

    await web.server.store.defineProblem(BRIDGE, 'test');
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  /** A request to the API with a bearer token. */
  async function call(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${web.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  }

  /** Asks `read` every 100 ms until `done` holds (at most `ms`). */
  async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 10_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > end) throw new Error(`not so after ${ms} ms: ${JSON.stringify(value).slice(0, 2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const openWarnings = async () => ((await call('GET', '/api/v1/warnings?state=all', admin)).body as { warnings: Warning[] }).warnings.filter((w) => w.state === 'open');

  let counter = 0;
  /** Reports present on `indicators`, observed a minute ago, graded B2 (usually reliable, probably true). */
  function present(...indicators: string[]) {
    return { reports: indicators.map((indicator) => ({ id: `w-${++counter}-${Date.now()}`, indicator, observed: 'present', at: new Date(Date.now() - 60_000).toISOString(), reliability: 'B', credibility: '2' })) };
  }

  async function pageAs(username: string): Promise<Page> {
    const context = await newContext(browser);
    const page = await context.newPage();
    const seen = watchForProblems(page);
    page.on('close', () => problems.push(...seen));
    await signIn(page, `${web.url}/`, username);
    return page;
  }

  it('shows the duty officer the warning addressed to them first, with its escalation, and records their acknowledgment with a note', async () => {
    // Two warnings: the bridge's, told to nobody; then southern-front's, to the duty officer.
    expect((await web.post('/api/v1/problems/bridge/reports', web.tokens.analyst, present('scouts'))).status).toBe(201);
    await until(openWarnings, (ws) => ws.some((w) => w.problem === 'bridge'));
    expect((await web.post(`/api/v1/problems/${PROBLEM_ID}/reports`, web.tokens.analyst, present('live-ammunition', 'sim-activation', 'commanders-forward'))).status).toBe(201);
    const warnings = await until(openWarnings, (ws) => ws.some((w) => w.problem === PROBLEM_ID && w.deliveries.length >= 2));
    raised = warnings.find((w) => w.problem === PROBLEM_ID)!;
    // The level the policy answers with the duty officer and the head of research (or their delegate).
    expect(raised.level).toBe('warning');
    expect(raised.notified.map((n) => n.person).sort()).toEqual(['duty-1', 'duty-2']);

    const page = await pageAs('duty');
    // The badge: one warning awaits the duty officer.
    await expect(page.getByTestId('inbox-badge').textContent()).resolves.toBe('1 awaiting your acknowledgment');
    await page.getByRole('link', { name: /Warnings inbox/ }).click();
    await page.waitForURL(/\/warnings$/);
    const card = page.locator(`article[data-warning="${raised.id}"]`);
    await card.waitFor();

    // First on the page, in the section addressed to me; the bridge's among the others.
    await expect(page.locator('article.warning-card').first().getAttribute('data-warning')).resolves.toBe(raised.id);
    await expect(page.locator('[data-section="inbox-mine"] article.warning-card').count()).resolves.toBe(1);
    await page.locator('[data-section="inbox-others"] article.warning-card').first().waitFor();
    const bridgeCard = page.locator('[data-section="inbox-others"] article.warning-card').first();
    await expect(bridgeCard.textContent()).resolves.toContain(BRIDGE.title);
    await expect(bridgeCard.textContent()).resolves.toContain('Nobody has been told of this version');

    // The judgment: level (colour and name), P(dangerous) in words, leading hypothesis, version and why.
    await expect(card.locator('.level-name').first().textContent()).resolves.toBe(raised.level);
    await expect(card.locator('.level').first().getAttribute('data-tone')).resolves.toBe(['calm', 'raised', 'elevated', 'high'][raised.judgment.levelIndex]);
    const text = (await card.textContent()) ?? '';
    expect(text).toContain(`${raised.words}`);
    expect(text).toContain('Is an attack across the Kessa line coming?');
    expect(text).toContain('Why version 1');
    expect(text).toContain('opened: the level rose above the first');
    expect(text).toContain(raised.judgment.evidence[0]!.report);
    const model = (await call('GET', `/api/v1/problems/${PROBLEM_ID}`, admin)).body as { problem: { indicators: { id: string; title: string }[] } };
    expect(text).toContain(model.problem.indicators.find((i) => i.id === raised.judgment.collect[0]!.indicator)!.title);

    // The escalation: who was told, why them, through which channels, the deliveries, who has not answered.
    const duty1 = (await card.locator('tr[data-person="duty-1"]').textContent()) ?? '';
    for (const part of ['holder of duty-officer', 'in-app: in this inbox', 'webhook: delivered', 'not answered']) expect(duty1).toContain(part);
    const duty2 = (await card.locator('tr[data-person="duty-2"]').textContent()) ?? '';
    for (const part of ['delegate for head-of-research, standing in for research-head', 'webhook: gave up (status 410)', 'not answered']) expect(duty2).toContain(part);
    await expect(card.getByTestId('escalation-summary').textContent()).resolves.toBe('Told 2 · acknowledged by 0 · not answered: duty-1, duty-2');
    // The policy waits 15 minutes for an acknowledgment before its next step.
    await expect(card.getByTestId('escalation-next').textContent()).resolves.toMatch(/^Next escalation step due \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ, unless someone acknowledges this version first\.$/);
    await screenshot(page, 'warnings-inbox-unacknowledged');

    // Acknowledge with a note: the version on the screen goes with it.
    const note = `On it: calling the brigade ${Date.now()}`;
    await card.getByLabel('Note on version 1').fill(note);
    await card.getByRole('button', { name: 'Acknowledge version 1' }).click();
    const acknowledged = page.locator(`[data-section="inbox-acknowledged"] article[data-warning="${raised.id}"]`);
    await acknowledged.locator('.ack-done').waitFor();
    await expect(acknowledged.locator('.ack-done').textContent()).resolves.toContain(note);
    await expect(acknowledged.locator('tr[data-person="duty-1"]').textContent()).resolves.toMatch(/acknowledged .*\(you\)/);
    await expect(acknowledged.getByTestId('escalation-summary').textContent()).resolves.toBe('Told 2 · acknowledged by 1 · not answered: duty-2');
    await expect(acknowledged.getByTestId('escalation-next').count()).resolves.toBe(0);
    await page.getByTestId('inbox-badge').waitFor({ state: 'detached' });

    // The API agrees.
    const answer = (await call('GET', `/api/v1/warnings/${raised.id}`, admin)).body as Warning;
    expect(answer.acknowledged).toBe(true);
    expect(answer.acknowledgments).toEqual([expect.objectContaining({ version: 1, person: 'duty-1', note, via: 'in-app' })]);
    await page.close();
  });

  it('refuses plainly to acknowledge a version that is no longer current, and shows the new one', async () => {
    const page = await pageAs('duty');
    // No live updates, so the page keeps showing what was read.
    await page.context().route('**/api/v1/stream', (route) => route.abort());
    await page.goto(`${web.url}/warnings`);
    const bridge = (await openWarnings()).find((w) => w.problem === 'bridge')!;
    const card = page.locator(`article[data-warning="${bridge.id}"]`);
    await card.getByRole('button', { name: `Acknowledge version ${bridge.version}` }).waitFor();

    // Meanwhile the bridge's P(dangerous) moves materially: a new version.
    expect((await web.post('/api/v1/problems/bridge/reports', web.tokens.analyst, present('boats'))).status).toBe(201);
    await until(openWarnings, (ws) => ws.some((w) => w.id === bridge.id && w.version > bridge.version));

    await card.getByRole('button', { name: `Acknowledge version ${bridge.version}` }).click();
    await expect(card.getByRole('alert').textContent()).resolves.toContain(`this warning has changed since you read it, and version ${bridge.version} is no longer the current one`);
    // The new version is shown, ready to be read and acknowledged.
    await card.getByRole('button', { name: `Acknowledge version ${bridge.version + 1}` }).waitFor();
    await expect(card.textContent()).resolves.toContain('P(dangerous) moved by more than the policy’s material change');
    await card.getByText('new version since you opened this page').waitFor();
    const answer = (await call('GET', `/api/v1/warnings/${bridge.id}`, admin)).body as Warning;
    expect(answer.acknowledgments).toEqual([]);
    await page.close();
  });

  it('lets a viewer read the inbox without offering what they may not do', async () => {
    const page = await pageAs('viewer');
    await page.goto(`${web.url}/warnings`);
    const card = page.locator(`article[data-warning="${raised.id}"]`);
    await card.waitFor();
    await expect(page.locator('.ack-denied').first().textContent()).resolves.toContain('Only the people this warning was sent to');
    await expect(page.getByRole('button', { name: /Acknowledge version/ }).count()).resolves.toBe(0);
    await page.close();
  });

  it('files an analyst’s dissent, shown beside the official assessment (to a viewer too), and lets its author withdraw it', async () => {
    const page = await pageAs('analyst');
    await page.goto(`${web.url}/problems/${PROBLEM_ID}`);
    const panel = page.locator('section[aria-labelledby="dissents-title"]');
    await panel.getByText('No dissent has been filed').waitFor();
    await panel.getByRole('button', { name: 'File a dissent' }).click();

    // Checked as typed: a probability out of range, a sum that is not 1, then one that is.
    await panel.getByLabel('Your probability of routine').fill('1.5');
    await expect(page.locator('#dissent-p-routine-error').textContent()).resolves.toContain('between 0 and 1');
    const values: Record<string, string> = { routine: '0.1', exercise: '0.3', raid: '0.4', offensive: '0.3' };
    for (const [id, value] of Object.entries(values)) await panel.getByLabel(`Your probability of ${id}`).fill(value);
    await panel.getByText('Your probabilities sum to 1.1 (must be 1)').waitFor();
    await panel.getByLabel('Your probability of exercise').fill('0.2');
    await panel.getByText('Your probabilities sum to 1 ✓').waitFor();
    await panel.locator('form.dissent-form').evaluate((form) => form.scrollIntoView());
    await screenshot(page, 'problem-dissent-form');
    // Its P(dangerous) and level, beside the official: 70 %, above the official level.
    await expect(panel.getByTestId('dissent-reach').textContent()).resolves.toMatch(/Your P\(dangerous\): 70 % likely · level .*alert.*above the official level/);
    // A rationale is required.
    await panel.getByRole('button', { name: 'File dissent' }).click();
    await expect(page.locator('#dissent-rationale-error').textContent()).resolves.toContain('must not be empty');
    const rationale = `The ammunition issue is not drill practice: drills never draw live rounds ${Date.now()}`;
    await panel.getByLabel('Rationale').fill(rationale);
    await panel.getByRole('button', { name: 'File dissent' }).click();

    const dissent = panel.locator('article.dissent[data-state="open"]');
    await dissent.waitFor();
    const shown = (await dissent.textContent()) ?? '';
    expect(shown).toContain('Dissent by analyst (you)');
    expect(shown).toContain(rationale);
    // Beside the official probability of each hypothesis, with words.
    const official = (await (await page.request.get(`${web.url}/api/v1/problems/${PROBLEM_ID}/assessment`)).json()) as { level: string };
    const raidRow = dissent.locator('tr').filter({ hasText: 'A limited raid on one or two border posts' });
    await expect(raidRow.locator('td').nth(1).textContent()).resolves.toBe('40 % unlikely');
    await expect(raidRow.locator('td').nth(0).textContent()).resolves.toMatch(/\d+(\.\d)? % [a-z ]+$/);
    expect(shown).toContain(`when the official assessment was ${official.level}`);
    await panel.evaluate((section) => section.scrollIntoView());
    await screenshot(page, 'problem-dissent');

    const filed = ((await call('GET', `/api/v1/problems/${PROBLEM_ID}/dissents`, admin)).body as { dissents: Dissent[] }).dissents;
    expect(filed).toEqual([expect.objectContaining({ state: 'open', rationale, authorName: 'analyst', level: 'alert', posterior: { routine: 0.1, exercise: 0.2, raid: 0.4, offensive: 0.3 } })]);

    // A viewer sees it beside the official assessment, and may neither withdraw it nor file one.
    const viewer = await pageAs('viewer');
    await viewer.goto(`${web.url}/problems/${PROBLEM_ID}`);
    const seen = viewer.locator('article.dissent[data-state="open"]');
    await seen.waitFor();
    await expect(seen.textContent()).resolves.toContain(rationale);
    await expect(seen.textContent()).resolves.toContain('Dissent by analyst');
    await expect(viewer.getByRole('button', { name: /Withdraw|File a dissent/ }).count()).resolves.toBe(0);
    // On the watch floor: one open dissent, and its own warning (it reaches alert) not yet acknowledged.
    await viewer.goto(`${web.url}/`);
    const row = viewer.locator(`tr[data-problem="${PROBLEM_ID}"]`);
    await viewer.waitForFunction((id) => document.querySelector(`tr[data-problem="${id}"] [data-testid="dissents"]`)?.textContent === '1 open dissent', PROBLEM_ID);
    await viewer.waitForFunction((id) => document.querySelector(`tr[data-problem="${id}"] [data-testid="unacknowledged"]`)?.textContent === '1 not acknowledged', PROBLEM_ID);
    await expect(row.getByTestId('unacknowledged').textContent()).resolves.toBe('1 not acknowledged');
    await viewer.close();

    // Its author withdraws it; it stays in the record, marked.
    await dissent.getByRole('button', { name: 'Withdraw my dissent' }).click();
    await dissent.getByLabel('Why withdraw it (optional)').fill('The brigade confirmed a live-fire drill');
    await dissent.getByRole('button', { name: 'Confirm withdrawal' }).click();
    const withdrawn = panel.locator('article.dissent[data-state="withdrawn"]');
    await withdrawn.waitFor();
    await expect(withdrawn.textContent()).resolves.toContain('The brigade confirmed a live-fire drill');
    const after = ((await call('GET', `/api/v1/problems/${PROBLEM_ID}/dissents`, admin)).body as { dissents: Dissent[] }).dissents[0]!;
    expect(after.state).toBe('withdrawn');

    // Inquiry: before it was filed, none; while it stood, open; after the withdrawal, marked withdrawn.
    const asOf = async (instant: number, expectText: string, state: string | undefined) => {
      await page.goto(`${web.url}/problems/${PROBLEM_ID}?at=${encodeURIComponent(new Date(instant).toISOString())}`);
      await page.locator('main[data-mode="inquiry"]').waitFor();
      await panel.getByText(expectText).first().waitFor();
      await expect(panel.locator('article.dissent').count()).resolves.toBe(state === undefined ? 0 : 1);
      if (state !== undefined) await expect(panel.locator('article.dissent').getAttribute('data-state')).resolves.toBe(state);
      await expect(panel.getByRole('button').count()).resolves.toBe(0);
    };
    const filedAt = Date.parse(after.filedAt);
    const withdrawnAt = Date.parse(after.withdrawnAt!);
    await asOf(filedAt - 1, 'No dissent had been filed by then', undefined);
    await asOf(Math.floor((filedAt + withdrawnAt) / 2), 'Dissent by analyst', 'open');
    await asOf(withdrawnAt + 1, 'withdrawn', 'withdrawn');

    // Withdrawn, its warning closed: the watch floor counts no open dissent, and the official warning acknowledged.
    await page.goto(`${web.url}/`);
    await page.waitForFunction((id) => document.querySelector(`tr[data-problem="${id}"] [data-testid="dissents"]`)?.textContent === 'none', PROBLEM_ID);
    await expect(page.locator(`tr[data-problem="${PROBLEM_ID}"]`).getByTestId('unacknowledged').textContent()).resolves.toBe('1 acknowledged');
    await page.close();
  });

  it('keeps the inbox and its badge live: a new version addressed to me appears without a reload', async () => {
    const page = await pageAs('duty');
    await page.goto(`${web.url}/warnings`);
    await page.locator(`[data-section="inbox-acknowledged"] article[data-warning="${raised.id}"]`).waitFor();
    await expect(page.getByTestId('inbox-badge').count()).resolves.toBe(0);
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    // The evidence grows: a new version of the acknowledged warning, told to the duty officer again.
    expect((await web.post(`/api/v1/problems/${PROBLEM_ID}/reports`, web.tokens.analyst, present('civilians-moved', 'vehicles-to-border'))).status).toBe(201);
    const updated = await until(openWarnings, (ws) => ws.some((w) => w.id === raised.id && w.version > 1));
    const now = updated.find((w) => w.id === raised.id)!;
    const card = page.locator(`[data-section="inbox-mine"] article[data-warning="${raised.id}"]`);
    await card.waitFor({ timeout: 5000 });
    await expect(card.getAttribute('data-version')).resolves.toBe(String(now.version));
    await expect(page.getByTestId('inbox-badge').textContent()).resolves.toBe('1 awaiting your acknowledgment');
    await expect(card.textContent()).resolves.toContain(`Why version ${now.version}`);
    await expect(page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).resolves.toBe(true);
    await page.close();
  });

  for (const theme of ['dark', 'light'] as const) {
    it(`has no serious or critical axe violations on the inbox (${theme} theme)`, async () => {
      const context = await newContext(browser);
      await context.addInitScript((t) => window.localStorage.setItem('vigil.theme', t), theme);
      const page = await context.newPage();
      const seen = watchForProblems(page);
      await signIn(page, `${web.url}/`, 'duty');
      await page.goto(`${web.url}/warnings`);
      await page.locator('article.warning-card .escalation-table').first().waitFor();
      await page.waitForLoadState('networkidle').catch(() => undefined);
      await expect(page.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe(theme);
      await screenshot(page, `warnings-inbox-${theme}`);
      expect(await seriousViolations(page)).toEqual([]);
      expect(seen).toEqual([]);
      await context.close();
    });
  }

  it('met no script error and nothing the Content-Security-Policy refused', () => {
    expect(problems).toEqual([]);
  });
});
