/**
 * Several servers on one store (PostgreSQL behind a load balancer; SQLite shared by processes
 * on one machine): what one server's engine does must not be undone, repeated or lost by
 * another's. Each case: server A is `world` (its store and engine), server B a second Store
 * and engine on the same data.
 */
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/app/store.js';
import type { ChannelSender } from '../../src/warn/channel.js';
import { SEND_LEASE_MS, WarningEngine } from '../../src/warn/engine.js';
import { WebhookChannel } from '../../src/warn/webhook-channel.js';
import { announceUnavailable, STORES } from '../app/stores.js';
import { SECRET, standardOrganisation, startWorld, T0 } from './warn-fixture.js';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const fixture of STORES) {
  announceUnavailable(fixture);
  describe.skipIf(fixture.unavailable !== undefined)(`servers sharing one ${fixture.name} store`, () => {
    it('does not close a warning another server opened after this one caught up (no judging from a stale replay)', async () => {
      const fresh = await fixture.fresh();
      const world = await startWorld(standardOrganisation([{ notify: ['role:duty-officer'] }]), { dataDir: fresh });
      const other = await Store.open({ ...fresh.options, clock: world.clock.now });
      const b = new WarningEngine(other, { clock: world.clock.now, channels: [new WebhookChannel({ secret: SECRET, timeoutMs: 300 })], random: () => 0.5, reevaluateMs: 0 });
      try {
        // B's own request put the problem's replay in B's memory.
        await other.recordReports('tiny', [{ report: { id: 'b-1', indicator: 'scouts', observed: 'absent', at: T0 - 1000, received: T0, source: 'b-src', reliability: 'A', credibility: '1' } }], { actor: 'analyst' });
        await b.tick();
        await b.idle();
        // B's next tick catches up; right after, before B evaluates, A records the reports
        // that raise the level and A's engine opens the warning.
        const catchUp = other.catchUp.bind(other);
        other.catchUp = async () => {
          const n = await catchUp();
          await world.raise();
          return n;
        };
        world.clock.set(T0 + 1_000);
        await b.tick();
        await b.idle();
        expect(await world.events('warning.opened')).toHaveLength(1);
        expect(await world.events('warning.closed')).toEqual([]);
        expect(world.deliveredTo('d1').map((r) => r.body.type)).not.toContain('warning.closed');
      } finally {
        await b.stop();
        await other.close();
        await world.close();
      }
    });

    it('takes over a retry whose claimant died before sending it, once the claim is SEND_LEASE_MS old', async () => {
      const fresh = await fixture.fresh();
      const world = await startWorld(standardOrganisation([{ notify: ['role:duty-officer'] }]), { dataDir: fresh });
      await world.engine.stop();
      world.answer('d1', (attempt) => (attempt === 1 ? 503 : 200));
      const real = new WebhookChannel({ secret: SECRET, timeoutMs: 300 });
      // Server A's process dies while it sends attempt 2: the send never returns.
      const dying: ChannelSender = { channel: 'webhook', reaches: (c) => real.reaches(c), deliver: (n) => (n.attempt >= 2 ? new Promise(() => {}) : real.deliver(n)) };
      const a = new WarningEngine(world.store, { clock: world.clock.now, channels: [dying], random: () => 0.5 });
      const other = await Store.open({ ...fresh.options, clock: world.clock.now });
      const b = new WarningEngine(other, { clock: world.clock.now, channels: [real], random: () => 0.5 });
      try {
        await world.raise();
        await a.evaluate('tiny'); // attempt 1 fails (503); the retry falls due 0.75 s later
        world.clock.set(T0 + 2_000);
        void a.tick(); // A claims the retry, and dies sending it
        await pause(300);
        // A live claim: B leaves the retry to A.
        world.clock.set(T0 + 15_000);
        await b.tick();
        await b.idle();
        expect(world.deliveredTo('d1').map((r) => r.headers['x-vigil-attempt'])).toEqual(['1']);
        expect((await world.events('delivery.attempted')).map((e) => e.attempt)).toEqual([1]);
        // A's claim is over: B sends attempt 2, once.
        for (const at of [T0 + 2_000 + SEND_LEASE_MS, T0 + 3_600_000]) {
          world.clock.set(at);
          await b.tick();
          await b.idle();
        }
        expect(world.deliveredTo('d1').map((r) => r.headers['x-vigil-attempt'])).toEqual(['1', '2']);
        expect((await world.events('delivery.attempted')).map((e) => `${String(e.attempt)}:${String(e.outcome)}`)).toEqual(['1:failed', '2:delivered']);
      } finally {
        await b.stop();
        await other.close();
        await world.close();
      }
    });

    it('takes over an outbox send whose claimant died before sending it, once the claim is SEND_LEASE_MS old', async () => {
      const fresh = await fixture.fresh();
      const world = await startWorld(standardOrganisation([{ notify: ['role:duty-officer'] }]), { dataDir: fresh });
      await world.engine.stop();
      const real = new WebhookChannel({ secret: SECRET, timeoutMs: 300 });
      // A writer with no channel writes the notification; A's outbox claims it and dies sending it.
      const writer = new WarningEngine(world.store, { clock: world.clock.now, channels: [] });
      const hang: ChannelSender = { channel: 'webhook', reaches: (c) => real.reaches(c), deliver: () => new Promise(() => {}) };
      const a = new WarningEngine(world.store, { clock: world.clock.now, channels: [hang] });
      const other = await Store.open({ ...fresh.options, clock: world.clock.now });
      const b = new WarningEngine(other, { clock: world.clock.now, channels: [real] });
      try {
        await world.raise();
        await writer.evaluate('tiny');
        world.clock.set(T0 + 11_000);
        void a.tick();
        await pause(300);
        world.clock.set(T0 + 30_000);
        await b.tick();
        await b.idle();
        expect(world.deliveredTo('d1')).toHaveLength(0);
        for (const at of [T0 + 11_000 + SEND_LEASE_MS, T0 + 3_600_000]) {
          world.clock.set(at);
          await b.tick();
          await b.idle();
        }
        expect(world.deliveredTo('d1')).toHaveLength(1);
      } finally {
        await b.stop();
        await other.close();
        await world.close();
      }
    });

    it('does not send from its outbox what another server is still sending, one person after another', async () => {
      const fresh = await fixture.fresh();
      const world = await startWorld(standardOrganisation([{ notify: ['role:duty-officer', 'role:head-of-research', 'control'] }]), { dataDir: fresh });
      await world.engine.stop();
      const a = new WarningEngine(world.store, { clock: world.clock.now, channels: [new WebhookChannel({ secret: SECRET, timeoutMs: 1_500 })], random: () => 0.5 });
      const other = await Store.open({ ...fresh.options, clock: world.clock.now });
      const b = new WarningEngine(other, { clock: world.clock.now, channels: [new WebhookChannel({ secret: SECRET, timeoutMs: 1_500 })], random: () => 0.5 });
      try {
        world.answer('d1', () => 'hang'); // A's first send waits for the webhook's timeout
        await world.raise();
        const evaluating = a.evaluate('tiny');
        // While A waits on d1, the clock moves past the outbox's 10 s and B's tick runs.
        await pause(500);
        world.clock.set(T0 + 11_000);
        await b.tick();
        await b.idle();
        await evaluating;
        expect(world.deliveredTo('h1')).toHaveLength(1);
        expect(world.deliveredTo('c1')).toHaveLength(1);
        // Nor later, from either outbox.
        world.clock.set(T0 + 60_000);
        for (const engine of [a, b]) {
          await engine.tick();
          await engine.idle();
        }
        expect(world.deliveredTo('h1')).toHaveLength(1);
        expect(world.deliveredTo('c1')).toHaveLength(1);
      } finally {
        await a.stop();
        await b.stop();
        await other.close();
        await world.close();
      }
    });

    it('hears of another server’s events within about a second while its engine is busy sending', async () => {
      const fresh = await fixture.fresh();
      const world = await startWorld(standardOrganisation([{ notify: ['role:duty-officer', 'role:head-of-research'] }]), { dataDir: fresh });
      await world.engine.stop();
      for (const p of ['d1', 'h1']) world.answer(p, () => 'hang');
      const other = await Store.open({ ...fresh.options, clock: world.clock.now });
      // B's engine as `vigil serve` runs it (1 s ticks), its sends taking 2 x 5 s (the webhook
      // timeout): behind them, the event would wait up to 10 s; on its own timer, about 1 s.
      const b = new WarningEngine(other, { clock: world.clock.now, channels: [new WebhookChannel({ secret: SECRET, timeoutMs: 5_000 })], random: () => 0.5, tickMs: 1_000 });
      const seen = new Map<number, number>();
      other.onProjected((events) => {
        for (const e of events) seen.set(e.seq, Date.now());
      });
      b.start();
      try {
        await world.raise(); // on A; B's engine opens the warning at its next tick and starts sending
        const t = Date.now();
        while (world.received.length === 0 && Date.now() - t < 5_000) await pause(50);
        expect(world.received.length).toBeGreaterThan(0);
        const [mark] = await world.store.append([{ type: 'test.noted', stream: 's', actor: 'a', data: {} }]);
        const appendedAt = Date.now();
        while (!seen.has(mark!.seq) && Date.now() - appendedAt < 10_000) await pause(50);
        expect((seen.get(mark!.seq) ?? Infinity) - appendedAt).toBeLessThan(4_000);
      } finally {
        await b.stop();
        await other.close();
        await world.close();
      }
    }, 40_000);
  });
}
