/**
 * Dissent: filed by an analyst, routed to the control role outside the analyst's chain, a
 * warning of its own while it is above the official level, withdrawn only by its author and
 * kept in the record.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/app/access.js';
import { capAlert } from '../../src/warn/cap.js';
import { dissentsOf, warningById, warningHistory } from '../../src/warn/warning-reads.js';
import { standardOrganisation, startWorld, T0, type World } from './warn-fixture.js';

const ORG = standardOrganisation([{ notify: ['role:duty-officer'] }]);
const analyst: Principal = { kind: 'user', id: 'u-analyst', name: 'user-analyst', roles: ['analyst'], clearance: 'SECRET', compartments: [] };
const other: Principal = { ...analyst, id: 'u-other', name: 'user-other' };

/** The CAP alert of a warning's current version: its headline, responseType, certainty and description. */
async function capOf(world: World, id: string): Promise<Record<string, string | undefined>> {
  const w = (await warningById(world.store.db, id))!;
  const { versions } = await warningHistory(world.store.db, id);
  const xml = capAlert({ warning: w.id, state: w.state, version: w.version, judgment: w.judgment, versions, problem: { id: 'tiny', title: 'Bridge', levels: 2 } }, { sender: 'vigil@localhost', restriction: 'r' });
  const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
  return { headline: field('headline'), responseType: field('responseType'), certainty: field('certainty'), description: field('description') };
}

describe('dissent', () => {
  let world: World | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('goes to the control role and raises its own warning when it is above the official level; closes when the official one catches up', async () => {
    world = await startWorld(ORG);
    const filed = await world.engine.fileDissent('tiny', analyst, { calm: 0.2, strike: 0.8 }, 'The trucks were seen twice by our own people.');
    expect(filed).toMatchObject({ level: 'warning', pDangerous: 0.8, official: { level: 'normal' } });
    expect(await world.events('dissent.routed')).toMatchObject([{ dissent: filed.dissent, person: 'c1', role: 'control', reason: 'holder' }]);
    const [opened] = await world.events('warning.opened');
    expect(opened).toMatchObject({ dissent: filed.dissent, reason: 'dissent', judgment: { level: 'warning', pDangerous: 0.8 } });
    // The control role is told; the duty officer (the official chain) is not.
    expect(world.deliveredTo('c1')).toHaveLength(1);
    expect(world.deliveredTo('d1')).toHaveLength(0);

    // The official assessment reaches the dissent's level: its own warning closes.
    await world.raise();
    const closed = await world.events('warning.closed');
    expect(closed).toMatchObject([{ warning: opened!.warning, reason: 'official-caught-up' }]);
    expect(world.deliveredTo('d1')).toHaveLength(1);
  });

  it('raises no warning when the official level is as high, but is still routed and shown', async () => {
    world = await startWorld(ORG);
    const filed = await world.engine.fileDissent('tiny', analyst, { calm: 0.99, strike: 0.01 }, 'Nothing is happening.');
    expect(filed.level).toBe('normal');
    expect(await world.events('warning.opened')).toHaveLength(0);
    expect(await world.events('dissent.routed')).toHaveLength(1);
    expect((await dissentsOf(world.store.db, 'tiny', { openOnly: true })).map((d) => d.dissent)).toEqual([filed.dissent]);
  });

  it('refuses a posterior that is not one over the hypotheses, naming the field', async () => {
    world = await startWorld(ORG);
    await expect(world.engine.fileDissent('tiny', analyst, { calm: 0.5 }, 'x')).rejects.toMatchObject({ code: 'REQUEST_INVALID', details: { path: '/posterior/strike' } });
    await expect(world.engine.fileDissent('tiny', analyst, { calm: 0.5, strike: 0.6 }, 'x')).rejects.toMatchObject({ code: 'REQUEST_INVALID', details: { path: '/posterior' } });
    await expect(world.engine.fileDissent('nope', analyst, { calm: 0.5, strike: 0.5 }, 'x')).rejects.toMatchObject({ code: 'PROBLEM_NOT_FOUND' });
  });

  it('is withdrawn only by its author; the withdrawal is an event and the dissent stays in the record', async () => {
    world = await startWorld(ORG);
    const filed = await world.engine.fileDissent('tiny', analyst, { calm: 0.2, strike: 0.8 }, 'Attack coming.');
    await expect(world.engine.withdrawDissent(filed.dissent, other)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    world.clock.set(T0 + 60_000);
    await world.engine.withdrawDissent(filed.dissent, analyst, 'The trucks were ours.');
    expect(await world.events('dissent.withdrawn')).toMatchObject([{ dissent: filed.dissent, reason: 'The trucks were ours.', actor: 'u-analyst' }]);
    // Its warning closes; the record keeps it, open as of before the withdrawal.
    expect(await world.events('warning.closed')).toMatchObject([{ reason: 'dissent-withdrawn' }]);
    expect((await dissentsOf(world.store.db, 'tiny')).map((d) => d.state)).toEqual(['withdrawn']);
    expect((await dissentsOf(world.store.db, 'tiny', { at: T0 })).map((d) => d.state)).toEqual(['open']);
  });

  it("keeps its warning open when a new model version adds a level below the dissent's: levels are compared under the current model", async () => {
    world = await startWorld(ORG);
    const filed = await world.engine.fileDissent('tiny', analyst, { calm: 0.2, strike: 0.8 }, 'Trucks twice.');
    expect(filed).toMatchObject({ level: 'warning', levelIndex: 1 });
    // Version 2 inserts "watch" below "warning": the official assessment (10 %) is now at watch
    // (index 1), the dissent (80 %) at warning (index 2): still above it.
    const model = (await world.store.problem('tiny'))!.problem;
    await world.store.defineProblem({ ...model, warning: { levels: [{ id: 'normal', threshold: 0 }, { id: 'watch', threshold: 0.05 }, { id: 'warning', threshold: 0.5 }] } }, 'test');
    await world.engine.idle();
    await world.engine.evaluate('tiny');
    expect((await world.store.assess('tiny', T0, { ignored: 'count' })).level).toBe('watch');
    expect(await world.events('warning.closed')).toEqual([]);
  });

  it('withdrawn: its warning closes as an official one does, with an all-clear to everyone it told and the official judgment', async () => {
    world = await startWorld(ORG);
    const filed = await world.engine.fileDissent('tiny', analyst, { calm: 0.2, strike: 0.8 }, 'Trucks twice.');
    await world.engine.idle();
    expect(world.deliveredTo('c1').map((r) => r.body.type)).toEqual(['warning']);
    await world.engine.withdrawDissent(filed.dissent, analyst);
    await world.engine.idle();
    const [closed] = await world.events('warning.closed');
    expect(closed).toMatchObject({ reason: 'dissent-withdrawn', judgment: { level: 'normal', levelIndex: 0 } });
    expect((closed!.judgment as { pDangerous: number }).pDangerous).toBeLessThan(0.5);
    expect((await world.events('warning.notified')).filter((n) => n.allClear === true)).toMatchObject([{ person: 'c1', version: 2 }]);
    expect(world.deliveredTo('c1').map((r) => [r.body.type, r.body.closedBecause, r.body.level])).toEqual([
      ['warning', undefined, 'warning'],
      ['warning.all-clear', 'dissent-withdrawn', 'normal'],
    ]);
    const cap = await capOf(world, String(closed!.warning));
    expect(cap).toMatchObject({ headline: 'All clear: Bridge', responseType: 'AllClear', certainty: 'Possible' });
    expect(cap.description).toContain('the dissent was withdrawn');
    expect(cap.description).not.toContain('very likely');
  });

  it('caught up by the official assessment: everyone it told hears it closed, taken over by the official warning (CAP Monitor, not AllClear)', async () => {
    world = await startWorld(ORG);
    await world.engine.fileDissent('tiny', analyst, { calm: 0.2, strike: 0.8 }, 'Trucks twice.');
    await world.engine.idle();
    await world.raise();
    const [closed] = await world.events('warning.closed');
    expect(closed).toMatchObject({ reason: 'official-caught-up', judgment: { level: 'warning' } });
    expect(world.deliveredTo('c1').map((r) => [r.body.type, r.body.closedBecause])).toEqual([
      ['warning', undefined],
      ['warning.all-clear', 'official-caught-up'],
    ]);
    const cap = await capOf(world, String(closed!.warning));
    expect(cap).toMatchObject({ headline: 'Dissent taken over by the official warning: Bridge', responseType: 'Monitor' });
    expect(cap.description).toContain('the official warning carries it from here');
  });
});
