/**
 * A new model version that only adds a level below the open warning's does not change the
 * warning: its level is compared with the judgment's by the current model's ranking.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { standardOrganisation, startWorld, type World } from './warn-fixture.js';

describe('an open warning across a model change', () => {
  let world: World | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('is not re-sent as a level-up when the new version adds a level below its own', async () => {
    world = await startWorld(standardOrganisation([{ notify: ['role:duty-officer'] }]));
    await world.raise();
    const [opened] = await world.events('warning.opened');
    expect(opened).toMatchObject({ judgment: { level: 'warning', levelIndex: 1 } });
    const told = world.deliveredTo('d1').length;
    // Version 2: "watch" below "warning"; the assessment is still at "warning" (now index 2).
    const model = (await world.store.problem('tiny'))!.problem;
    await world.store.defineProblem({ ...model, warning: { ...model.warning, levels: [{ id: 'normal', threshold: 0 }, { id: 'watch', threshold: 0.05 }, ...model.warning.levels.slice(1)] } }, 'test');
    await world.engine.idle();
    await world.engine.evaluate('tiny');
    await world.engine.idle();
    expect((await world.store.assess('tiny', world.clock.now().getTime(), { ignored: 'count' })).level).toBe('warning');
    expect(await world.events('warning.updated')).toEqual([]);
    expect(world.deliveredTo('d1')).toHaveLength(told);
  });
});
