/**
 * The hysteresis of warning levels (spec section 6) holds over the engine's own evaluations,
 * between reports as well as at them: a warning that fading evidence opened stays open while
 * pDangerous is inside the band [threshold x (1 - hysteresis), threshold), and closes below it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OrganisationDocument } from '../../src/warn/organisation.js';
import { standardOrganisation, startWorld, T0, type World } from './warn-fixture.js';

const HOUR = 3_600_000;
/** Threshold 0.5, hysteresis 0.2: once at `warning`, it stays down to 0.4. */
const FADE = {
  id: 'fade',
  title: 'Fading both ways',
  hypotheses: [
    { id: 'calm', title: 'Calm', prior: 0.7 },
    { id: 'strike', title: 'Strike', prior: 0.3, dangerous: true },
  ],
  indicators: [
    { id: 'x', title: 'Fast-fading', halfLifeHours: 1, likelihood: { calm: 0.1, strike: 0.9 } },
    { id: 'y', title: 'Slow-fading', halfLifeHours: 10, likelihood: { calm: 0.1, strike: 0.9 } },
    { id: 'z', title: 'Hardly telling', likelihood: { calm: 0.5, strike: 0.51 } },
  ],
  warning: { levels: [{ id: 'normal', threshold: 0 }, { id: 'warning', threshold: 0.5 }], hysteresis: 0.2 },
};

describe('hysteresis between reports', () => {
  let world: World | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('keeps a warning opened by fading evidence open inside the band, a report in the band included, and closes it below', async () => {
    world = await startWorld((collector): OrganisationDocument => ({
      ...standardOrganisation([])(collector),
      policies: [{ problem: 'fade', control: 'control', materialChange: 0.5, levels: { warning: [{ notify: ['role:duty-officer'] }] } }],
    }));
    const w = world;
    await w.store.defineProblem(FADE, 'test');
    const report = (id: string, indicator: string, observed: 'present' | 'absent', at: number) => ({ report: { id, indicator, observed, at, received: at, source: id, reliability: 'A' as const, credibility: '1' as const } });
    // An absent x that fades fast and a present y that fades slowly: pDangerous rises past 0.5
    // within 2 hours, then falls through the band over the next day.
    await w.store.recordReports('fade', [report('x1', 'x', 'absent', T0), report('y1', 'y', 'present', T0)], { actor: 'analyst' });
    await w.engine.idle();
    const evaluateAt = async (ms: number) => {
      w.clock.set(ms);
      await w.engine.idle();
      await w.engine.evaluate('fade');
      return (await w.store.assess('fade', ms, { ignored: 'count' })).pDangerous;
    };
    const states: string[] = [];
    for (let h = 1; h <= 30; h++) {
      if (h === 10) {
        // A report inside the band: the replay's level at its instant starts from the level of
        // the report before (normal), the engine's from its own (warning).
        w.clock.set(T0 + h * HOUR);
        await w.store.recordReports('fade', [report('z1', 'z', 'present', T0 + h * HOUR)], { actor: 'analyst' });
        await w.engine.idle();
      }
      const p = await evaluateAt(T0 + h * HOUR);
      const open = (await w.events('warning.opened')).length > (await w.events('warning.closed')).length;
      states.push(`${p < 0.4 ? 'below' : p < 0.5 ? 'band' : 'above'}:${open ? 'open' : 'closed'}`);
    }
    expect(await w.events('warning.opened')).toHaveLength(1);
    // Opened once above; open all through the band; closed at the first evaluation below.
    const seen = states.filter((s, k) => s !== states[k - 1]);
    expect(seen).toEqual(['band:closed', 'above:open', 'band:open', 'below:closed']);
    const [closed] = await w.events('warning.closed');
    expect((closed!.judgment as { pDangerous: number }).pDangerous).toBeLessThan(0.4);
  });
});
