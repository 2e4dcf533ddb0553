/**
 * Several server processes on one store, each with its warning engine: they see the same state
 * and decide the same steps at the same moment, yet a warning is opened once, each step of its
 * escalation is taken once, and each person is told once (the log lets one claim of a step
 * through; the other engine leaves it). Run on both databases.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Store } from '../../src/app/store.js';
import { WarningEngine } from '../../src/warn/engine.js';
import { WebhookChannel } from '../../src/warn/webhook-channel.js';
import { announceUnavailable, STORES } from '../app/stores.js';
import { SECRET, standardOrganisation, startWorld, T0, type World } from './warn-fixture.js';

const MINUTE = 60_000;

for (const fixture of STORES) {
  announceUnavailable(fixture);
  describe.runIf(fixture.unavailable === undefined)(`two engines on one ${fixture.name} store`, () => {
    let world: World;
    let other: Store;
    let otherEngine: WarningEngine;
    /** Appends by the second process that claimed a step of the engine. */
    let claims: number;

    beforeEach(async () => {
      const fresh = await fixture.fresh();
      world = await startWorld(standardOrganisation([{ notify: ['role:duty-officer'] }, { wait: 600 }, { notify: ['role:head-of-research'] }]), { dataDir: fresh });
      // The engines are driven by hand below, at the same moments.
      await world.engine.stop();
      other = await Store.open({ ...fresh.options, clock: world.clock.now });
      otherEngine = new WarningEngine(other, {
        clock: world.clock.now,
        channels: [new WebhookChannel({ secret: SECRET, timeoutMs: 300 })],
        random: () => 0.5,
        onError: (error) => {
          throw error;
        },
      });
      claims = 0;
      const append = other.append.bind(other);
      vi.spyOn(other, 'append').mockImplementation((events) => {
        if (events[0]?.dedupe?.key.startsWith('engine:') === true) claims += 1;
        return append(events);
      });
    });
    afterEach(async () => {
      await otherEngine?.stop();
      await other?.close();
      await world?.close();
    });

    /** Both engines evaluate the problem at once, each from its own process's view. */
    async function bothEvaluate(): Promise<void> {
      await other.projector.catchUp();
      await Promise.all([world.engine.evaluate('tiny'), otherEngine.evaluate('tiny')]);
      await world.store.projector.catchUp();
    }

    /** Both engines run their due timers at once. */
    async function bothTick(ms: number): Promise<void> {
      world.clock.set(ms);
      await other.projector.catchUp();
      await Promise.all([world.engine.tick(), otherEngine.tick()]);
      await world.store.projector.catchUp();
    }

    it("an engine hears at its next tick of reports another server received, and warns", async () => {
      // The second process's minute sweep has just run; the next is a minute away.
      await otherEngine.tick();
      await world.raise();
      // Nothing has told the second process; its next tick finds the new events in the log.
      expect(world.received).toHaveLength(0);
      await otherEngine.tick();
      await otherEngine.idle();
      expect(await world.events('warning.opened')).toHaveLength(1);
      expect(world.deliveredTo('d1')).toHaveLength(1);
    });

    it('sends, from the outbox, a notification whose writer died before sending it', async () => {
      // A process that writes the warning and its notifications, then dies before any delivery
      // (here: an engine with no channel to deliver through).
      const dying = new WarningEngine(world.store, { clock: world.clock.now, channels: [] });
      await world.raise();
      await dying.evaluate('tiny');
      expect((await world.events('warning.notified')).map((e) => e.person)).toEqual(['d1']);
      expect(world.received).toHaveLength(0);
      // The other process's tick, a few seconds on: not yet (the writer may still be sending).
      await bothTick(T0 + 5_000);
      expect(world.received).toHaveLength(0);
      await bothTick(T0 + 15_000);
      expect(world.deliveredTo('d1')).toHaveLength(1);
      await bothTick(T0 + 25_000);
      expect(world.deliveredTo('d1')).toHaveLength(1);
      expect(await world.events('delivery.attempted')).toHaveLength(1);
    });

    it('retries a failed delivery once, whichever engine runs the timer', async () => {
      // d1's webhook fails the first attempt, then answers.
      world.answer('d1', (attempt) => (attempt === 1 ? 503 : 200));
      await world.raise();
      await bothEvaluate();
      expect(world.received.filter((r) => r.person === 'd1')).toHaveLength(1);
      await bothTick(T0 + 5_000);
      const attempts = world.received.filter((r) => r.person === 'd1').map((r) => Number(r.headers['x-vigil-attempt']));
      expect(attempts).toEqual([1, 2]);
      await bothTick(T0 + 60_000);
      expect(world.received.filter((r) => r.person === 'd1')).toHaveLength(2);
    });

    it('open, escalate and close once; everyone told once', async () => {
      await world.raise();
      await bothEvaluate();
      expect(await world.events('warning.opened')).toHaveLength(1);
      // The second engine did try: it lost the claim, and told nobody.
      expect(claims).toBeGreaterThan(0);
      expect(world.deliveredTo('d1')).toHaveLength(1);

      await bothTick(T0 + 11 * MINUTE);
      expect(await world.events('escalation.waiting')).toHaveLength(1);
      expect(world.deliveredTo('h1')).toHaveLength(1);
      expect((await world.events('warning.notified')).map((e) => e.person)).toEqual(['d1', 'h1']);

      await world.lower();
      await bothEvaluate();
      expect(await world.events('warning.closed')).toHaveLength(1);
      expect(world.deliveredTo('d1').filter((r) => r.body.type === 'warning.all-clear')).toHaveLength(1);
      expect(world.deliveredTo('h1').filter((r) => r.body.type === 'warning.all-clear')).toHaveLength(1);
    });
  });
}
