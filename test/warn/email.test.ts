/**
 * Warning emails end to end, on a fake clock: a real SMTP server on loopback receives them, the
 * acknowledgment link is followed over HTTP against a Vigil app listening on loopback (GET shows
 * a page, its form POSTs the acknowledgment), and the escalation stops. Tokens: single use,
 * expiring, tamper-evident, and never a 5xx whatever the string.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { Accounts } from '../../src/app/accounts.js';
import { Store } from '../../src/app/store.js';
import type { Report } from '../../src/core/model.js';
import { buildApp } from '../../src/http/app.js';
import { startServer, type RunningServer } from '../../src/http/server.js';
import { AckTokens } from '../../src/warn/ack-token.js';
import { EmailChannel } from '../../src/warn/email-channel.js';
import { WarningEngine } from '../../src/warn/engine.js';
import type { OrganisationDocument } from '../../src/warn/organisation.js';
import { loadOrganisation } from '../../src/warn/organisation-store.js';
import { SmtpMailer } from '../../src/warn/smtp-mailer.js';
import { fakeClock, STORES } from '../app/stores.js';
import { startSmtp, type ReceivedMail, type SmtpFixture } from './smtp-fixture.js';
import { T0 } from './warn-fixture.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** A title that HTML must escape. */
const TITLE = 'Is the <b>bridge</b> going to be "blown" & when?';
const TINY = {
  ...(parseYaml(readFileSync(new URL('../fixtures/tiny-problem.yaml', import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >),
  title: TITLE,
};
const address = (person: string) => `${person}@vigil.test`;

type Steps = OrganisationDocument['policies'][number]['levels'][string];
const ESCALATE: Steps = [
  { notify: ['role:duty-officer'] },
  { wait: 600 },
  { notify: ['role:head-of-research'] },
  { wait: 600 },
  { notify: ['control'] },
];

function organisation(steps: Steps, extra: Partial<OrganisationDocument> = {}): OrganisationDocument {
  return {
    people: ['d1', 'd2', 'h1', 'c1'].map((id) => ({ id, name: `Person ${id}`, email: address(id) })),
    roles: [
      { id: 'duty-officer', title: 'Duty officer', holder: 'd1', deputies: ['d2'] },
      { id: 'head-of-research', title: 'Head of research', holder: 'h1', deputies: [] },
      { id: 'control', title: 'Control', holder: 'c1', deputies: [] },
    ],
    absences: [],
    policies: [{ problem: 'tiny', control: 'control', materialChange: 0.1, levels: { warning: steps } }],
    ...extra,
  };
}

interface EmailWorld {
  readonly store: Store;
  readonly engine: WarningEngine;
  readonly smtp: SmtpFixture;
  readonly clock: { now: () => Date; set(ms: number): void };
  /** The app's address, e.g. http://127.0.0.1:PORT */
  readonly base: string;
  raise(): Promise<void>;
  lower(): Promise<void>;
  at(ms: number): Promise<void>;
  events(type: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

let sources = 0;

function report(observed: 'present' | 'absent', now: number, indicator?: string): Report {
  sources++;
  return {
    id: `r${sources}`,
    indicator: indicator ?? (sources % 2 === 0 ? 'scouts' : 'trucks'),
    observed,
    at: now - 1000,
    received: now,
    source: `src-${sources}`,
    reliability: 'A',
    credibility: '1',
  };
}

async function startEmailWorld(
  steps: Steps,
  configure: (smtp: SmtpFixture) => void = () => undefined,
): Promise<EmailWorld> {
  const fresh = await STORES[0]!.fresh();
  const clock = fakeClock(T0);
  const smtp = await startSmtp(clock.now);
  configure(smtp);
  const store = await Store.open({ ...fresh.options, clock: clock.now });
  await store.defineProblem(TINY, 'test');
  await loadOrganisation(store, organisation(steps), 'test');
  const tokens = new AckTokens('test-acknowledgment-secret-0123456789');
  const mailer = new SmtpMailer({ url: smtp.url, from: 'Vigil <vigil@vigil.test>', timeoutMs: 2_000 });
  let base = '';
  const engine = new WarningEngine(store, {
    clock: clock.now,
    channels: [new EmailChannel({ mailer, tokens, publicUrl: () => base, clock: clock.now })],
    tickMs: 3_600_000,
    reevaluateMs: 3_600_000_000,
    random: () => 0.5,
    onError: (error) => {
      throw error;
    },
  });
  const accounts = await Accounts.open(store, { clock: clock.now });
  // buildApp starts the engine (and stops it when the app closes).
  const { app } = await buildApp({
    store,
    accounts,
    warnings: engine,
    ackTokens: tokens,
    clock: clock.now,
    logger: false,
  });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  const level = async () => (await store.assess('tiny', clock.now().getTime(), { ignored: 'count' })).level;
  return {
    store,
    engine,
    smtp,
    clock,
    base,
    async raise() {
      for (let k = 0; k < 20 && (await level()) !== 'warning'; k++)
        await store.recordReports('tiny', [{ report: report('present', clock.now().getTime()) }], {
          actor: 'analyst',
        });
      await engine.idle();
    },
    async lower() {
      for (let k = 0; k < 40 && (await level()) !== 'normal'; k++)
        await store.recordReports('tiny', [{ report: report('absent', clock.now().getTime()) }], {
          actor: 'analyst',
        });
      await engine.idle();
    },
    async at(ms) {
      clock.set(ms);
      await engine.idle();
      await engine.tick();
      await engine.idle();
    },
    async events(type) {
      const out: Record<string, unknown>[] = [];
      for await (const e of store.log.read())
        if (e.type === type) out.push({ ...e.data, at: e.at, actor: e.actor });
      return out;
    },
    async close() {
      await app.close();
      await mailer.close();
      await smtp.close();
      await store.close();
      await fresh.dispose();
    },
  };
}

/** The acknowledgment link of a warning email. */
function ackLink(mail: ReceivedMail): string {
  const link = /(http:\/\/\S+\/api\/v1\/ack\/\S+)/.exec(mail.text)?.[1];
  if (link === undefined) throw new Error(`no acknowledgment link in:\n${mail.text}`);
  return link;
}

/** Clicks the form's button: what a browser sends for the page's form. */
function postForm(link: string): Promise<Response> {
  return fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'confirm=yes',
  });
}

describe('warning emails', () => {
  let world: EmailWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('arrive with the problem, level, pDangerous in words, leading hypothesis, evidence, what to collect, why you and the link; all escaped in HTML', async () => {
    world = await startEmailWorld(ESCALATE);
    await world.raise();
    const [opened] = await world.events('warning.opened');
    const [mail] = await world.smtp.waitFor(address('d1'), 1);
    const judgment = opened!.judgment as {
      pDangerous: number;
      words: string;
      leading: string;
      evidence: { report: string }[];
      collect: { indicator: string }[];
    };
    expect(mail!.subject).toBe(
      `[Vigil] WARNING: ${TITLE}, pDangerous ${(judgment.pDangerous * 100).toFixed(0)} % (${judgment.words})`,
    );
    expect(mail!.text).toContain(`WARNING: ${TITLE}`);
    expect(mail!.text).toContain('Level: warning (version 1 of this warning).');
    expect(mail!.text).toContain(
      `pDangerous: ${(judgment.pDangerous * 100).toFixed(0)} % (${judgment.words}).`,
    );
    expect(mail!.text).toContain(`Leading hypothesis: ${judgment.leading}.`);
    expect(judgment.evidence.length).toBeGreaterThan(0);
    for (const e of judgment.evidence)
      expect(mail!.text).toMatch(new RegExp(`Report ${e.report}: [+-]\\d+\\.\\d points on pDangerous`));
    for (const c of judgment.collect) expect(mail!.text).toContain(`${c.indicator}: `);
    expect(mail!.text).toContain('What to collect next');
    expect(mail!.text).toContain('Why you\n  You hold the role "duty-officer"');
    expect(ackLink(mail!)).toMatch(new RegExp(`^${world.base}/api/v1/ack/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`));
    expect(mail!.text).toContain('The link works once, until 2023-10-08T03:00:00.000Z.');
    expect(mail!.messageId).toBe(`<warning.${String(opened!.warning)}=3a1=3ad1@vigil>`);
    expect(mail!.headers.get('x-vigil-delivery')).toBe(`${String(opened!.warning)}:1:d1`);
    // HTML: the title escaped, never markup; the link a link.
    expect(mail!.html).toContain(
      'Is the &lt;b&gt;bridge&lt;/b&gt; going to be &quot;blown&quot; &amp; when?',
    );
    expect(mail!.html).not.toContain('<b>bridge</b>');
    expect(mail!.html).toContain(`<a href="${ackLink(mail!)}">`);
    // Nobody else yet.
    expect(world.smtp.received.map((m) => m.to)).toEqual([address('d1')]);
  });

  it('acknowledges through the link: GET shows a page and changes nothing, the form POST acknowledges (via email), the escalation stops, the link works once', async () => {
    world = await startEmailWorld(ESCALATE);
    await world.raise();
    const [mail] = await world.smtp.waitFor(address('d1'), 1);
    const link = ackLink(mail!);

    // A mail scanner fetching the link acknowledges nothing.
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<form method="post">');
    expect(html).toContain('Acknowledge version 1');
    expect(html).toContain('Is the &lt;b&gt;bridge&lt;/b&gt;');
    expect(html).not.toContain('<script');
    expect(await world.events('warning.acknowledged')).toHaveLength(0);

    world.clock.set(T0 + 5 * MIN);
    const done = await postForm(link);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Acknowledged');
    const acks = await world.events('warning.acknowledged');
    expect(acks).toMatchObject([
      {
        version: 1,
        person: 'd1',
        user: 'person:d1',
        via: 'email',
        actor: 'person:d1',
        judgment: { level: 'warning' },
      },
    ]);

    // The escalation stops: the head of research and control are never told.
    await world.at(T0 + 10 * MIN);
    await world.at(T0 + 30 * MIN);
    expect(world.smtp.to(address('h1'))).toHaveLength(0);
    expect(world.smtp.to(address('c1'))).toHaveLength(0);

    // The link is used: again (GET or POST) it says so, and records nothing.
    const again = await postForm(link);
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('Already acknowledged');
    const look = await fetch(link);
    expect(await look.text()).toContain('Already acknowledged');
    expect(await world.events('warning.acknowledged')).toHaveLength(1);
  });

  it('refuses an expired link and a tampered one with a clear page (4xx), and no token string gets a 5xx', async () => {
    world = await startEmailWorld(ESCALATE);
    await world.raise();
    const [mail] = await world.smtp.waitFor(address('d1'), 1);
    const link = ackLink(mail!);
    const [prefix, token] = [link.slice(0, link.lastIndexOf('/') + 1), link.slice(link.lastIndexOf('/') + 1)];

    // Tampered: one character of the payload, or of the signature, changed.
    const flip = (s: string, k: number) => s.slice(0, k) + (s[k] === 'A' ? 'B' : 'A') + s.slice(k + 1);
    for (const bad of [flip(token, 3), flip(token, token.length - 2)]) {
      const answer = await fetch(prefix + bad);
      expect(answer.status).toBe(400);
      expect(await answer.text()).toContain('This link is not valid');
      expect((await postForm(prefix + bad)).status).toBe(400);
    }
    // Any string: never a 5xx.
    const junk = [
      'x',
      'a.b',
      '..',
      'a'.repeat(600),
      '%E2%98%83.%E2%98%83',
      'eyJ3IjoxfQ.' + 'A'.repeat(43),
      encodeURIComponent('<script>alert(1)</script>'),
      '%00',
      '%ZZ',
    ];
    for (const s of junk) {
      for (const method of ['GET', 'POST']) {
        const answer = await fetch(
          prefix + s,
          method === 'GET'
            ? {}
            : {
                method,
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
                body: 'confirm=yes',
              },
        );
        expect(answer.status, `${method} ${s.slice(0, 40)}`).toBeGreaterThanOrEqual(400);
        expect(answer.status, `${method} ${s.slice(0, 40)}`).toBeLessThan(500);
        expect(await answer.text()).not.toContain('<script>alert');
      }
    }

    // Expired: a day later the link no longer works.
    world.clock.set(T0 + 24 * HOUR);
    const expired = await fetch(link);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('This link has expired');
    expect((await postForm(link)).status).toBe(410);
    expect(await world.events('warning.acknowledged')).toHaveLength(0);
  });

  it('answers that a newer version exists for the link of an old version, and that a closed warning is closed', async () => {
    world = await startEmailWorld([{ notify: ['role:duty-officer'] }]);
    await world.raise();
    const [first] = await world.smtp.waitFor(address('d1'), 1);
    // A material change: version 2, a new email with its own link.
    for (let k = 0; k < 6; k++)
      await world.store.recordReports('tiny', [{ report: report('present', T0, 'trucks') }], {
        actor: 'analyst',
      });
    await world.engine.idle();
    const [, second] = await world.smtp.waitFor(address('d1'), 2);
    expect(second!.subject).toContain('version 2');
    const stale = await postForm(ackLink(first!));
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain('A newer version of this warning exists');
    expect(await world.events('warning.acknowledged')).toHaveLength(0);

    // The all-clear: an email without a link; the version-2 link now says the warning is closed.
    await world.lower();
    const clear = world.smtp.to(address('d1')).at(-1)!;
    expect(clear.subject).toBe(`[Vigil] All clear: ${TITLE}`);
    expect(clear.text).toContain('The level is back to "normal"');
    expect(clear.text).not.toContain('/api/v1/ack/');
    const closed = await fetch(ackLink(second!));
    expect(closed.status).toBe(409);
    expect(await closed.text()).toContain('This warning is closed');
  });

  it('retries a 451 (try later) and delivers; gives up on a 550 (refused) at once', async () => {
    world = await startEmailWorld([{ notify: ['role:duty-officer', 'role:head-of-research'] }], (smtp) => {
      smtp.answer(address('d1'), (attempt) => (attempt === 1 ? 451 : undefined));
      smtp.answer(address('h1'), () => 550);
    });
    await world.raise();
    const attempts = await world.events('delivery.attempted');
    const d1 = attempts.filter((a) => a.person === 'd1');
    expect(d1).toMatchObject([{ channel: 'email', attempt: 1, outcome: 'failed', status: 451 }]);
    expect(attempts.filter((a) => a.person === 'h1')).toMatchObject([
      { channel: 'email', attempt: 1, outcome: 'gave-up', status: 550 },
    ]);
    expect(world.smtp.received).toHaveLength(0);
    // Jitter fixed at 0.5: the retry is due after 1,000 x 0.75 ms.
    const retryAt = Date.parse(String(d1[0]!.retryAt));
    expect(retryAt).toBe(T0 + 750);
    await world.at(retryAt);
    await world.smtp.waitFor(address('d1'), 1);
    expect(
      (await world.events('delivery.attempted')).filter((a) => a.person === 'd1').map((a) => a.outcome),
    ).toEqual(['failed', 'delivered']);
    // The 550 is not retried.
    await world.at(T0 + HOUR);
    expect((await world.events('delivery.attempted')).filter((a) => a.person === 'h1')).toHaveLength(1);
    expect(world.smtp.to(address('h1'))).toHaveLength(0);
  });

  it('treats an SMTP server that does not answer as a temporary failure', async () => {
    world = await startEmailWorld([{ notify: ['role:duty-officer'] }]);
    await world.smtp.close();
    await world.raise();
    const [attempt] = await world.events('delivery.attempted');
    expect(attempt).toMatchObject({ channel: 'email', outcome: 'failed' });
    expect(attempt!.retryAt).toBeDefined();
  });
});

describe('vigil serve with smtpUrl', () => {
  let server: RunningServer | undefined;
  let smtp: SmtpFixture | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    await server?.close();
    await smtp?.close();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
    server = smtp = dataDir = undefined;
  });

  it('creates <data>/ack-secret, sends warning emails whose link acknowledges on this server', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vigil-email-'));
    const clock = fakeClock(T0);
    smtp = await startSmtp(clock.now);
    server = await startServer(
      {
        host: '127.0.0.1',
        port: 0,
        data: dataDir,
        logLevel: 'silent',
        requestsPerMinute: 1200,
        signInPerMinute: 10,
        trustProxy: false,
        smtpUrl: smtp.url,
        mailFrom: 'Vigil <vigil@vigil.test>',
      },
      { clock: clock.now, adminPassword: 'a long enough admin password' },
    );
    expect(statSync(join(dataDir, 'ack-secret')).mode & 0o777).toBe(0o600);
    expect(server.briefing).toBeDefined();
    await server.store.defineProblem(TINY, 'test');
    await loadOrganisation(server.store, organisation([{ notify: ['role:duty-officer'] }]), 'test');
    for (
      let k = 0;
      k < 20 && (await server.store.assess('tiny', T0, { ignored: 'count' })).level !== 'warning';
      k++
    ) {
      await server.store.recordReports('tiny', [{ report: report('present', T0) }], { actor: 'analyst' });
    }
    await server.context.warnings.idle();
    const [mail] = await smtp.waitFor(address('d1'), 1);
    const link = ackLink(mail!);
    expect(link.startsWith(`${server.url}/api/v1/ack/`)).toBe(true);
    const answer = await postForm(link);
    expect(answer.status).toBe(200);
    const acks: unknown[] = [];
    for await (const e of server.store.log.read()) if (e.type === 'warning.acknowledged') acks.push(e.data);
    expect(acks).toMatchObject([{ person: 'd1', via: 'email' }]);
  });
});
