/**
 * Dissent: filed by an analyst, routed to the control role outside the analyst's chain, a
 * warning of its own while it is above the official level, withdrawn only by its author and
 * kept in the record.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/app/access.js';
import { dissentsOf } from '../../src/warn/warning-reads.js';
import { standardOrganisation, startWorld, T0, type World } from './warn-fixture.js';

const ORG = standardOrganisation([{ notify: ['role:duty-officer'] }]);
const analyst: Principal = { kind: 'user', id: 'u-analyst', name: 'user-analyst', roles: ['analyst'], clearance: 'SECRET', compartments: [] };
const other: Principal = { ...analyst, id: 'u-other', name: 'user-other' };

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
});
