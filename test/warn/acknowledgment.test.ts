/**
 * Acknowledgment stops the escalation of the version acknowledged, and only that: it takes a
 * person that version was sent to (or a duty officer or decision-maker), and it holds across
 * servers sharing one store, where an acknowledgment may land while the other server runs a due
 * step or writes a newer version. Two-server cases run on both databases.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Principal } from '../../src/app/access.js';
import { Store } from '../../src/app/store.js';
import { WarningEngine } from '../../src/warn/engine.js';
import type { OrganisationDocument } from '../../src/warn/organisation.js';
import { WebhookChannel } from '../../src/warn/webhook-channel.js';
import { announceUnavailable, STORES } from '../app/stores.js';
import { SECRET, standardOrganisation, startWorld, T0, type World } from './warn-fixture.js';

const MINUTE = 60_000;
const user = (name: string, roles: Principal['roles'] = ['viewer']): Principal => ({ kind: 'user', id: `u-${name}`, name, roles, clearance: 'UNCLASSIFIED', compartments: [] });

/** Three levels: `watch` tells d1 only; `alert` tells the head of research, then control. */
const TRI = {
  id: 'tri',
  title: 'Three levels',
  hypotheses: [
    { id: 'calm', title: 'Calm', prior: 0.9 },
    { id: 'strike', title: 'Strike', prior: 0.1, dangerous: true },
  ],
  indicators: [
    { id: 'scouts', title: 'Scouts', likelihood: { calm: 0.2, strike: 0.8 } },
    { id: 'trucks', title: 'Trucks', likelihood: { calm: 0.05, strike: 0.6 } },
  ],
  warning: { levels: [{ id: 'normal', threshold: 0 }, { id: 'watch', threshold: 0.2 }, { id: 'alert', threshold: 0.5 }] },
};

describe('who may acknowledge a version', () => {
  let world: World;
  let warning: string;

  beforeEach(async () => {
    world = await startWorld((collector): OrganisationDocument => ({
      ...standardOrganisation([])(collector),
      policies: [{ problem: 'tri', control: 'control', materialChange: 0.5, levels: { watch: [{ notify: ['person:d1'] }], alert: [{ notify: ['role:head-of-research'] }, { wait: 600 }, { notify: ['control'] }] } }],
    }));
    await world.store.defineProblem(TRI, 'test');
    let n = 0;
    const until = async (indicator: string, level: string) => {
      for (let k = 0; k < 20; k++) {
        n++;
        await world.store.recordReports('tri', [{ report: { id: `t${n}`, indicator, observed: 'present', at: T0 - 1000, received: T0, source: `s${n}`, reliability: 'A', credibility: '1' } }], { actor: 'analyst' });
        await world.engine.idle();
        if ((await world.store.assess('tri', T0, { ignored: 'count' })).level === level) return;
      }
      throw new Error(`never reached ${level}`);
    };
    await until('scouts', 'watch');
    warning = String((await world.events('warning.opened'))[0]!.warning);
    await until('trucks', 'alert');
    expect((await world.events('warning.notified')).map((e) => `${String(e.version)}:${String(e.person)}`)).toEqual(['1:d1', '2:h1']);
  });
  afterEach(async () => {
    await world.close();
  });

  it('refuses (FORBIDDEN) a person told only of an earlier version, and the escalation goes on', async () => {
    await expect(world.engine.acknowledge(warning, user('user-d1'), { via: 'api', version: 2 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await world.events('warning.acknowledged')).toEqual([]);
    await world.at(T0 + 10 * MINUTE);
    expect(world.deliveredTo('c1')).toHaveLength(1);
  });

  it('accepts the person the version was sent to, and stops the escalation', async () => {
    await world.engine.acknowledge(warning, user('user-h1'), { via: 'api', version: 2 });
    await world.at(T0 + 10 * MINUTE);
    expect(world.deliveredTo('c1')).toHaveLength(0);
  });

  it('accepts a duty officer or decision-maker told of nothing', async () => {
    await world.engine.acknowledge(warning, user('someone', ['decision-maker']), { via: 'api', version: 2 });
    expect(await world.events('warning.acknowledged')).toMatchObject([{ version: 2, user: 'u-someone' }]);
  });

  it("refuses an email link's acknowledgment by a person not told of that version", async () => {
    expect(await world.engine.acknowledgeAsPerson(warning, 'd1', 2, 'email')).toEqual({ outcome: 'not-told' });
  });
});

for (const fixture of STORES) {
  announceUnavailable(fixture);
  describe.runIf(fixture.unavailable === undefined)(`acknowledgment across two servers on one ${fixture.name} store`, () => {
    let world: World;
    let other: Store;
    let otherEngine: WarningEngine;
    let warning: string;

    beforeEach(async () => {
      const fresh = await fixture.fresh();
      world = await startWorld(standardOrganisation([{ notify: ['role:duty-officer'] }, { wait: 600 }, { notify: ['role:head-of-research'] }, { wait: 600 }, { notify: ['control'] }]), { dataDir: fresh });
      // Driven by hand below.
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
      await world.raise();
      await world.engine.evaluate('tiny');
      warning = String((await world.events('warning.opened'))[0]!.warning);
      expect(world.deliveredTo('d1')).toHaveLength(1);
    });
    afterEach(async () => {
      vi.restoreAllMocks();
      await otherEngine?.stop();
      await other?.close();
      await world?.close();
    });

    /** The other server's d1 acknowledges version 1. */
    async function otherAcknowledges(): Promise<void> {
      await other.projector.catchUp();
      await otherEngine.acknowledge(warning, user('user-d1'), { via: 'api', version: 1 });
    }

    /** Runs `during` once, inside the first append of this server whose dedupe key starts with `prefix`, before it is written. */
    function beforeAppendOf(prefix: string, during: () => Promise<void>): { ran: () => boolean } {
      let ran = false;
      const append = world.store.append.bind(world.store);
      vi.spyOn(world.store, 'append').mockImplementation(async (events) => {
        if (!ran && events[0]?.dedupe?.key.startsWith(prefix) === true) {
          ran = true;
          await during();
        }
        return append(events);
      });
      return { ran: () => ran };
    }

    it('stops the escalation when the acknowledgment lands after this server read its due timers', async () => {
      const all = world.store.db.all.bind(world.store.db);
      let acked = false;
      vi.spyOn(world.store.db, 'all').mockImplementation(async (sql, params) => {
        const rows = await all(sql, params);
        if (!acked && sql.includes('FROM warn_timers WHERE due_ms')) {
          acked = true;
          await otherAcknowledges();
        }
        return rows;
      });
      await world.at(T0 + 10 * MINUTE);
      vi.restoreAllMocks();
      await world.at(T0 + 20 * MINUTE);
      expect(acked).toBe(true);
      expect(world.deliveredTo('h1')).toHaveLength(0);
      expect(world.deliveredTo('c1')).toHaveLength(0);
    });

    it('does not start a new timer for a step written just after the acknowledgment', async () => {
      // The acknowledgment comes between the step's check and its write: the step's
      // notification is written, but the escalation of the acknowledged version stops there.
      const race = beforeAppendOf('engine:escalation:', otherAcknowledges);
      await world.at(T0 + 10 * MINUTE);
      expect(race.ran()).toBe(true);
      expect(await world.store.db.all("SELECT id FROM warn_timers WHERE kind = 'escalation'")).toEqual([]);
      await world.at(T0 + 20 * MINUTE);
      expect(world.deliveredTo('c1')).toHaveLength(0);
    });

    it("keeps the newer version's timer when a step of the older one is written after it", async () => {
      // Between this server's check of version 1's due step and its write, the other server
      // makes version 2 (a material change), whose escalation starts again from the first step.
      const race = beforeAppendOf('engine:escalation:', async () => {
        for (let k = 0; k < 6; k++) {
          await other.recordReports('tiny', [{ report: { id: `more-${k}`, indicator: 'trucks', observed: 'present', at: T0 - 1000, received: T0, source: `more-${k}`, reliability: 'A', credibility: '1' } }], { actor: 'analyst' });
        }
        await otherEngine.evaluate('tiny');
      });
      world.clock.set(T0 + 10 * MINUTE);
      await world.engine.tick();
      expect(race.ran()).toBe(true);
      expect(await world.events('warning.updated')).toMatchObject([{ version: 2 }]);
      await world.at(T0 + 20 * MINUTE);
      const told = (await world.events('warning.notified')).map((e) => `${String(e.version)}:${String(e.person)}`);
      expect(told).toContain('2:h1');
    });

    it('refuses (WARNING_STALE) an acknowledgment of version 1 written after the other server wrote version 2; version 2 escalates', async () => {
      await other.projector.catchUp();
      const all = other.db.all.bind(other.db);
      let raced = false;
      vi.spyOn(other.db, 'all').mockImplementation(async (sql, params) => {
        const rows = await all(sql, params);
        if (!raced && sql.includes('FROM warn_warnings WHERE id = ?')) {
          raced = true;
          // This server, meanwhile: a material change makes version 2 and starts its escalation.
          for (let k = 0; k < 6; k++) {
            await world.store.recordReports('tiny', [{ report: { id: `more-${k}`, indicator: 'trucks', observed: 'present', at: T0 - 1000, received: T0, source: `more-${k}`, reliability: 'A', credibility: '1' } }], { actor: 'analyst' });
          }
          await world.engine.evaluate('tiny');
        }
        return rows;
      });
      await expect(otherEngine.acknowledge(warning, user('user-d1'), { via: 'api', version: 1 })).rejects.toMatchObject({ code: 'WARNING_STALE' });
      vi.restoreAllMocks();
      expect(raced).toBe(true);
      // The event stays in the log as a record of a read; the projection does not count it.
      expect(await world.events('warning.acknowledged')).toMatchObject([{ version: 1 }]);
      expect(await world.store.db.all('SELECT seq FROM warn_acks')).toEqual([]);
      await world.at(T0 + 10 * MINUTE);
      expect((await world.events('warning.notified')).map((e) => `${String(e.version)}:${String(e.person)}`)).toEqual(['1:d1', '2:d1', '2:h1']);
    });
  });
}
