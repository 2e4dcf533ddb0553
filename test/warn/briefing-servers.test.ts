/**
 * The daily briefing with two servers on one store, each running its scheduler: each follower
 * gets one briefing a day, even when both check at once or one dies while sending.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/app/store.js';
import { BriefingScheduler } from '../../src/warn/briefing-scheduler.js';
import { SEND_LEASE_MS } from '../../src/warn/engine.js';
import type { Mailer, MailMessage } from '../../src/warn/mailer.js';
import type { OrganisationDocument } from '../../src/warn/organisation.js';
import { loadOrganisation } from '../../src/warn/organisation-store.js';
import { announceUnavailable, fakeClock, STORES } from '../app/stores.js';

const T0 = Date.parse('2023-10-07T03:00:00Z');
/** 07:00 in Jerusalem. */
const SEVEN = Date.parse('2023-10-07T04:00:00Z');
const TINY = parseYaml(readFileSync(new URL('../fixtures/tiny-problem.yaml', import.meta.url), 'utf8')) as Record<string, unknown>;
const ORG: OrganisationDocument = {
  people: ['d1', 'd2', 'h1', 'c1'].map((id) => ({ id, name: `Person ${id}`, email: `${id}@vigil.test` })),
  roles: [
    { id: 'duty-officer', title: 'Duty officer', holder: 'd1', deputies: ['d2'] },
    { id: 'head-of-research', title: 'Head of research', holder: 'h1', deputies: [] },
    { id: 'control', title: 'Control', holder: 'c1', deputies: [] },
  ],
  absences: [],
  policies: [{ problem: 'tiny', control: 'control', materialChange: 0.1, levels: { warning: [{ notify: ['role:duty-officer'] }, { wait: 600 }, { notify: ['role:head-of-research'] }] } }],
  briefing: { time: '07:00', timeZone: 'Asia/Jerusalem' },
};

/** A mail server that takes `ms` to accept each message; `never` for one that never answers. */
function slowMailer(sent: MailMessage[], ms: number | 'never'): Mailer {
  return {
    async send(message) {
      if (ms === 'never') return new Promise(() => {});
      await new Promise((r) => setTimeout(r, ms));
      sent.push(message);
      return { outcome: 'sent' };
    },
    async close() {},
  };
}

function perAddress(sent: readonly MailMessage[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const m of sent) counts[m.to] = (counts[m.to] ?? 0) + 1;
  return counts;
}

for (const fixture of STORES) {
  announceUnavailable(fixture);
  describe.skipIf(fixture.unavailable !== undefined)(`the daily briefing, two servers on one ${fixture.name} store`, () => {
    async function twoServers() {
      const fresh = await fixture.fresh();
      const clock = fakeClock(T0);
      const a = await Store.open({ ...fresh.options, clock: clock.now });
      const b = await Store.open({ ...fresh.options, clock: clock.now });
      await a.defineProblem(TINY, 'test');
      await loadOrganisation(a, ORG, 'test');
      await b.catchUp();
      const close = async () => {
        await a.close();
        await b.close();
        await fresh.dispose();
      };
      return { clock, a, b, close };
    }

    it('sends each follower one briefing when both servers check at about the same time', async () => {
      const { clock, a, b, close } = await twoServers();
      try {
        const sent: MailMessage[] = [];
        const sa = new BriefingScheduler(a, { mailer: slowMailer(sent, 200), clock: clock.now });
        const sb = new BriefingScheduler(b, { mailer: slowMailer(sent, 200), clock: clock.now });
        clock.set(SEVEN + 1_000);
        // B's check falls 100 ms after A's, while A sends.
        const runA = sa.runDue();
        await new Promise((r) => setTimeout(r, 100));
        const [byA, byB] = await Promise.all([runA, sb.runDue()]);
        expect(Object.values(perAddress(sent)).every((n) => n === 1)).toBe(true);
        expect([...byA, ...byB].map((s) => s.person).sort()).toEqual(Object.keys(perAddress(sent)).map((to) => to.split('@')[0]).sort());
        // Nor the next minute, from either.
        clock.set(SEVEN + 61_000);
        expect([...(await sa.runDue()), ...(await sb.runDue())]).toEqual([]);
        expect(Object.values(perAddress(sent)).every((n) => n === 1)).toBe(true);
      } finally {
        await close();
      }
    });

    it('sends a briefing whose server died while sending it, once its claim is SEND_LEASE_MS old', async () => {
      const { clock, a, b, close } = await twoServers();
      try {
        const sent: MailMessage[] = [];
        const dying = new BriefingScheduler(a, { mailer: slowMailer(sent, 'never'), clock: clock.now });
        const sb = new BriefingScheduler(b, { mailer: slowMailer(sent, 0), clock: clock.now });
        clock.set(SEVEN + 1_000);
        void dying.runDue(); // claims the first follower's briefing, and never gets further
        await new Promise((r) => setTimeout(r, 300));
        clock.set(SEVEN + 61_000);
        const first = await sb.runDue();
        const held = Object.keys(perAddress(sent)).length;
        expect(first.length).toBe(held);
        clock.set(SEVEN + 1_000 + SEND_LEASE_MS);
        const later = await sb.runDue();
        expect(later).toHaveLength(1);
        expect(Object.values(perAddress(sent)).every((n) => n === 1)).toBe(true);
        expect(Object.keys(perAddress(sent))).toHaveLength(held + 1);
      } finally {
        await close();
      }
    });
  });
}
