/**
 * The daily briefing on a fake clock, through a real SMTP server on loopback: at the
 * organisation's local briefing time, one email per follower with every section and the log's
 * checkpoint head; never twice on one local day, also across a restart.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/app/access.js';
import { Store } from '../../src/app/store.js';
import type { Report } from '../../src/core/model.js';
import { followers, localClock } from '../../src/warn/briefing.js';
import { BriefingScheduler } from '../../src/warn/briefing-scheduler.js';
import { WarningEngine } from '../../src/warn/engine.js';
import type { OrganisationDocument } from '../../src/warn/organisation.js';
import { validateOrganisation, withoutContacts } from '../../src/warn/organisation.js';
import { loadOrganisation } from '../../src/warn/organisation-store.js';
import { SmtpMailer } from '../../src/warn/smtp-mailer.js';
import { fakeClock, STORES } from '../app/stores.js';
import { startSmtp, type SmtpFixture } from './smtp-fixture.js';

const HOUR = 3_600_000;
/** 2023-10-07 06:00 in Jerusalem (UTC+3 in October 2023). */
const T0 = Date.parse('2023-10-07T03:00:00Z');
/** 07:00 local, the briefing time. */
const SEVEN = Date.parse('2023-10-07T04:00:00Z');
const TINY = parseYaml(
  readFileSync(new URL('../fixtures/tiny-problem.yaml', import.meta.url), 'utf8'),
) as Record<string, unknown>;
const address = (person: string) => `${person}@vigil.test`;
const analyst: Principal = {
  kind: 'user',
  id: 'u-analyst',
  name: 'user-analyst',
  roles: ['analyst'],
  clearance: 'SECRET',
  compartments: [],
};

const ORG: OrganisationDocument = {
  people: ['d1', 'd2', 'h1', 'c1', 'x1'].map((id) => ({ id, name: `Person ${id}`, email: address(id) })),
  roles: [
    { id: 'duty-officer', title: 'Duty officer', holder: 'd1', deputies: ['d2'] },
    { id: 'head-of-research', title: 'Head of research', holder: 'h1', deputies: [] },
    { id: 'control', title: 'Control', holder: 'c1', deputies: [] },
  ],
  absences: [],
  policies: [
    {
      problem: 'tiny',
      control: 'control',
      materialChange: 0.1,
      levels: {
        warning: [{ notify: ['role:duty-officer'] }, { wait: 600 }, { notify: ['role:head-of-research'] }],
      },
    },
  ],
  briefing: { time: '07:00', timeZone: 'Asia/Jerusalem' },
};

describe('local time', () => {
  it.each([
    ['2023-10-07T03:59:00Z', 'Asia/Jerusalem', '2023-10-07', 6 * 60 + 59],
    ['2023-10-07T04:00:00Z', 'Asia/Jerusalem', '2023-10-07', 7 * 60],
    ['2023-10-07T21:30:00Z', 'Asia/Jerusalem', '2023-10-08', 30],
    ['2023-12-07T04:00:00Z', 'Asia/Jerusalem', '2023-12-07', 6 * 60],
    ['2023-10-07T23:59:00Z', 'UTC', '2023-10-07', 23 * 60 + 59],
    ['2023-10-07T00:00:00Z', 'America/New_York', '2023-10-06', 20 * 60],
  ])('%s in %s is %s, minute %i', (instant, zone, day, minutes) => {
    expect(localClock(Date.parse(instant), zone)).toEqual({ day, minutes });
  });

  it('refuses a briefing time or zone that is not one', () => {
    const bad = validateOrganisation({ ...ORG, briefing: { time: '7am', timeZone: 'Mars/Olympus' } });
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.issues.map((i) => i.path).sort()).toEqual(['/briefing/time', '/briefing/timeZone']);
  });
});

describe('followers', () => {
  it('are whoever answers today for each escalation target (every level) and for the control role', () => {
    const parsed = validateOrganisation(ORG);
    if (!parsed.ok) throw new Error('invalid');
    const org = withoutContacts(parsed.value);
    expect([...followers(org, T0)]).toEqual([
      ['c1', ['tiny']],
      ['d1', ['tiny']],
      ['h1', ['tiny']],
    ]);
    // The duty officer away: the deputy follows in their place.
    const away = withoutContacts({
      ...parsed.value,
      absences: [{ person: 'd1', from: '2023-10-06T00:00:00Z', to: '2023-10-08T00:00:00Z' }],
    });
    expect([...followers(away, T0)].map(([p]) => p)).toEqual(['c1', 'd2', 'h1']);
  });
});

describe('the daily briefing', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup.length = 0;
  });

  async function world() {
    const fresh = await STORES[0]!.fresh();
    cleanup.push(() => fresh.dispose());
    const clock = fakeClock(T0);
    const smtp: SmtpFixture = await startSmtp(clock.now);
    cleanup.push(() => smtp.close());
    const mailer = new SmtpMailer({ url: smtp.url, from: 'Vigil <vigil@vigil.test>', timeoutMs: 2_000 });
    cleanup.push(() => mailer.close());
    const open = async () => {
      const store = await Store.open({ ...fresh.options, clock: clock.now });
      const scheduler = new BriefingScheduler(store, {
        mailer,
        clock: clock.now,
        publicUrl: () => 'https://vigil.test',
      });
      return { store, scheduler };
    };
    return { clock, smtp, open };
  }

  it('sends one email per follower at the local briefing time with every section and the checkpoint head, once a day, also after a restart', async () => {
    const { clock, smtp, open } = await world();
    // Yesterday's picture: the problem and a first report a day before.
    clock.set(T0 - 25 * HOUR);
    let { store, scheduler } = await open();
    await store.defineProblem(TINY, 'test');
    await loadOrganisation(store, ORG, 'test');
    await store.recordReports(
      'tiny',
      [
        {
          report: {
            id: 'old',
            indicator: 'scouts',
            observed: 'present',
            at: T0 - 25 * HOUR - 1000,
            received: T0 - 25 * HOUR,
            source: 'old',
            reliability: 'A',
            credibility: '1',
          },
        },
      ],
      { actor: 'analyst' },
    );
    clock.set(T0);
    const engine = new WarningEngine(store, {
      clock: clock.now,
      tickMs: 3_600_000,
      reevaluateMs: 3_600_000_000,
    });
    engine.start();
    // A dissent, then the official assessment rises to a warning nobody acknowledges.
    await engine.fileDissent(
      'tiny',
      analyst,
      { calm: 0.1, strike: 0.9 },
      'Our own people saw the trucks twice.\nSecond line not shown.',
    );
    for (
      let k = 0;
      k < 20 && (await store.assess('tiny', T0, { ignored: 'count' })).level !== 'warning';
      k++
    ) {
      const report: Report = {
        id: `r${k}`,
        indicator: k % 2 === 0 ? 'trucks' : 'scouts',
        observed: 'present',
        at: T0 - 1000,
        received: T0,
        source: `s${k}`,
        reliability: 'A',
        credibility: '1',
      };
      await store.recordReports('tiny', [{ report }], { actor: 'analyst' });
    }
    await engine.idle();
    await engine.stop();

    // Not before 07:00 local.
    clock.set(SEVEN - 60_000);
    expect(await scheduler.runDue()).toEqual([]);
    expect(smtp.received).toHaveLength(0);

    clock.set(SEVEN);
    const sent = await scheduler.runDue();
    expect(sent.map((s) => s.person)).toEqual(['c1', 'd1', 'h1']);
    expect(smtp.received.map((m) => m.to).sort()).toEqual([address('c1'), address('d1'), address('h1')]);

    // The checkpoint it quotes is the log's latest.
    let checkpoint: { seq: number; data: Record<string, unknown> } | undefined;
    for await (const e of store.log.read())
      if (e.type === 'log.checkpoint') checkpoint = { seq: e.seq, data: e.data };
    expect(checkpoint).toBeDefined();
    const upTo = Number(checkpoint!.data.upTo);
    const head = String(checkpoint!.data.head);
    expect(sent[0]!.checkpoint).toEqual({ upTo, head });

    const [mail] = smtp.to(address('d1'));
    expect(mail!.subject).toBe(
      '[Vigil] Briefing 2023-10-07: Is the bridge going to be blown? warning; 1 unacknowledged',
    );
    const text = mail!.text;
    expect(text).toContain('Your Vigil briefing for 2023-10-07');
    expect(text).toContain('Is the bridge going to be blown?: WARNING');
    expect(text).toMatch(
      /Level: warning; pDangerous \d+ % \([a-z ]+\); yesterday "normal" at \d+ %: \+\d+\.\d points\./,
    );
    expect(text).toMatch(/Evidence that moved it: report r\d+ \([+-]\d+\.\d points/);
    expect(text).not.toMatch(/Evidence that moved it:[^\n]*report old/);
    expect(text).toMatch(/What to collect next: (scouts|trucks) \(\d\.\d{3} bits/);
    expect(text).toContain('Open dissent by u-analyst');
    expect(text).toContain('pDangerous 90 % (very likely): "Our own people saw the trucks twice."');
    expect(text).not.toContain('Second line');
    expect(text).toMatch(/Warning still unacknowledged: [0-9a-f-]{36} version 1, warning, pDangerous \d+ %/);
    expect(text).toContain(`event ${upTo} has hash ${head}`);
    expect(text).toContain(`vigil verify --head ${upTo}:${head}`);
    expect(mail!.html).toContain(head);
    expect(mail!.html).toContain('&quot;Our own people saw the trucks twice.&quot;');
    expect(mail!.messageId).toBe('<briefing.2023-10-07=3ad1@vigil>');
    expect(smtp.to(address('x1'))).toHaveLength(0);

    // Later the same day: nothing more.
    clock.set(SEVEN + 6 * HOUR);
    expect(await scheduler.runDue()).toEqual([]);

    // A restart the same day: still nothing (the briefing.sent events say so).
    await scheduler.stop();
    await store.close();
    ({ store, scheduler } = await open());
    clock.set(SEVEN + 8 * HOUR);
    expect(await scheduler.runDue()).toEqual([]);
    expect(smtp.received).toHaveLength(3);
    const recorded: unknown[] = [];
    for await (const e of store.log.read()) if (e.type === 'briefing.sent') recorded.push(e.data);
    expect(recorded).toMatchObject([
      { person: 'c1', day: '2023-10-07', timeZone: 'Asia/Jerusalem', problems: ['tiny'] },
      { person: 'd1', day: '2023-10-07' },
      { person: 'h1', day: '2023-10-07' },
    ]);

    // The next local day (after 07:00 there): again, once.
    clock.set(SEVEN + 24 * HOUR - 60_000);
    expect(await scheduler.runDue()).toEqual([]);
    clock.set(SEVEN + 24 * HOUR);
    expect((await scheduler.runDue()).map((s) => s.day)).toEqual(['2023-10-08', '2023-10-08', '2023-10-08']);
    expect(smtp.received).toHaveLength(6);
    const [, second] = smtp.to(address('d1'));
    expect(second!.text).toContain('yesterday');
    expect(second!.text).toContain('Evidence that moved it: no new report since yesterday');
    await scheduler.stop();
    await store.close();
  });

  it('sends nothing without a briefing in the organisation, and tries a refused address again only after a temporary refusal', async () => {
    const { clock, smtp, open } = await world();
    const { store, scheduler } = await open();
    await store.defineProblem(TINY, 'test');
    const { briefing: _none, ...withoutBriefing } = ORG;
    await loadOrganisation(store, withoutBriefing, 'test');
    clock.set(SEVEN);
    expect(await scheduler.runDue()).toEqual([]);

    await loadOrganisation(store, ORG, 'test');
    smtp.answer(address('c1'), (attempt) => (attempt === 1 ? 451 : undefined));
    smtp.answer(address('h1'), () => 550);
    expect((await scheduler.runDue()).map((s) => s.person)).toEqual(['d1']);
    expect(smtp.to(address('d1'))[0]!.text).toContain('new since yesterday');
    // The temporary refusal is tried again at the next check; the permanent one is not.
    clock.set(SEVEN + 60_000);
    expect((await scheduler.runDue()).map((s) => s.person)).toEqual(['c1']);
    clock.set(SEVEN + 120_000);
    expect(await scheduler.runDue()).toEqual([]);
    expect(smtp.received.map((m) => m.to).sort()).toEqual([address('c1'), address('d1')]);
    await scheduler.stop();
    await store.close();
  });
});
