/**
 * Need-to-know on what leaves the system: a warning email, a webhook and a daily briefing name
 * only the reports their recipient may see (the clearance of the person's Vigil user; the lowest
 * marking for a person with no user), and say how many they leave out.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Accounts } from '../../src/app/accounts.js';
import { Store } from '../../src/app/store.js';
import { BriefingScheduler } from '../../src/warn/briefing-scheduler.js';
import type { ChannelSender, Notification } from '../../src/warn/channel.js';
import { EmailChannel } from '../../src/warn/email-channel.js';
import { WarningEngine } from '../../src/warn/engine.js';
import type { MailMessage, Mailer } from '../../src/warn/mailer.js';
import { loadOrganisation } from '../../src/warn/organisation-store.js';
import { webhookBody } from '../../src/warn/webhook-channel.js';
import { fakeClock, STORES } from '../app/stores.js';

const TINY = parseYaml(readFileSync(new URL('../fixtures/tiny-problem.yaml', import.meta.url), 'utf8')) as Record<string, unknown>;
const START = Date.parse('2023-10-07T06:00:00Z');
const SECRET = ['ts-report-one', 'ts-report-two'];

describe('outbound messages and the recipient clearance', () => {
  const mails: MailMessage[] = [];
  const hooks: { person: string; body: Record<string, unknown> }[] = [];
  const mailer: Mailer = {
    send: async (m) => {
      mails.push(m);
      return { outcome: 'sent' };
    },
    close: async () => undefined,
  };
  const hook: ChannelSender = {
    channel: 'webhook',
    reaches: (c) => c.webhook !== undefined,
    deliver: async (n: Notification) => {
      hooks.push({ person: n.person, body: webhookBody(n) });
      return { outcome: 'delivered', status: 200 };
    },
  };
  let store: Store;
  let accounts: Accounts;
  let engine: WarningEngine;
  let dispose: () => Promise<void>;
  let clock: ReturnType<typeof fakeClock>;
  const mailTo = (address: string) => mails.filter((m) => m.to === address);

  beforeAll(async () => {
    const fresh = await STORES[0]!.fresh();
    dispose = fresh.dispose;
    clock = fakeClock(START);
    store = await Store.open({ ...fresh.options, clock: clock.now });
    accounts = await Accounts.open(store, { clock: clock.now });
    engine = new WarningEngine(store, { clock: clock.now, channels: [new EmailChannel({ mailer, clock: clock.now }), hook], tickMs: 3_600_000, reevaluateMs: 3_600_000_000 });
    engine.start();
    await store.defineProblem(TINY, 'test');
    const user = (username: string, clearance: 'UNCLASSIFIED' | 'TOP SECRET') =>
      accounts.createUser({ username, password: 'correct horse battery staple', roles: ['duty-officer'], clearance, compartments: [] }, 'test');
    await user('duty-low', 'UNCLASSIFIED');
    await user('duty-high', 'TOP SECRET');
    await user('duty-gone', 'TOP SECRET');
    await accounts.disableUser('duty-gone', 'test');
    const person = (id: string, extra: Record<string, string>) => ({ id, name: id, email: `${id}@vigil.test`, webhook: `https://hooks.example/${id}`, ...extra });
    await loadOrganisation(
      store,
      {
        people: [person('low', { user: 'duty-low' }), person('high', { user: 'duty-high' }), person('none', {}), person('gone', { user: 'duty-gone' })],
        roles: [{ id: 'duty-officer', title: 'Duty officer', holder: 'low', deputies: [] }],
        absences: [],
        policies: [{ problem: 'tiny', control: 'duty-officer', materialChange: 0.1, levels: { warning: [{ notify: ['person:low', 'person:high', 'person:none', 'person:gone'] }] } }],
        briefing: { time: '07:00', timeZone: 'UTC' },
      } as never,
      'test',
    );
    await engine.idle();
    // Two TOP SECRET reports raise a warning.
    clock.set(START + 60_000);
    await store.recordReports(
      'tiny',
      [
        { report: { id: SECRET[0]!, indicator: 'trucks', observed: 'present', at: START, received: START, source: 'ts-source-1', reliability: 'A', credibility: '1' }, classification: 'TOP SECRET' },
        { report: { id: SECRET[1]!, indicator: 'scouts', observed: 'present', at: START, received: START, source: 'ts-source-2', reliability: 'A', credibility: '1' }, classification: 'TOP SECRET' },
      ],
      { actor: 'test' },
    );
    await engine.idle();
  });
  afterAll(async () => {
    await engine.stop();
    await store.close();
    await dispose();
  });

  it('a warning email and webhook name the reports only to a recipient whose user may see them', async () => {
    for (const person of ['low', 'high', 'none', 'gone']) {
      expect(mailTo(`${person}@vigil.test`).length, person).toBeGreaterThan(0);
      expect(hooks.filter((h) => h.person === person).length, person).toBeGreaterThan(0);
    }
    for (const person of ['low', 'none', 'gone']) {
      for (const mail of mailTo(`${person}@vigil.test`)) {
        for (const id of SECRET) expect(mail.text + mail.html, person).not.toContain(id);
        expect(mail.text, person).toContain('2 more reports, beyond your clearance, are not named');
      }
      for (const h of hooks.filter((x) => x.person === person)) {
        expect(JSON.stringify(h.body), person).not.toMatch(/ts-report/);
        expect(h.body).toMatchObject({ evidence: [], withheld: 2 });
      }
    }
    const high = mailTo('high@vigil.test')[0]!;
    for (const id of SECRET) expect(high.text).toContain(`Report ${id}`);
    expect(high.text).not.toContain('beyond your clearance');
    const highHook = hooks.find((h) => h.person === 'high')!.body;
    expect((highHook.evidence as { report: string }[]).map((e) => e.report).sort()).toEqual([...SECRET].sort());
    expect(highHook.withheld).toBe(0);
  });

  it('the daily briefing names the reports that moved a problem only to a recipient who may see them', async () => {
    clock.set(START + 2 * 3_600_000);
    const before = mails.length;
    await new BriefingScheduler(store, { mailer, clock: clock.now }).runDue();
    const briefings = mails.slice(before);
    const low = briefings.find((m) => m.to === 'low@vigil.test');
    const high = briefings.find((m) => m.to === 'high@vigil.test');
    expect(low).toBeDefined();
    expect(high).toBeDefined();
    for (const id of SECRET) {
      expect(low!.text + low!.html).not.toContain(id);
      expect(high!.text).toContain(`report ${id}`);
    }
    expect(low!.text).toContain('2 more reports, beyond your clearance, are not named');
  });
});
