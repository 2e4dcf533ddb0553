/**
 * Acceptance tests of warnings on a fake clock, in the style of Alertmanager's: a collector
 * receives the webhooks, and each expectation is a window of (fake) time in which a person must,
 * or must not, have been told.
 */
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { STORES } from '../app/stores.js';
import { SECRET, standardOrganisation, startWorld, T0, type World } from './warn-fixture.js';

const MIN = 60_000;
const ESCALATE = standardOrganisation([{ notify: ['role:duty-officer'] }, { wait: 600 }, { notify: ['role:head-of-research'] }, { wait: 600 }, { notify: ['control'] }]);

describe('warnings reach a person', () => {
  let world: World | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('opens a warning when the level rises, tells the duty officer at once, signed, and escalates on schedule until acknowledged', async () => {
    world = await startWorld(ESCALATE);
    await world.raise();
    const [opened] = await world.events('warning.opened');
    expect(opened).toMatchObject({ version: 1, reason: 'opened', judgment: { level: 'warning' } });
    expect(world.deliveredTo('d1')).toHaveLength(1);
    const first = world.deliveredTo('d1')[0]!;
    expect(first.at).toBe(T0);
    expect(first.headers['x-vigil-signature']).toBe('sha256=' + createHmac('sha256', SECRET).update(first.raw).digest('hex'));
    expect(first.body).toMatchObject({ id: `${String(opened!.warning)}:1:d1`, level: 'warning', recipient: { reason: 'holder', role: 'duty-officer' } });
    expect(first.body.collect).toBeInstanceOf(Array);
    expect(world.deliveredTo('h1')).toHaveLength(0);

    // Not before the wait is over ...
    await world.at(T0 + 10 * MIN - 1);
    expect(world.deliveredTo('h1')).toHaveLength(0);
    // ... and at once when it is.
    await world.at(T0 + 10 * MIN);
    expect(world.deliveredTo('h1').map((r) => r.at)).toEqual([T0 + 10 * MIN]);

    // The head of research acknowledges: the control role is never told.
    await world.engine.acknowledge(String(opened!.warning), { kind: 'user', id: 'u-h1', name: 'user-h1', roles: ['viewer'], clearance: 'UNCLASSIFIED', compartments: [] }, { via: 'api', version: 1 });
    await world.at(T0 + 30 * MIN);
    expect(world.deliveredTo('c1')).toHaveLength(0);
    const [ack] = await world.events('warning.acknowledged');
    expect(ack).toMatchObject({ version: 1, person: 'h1', judgment: { level: 'warning' } });
  });

  it('does not let someone who was not told, and holds no authority, acknowledge; refuses a stale version', async () => {
    world = await startWorld(ESCALATE);
    await world.raise();
    const [opened] = await world.events('warning.opened');
    const stranger = { kind: 'user' as const, id: 'u-x', name: 'nobody', roles: ['viewer' as const], clearance: 'UNCLASSIFIED' as const, compartments: [] };
    await expect(world.engine.acknowledge(String(opened!.warning), stranger, { via: 'api' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const duty = { ...stranger, roles: ['duty-officer' as const] };
    await expect(world.engine.acknowledge(String(opened!.warning), duty, { via: 'api', version: 7 })).rejects.toMatchObject({ code: 'WARNING_STALE' });
    await expect(world.engine.acknowledge(String(opened!.warning), duty, { via: 'api', version: 1 })).resolves.toMatchObject({ version: 1 });
  });

  it('goes around an absence to the delegate at once, and says why', async () => {
    world = await startWorld(
      standardOrganisation([{ notify: ['role:duty-officer'] }], {
        absences: [{ person: 'd1', from: '2023-10-06T00:00:00Z', to: '2023-10-08T00:00:00Z', delegate: 'h1' }],
      }),
    );
    await world.raise();
    expect(world.deliveredTo('d1')).toHaveLength(0);
    expect(world.deliveredTo('h1').map((r) => r.at)).toEqual([T0]);
    const [told] = await world.events('warning.notified');
    expect(told).toMatchObject({ person: 'h1', reason: 'delegate', role: 'duty-officer', standingInFor: ['d1'] });
  });

  it('falls to the deputy when the holder is away without a delegate', async () => {
    world = await startWorld(
      standardOrganisation([{ notify: ['role:duty-officer'] }], { absences: [{ person: 'd1', from: '2023-10-06T00:00:00Z', to: '2023-10-08T00:00:00Z' }] }),
    );
    await world.raise();
    expect(world.deliveredTo('d2')).toHaveLength(1);
    expect((await world.events('warning.notified'))[0]).toMatchObject({ person: 'd2', reason: 'deputy', standingInFor: ['d1'] });
  });

  it('records nobody reachable as an error and escalates at once, skipping the wait', async () => {
    world = await startWorld(
      standardOrganisation([{ notify: ['role:head-of-research'] }, { wait: 3600 }, { notify: ['role:duty-officer'] }], {
        absences: [{ person: 'h1', from: '2023-10-06T00:00:00Z', to: '2023-10-08T00:00:00Z' }],
      }),
    );
    await world.raise();
    expect(await world.events('escalation.unreachable')).toMatchObject([{ step: 0, target: 'role:head-of-research' }]);
    expect(world.deliveredTo('d1').map((r) => r.at)).toEqual([T0]);
  });

  it('repeats steps as the policy says, then stops', async () => {
    world = await startWorld(standardOrganisation([{ notify: ['role:duty-officer'] }, { wait: 300 }, { repeat: 2 }]));
    await world.raise();
    for (let k = 1; k <= 4; k++) await world.at(T0 + k * 5 * MIN);
    expect(world.deliveredTo('d1').map((r) => (r.at - T0) / MIN)).toEqual([0, 5, 10]);
    expect(await world.events('escalation.exhausted')).toHaveLength(1);
  });

  it('retries a webhook failing half the time with backoff, each attempt an event, and delivers', async () => {
    world = await startWorld(standardOrganisation([{ notify: ['role:duty-officer'] }]), { retryBaseMs: 1000 });
    world.answer('d1', (attempt) => (attempt % 2 === 1 ? 503 : 200));
    await world.raise();
    const attempts = await world.events('delivery.attempted');
    expect(attempts).toMatchObject([{ attempt: 1, outcome: 'failed', status: 503 }]);
    // Jitter fixed at 0.5: the first retry is due after 1,000 x 0.75 ms.
    const retryAt = Date.parse(String(attempts[0]!.retryAt));
    expect(retryAt).toBe(T0 + 750);
    await world.at(retryAt - 1);
    expect(world.deliveredTo('d1')).toHaveLength(1);
    await world.at(retryAt);
    expect(world.deliveredTo('d1')).toHaveLength(2);
    expect((await world.events('delivery.attempted')).map((a) => a.outcome)).toEqual(['failed', 'delivered']);
    // Both tries carry one idempotency id.
    expect(new Set(world.deliveredTo('d1').map((r) => r.headers['x-vigil-delivery'])).size).toBe(1);
  });

  it('treats a hanging webhook as failed after its timeout, and a 4xx other than 408/429 as permanent', async () => {
    world = await startWorld(standardOrganisation([{ notify: ['role:duty-officer', 'role:head-of-research'] }]));
    world.answer('d1', () => 'hang');
    world.answer('h1', () => 404);
    await world.raise();
    const attempts = await world.events('delivery.attempted');
    expect(attempts.find((a) => a.person === 'd1')).toMatchObject({ outcome: 'failed', detail: 'timed out' });
    expect(attempts.find((a) => a.person === 'h1')).toMatchObject({ outcome: 'gave-up', status: 404 });
    world.answer('d1', () => 429);
    await world.at(T0 + MIN);
    expect((await world.events('delivery.attempted')).filter((a) => a.person === 'd1').map((a) => a.outcome)).toEqual(['failed', 'failed']);
  });

  it('re-sends on a material change but not for noise, and closes with an all-clear', async () => {
    world = await startWorld(standardOrganisation([{ notify: ['role:duty-officer'] }]));
    await world.raise();
    const pBefore = ((await world.events('warning.opened'))[0]!.judgment as { pDangerous: number }).pDangerous;
    // Noise: the same judgment evaluated again changes nothing.
    await world.engine.evaluate('tiny');
    expect(await world.events('warning.updated')).toHaveLength(0);
    expect(world.deliveredTo('d1')).toHaveLength(1);
    // A material move (more than 0.1) at the same level: a new version, told again.
    for (let k = 0; k < 6; k++) {
      await world.store.recordReports('tiny', [{ report: { id: `more-${k}`, indicator: 'trucks', observed: 'present', at: T0 - 1000, received: T0, source: `more-${k}`, reliability: 'A', credibility: '1' } }], { actor: 'analyst' });
    }
    await world.engine.idle();
    const updated = await world.events('warning.updated');
    expect(updated.map((u) => u.reason)).toEqual(['material-change']);
    expect((updated[0]!.judgment as { pDangerous: number }).pDangerous - pBefore).toBeGreaterThan(0.1);
    expect(world.deliveredTo('d1').map((r) => r.body.version)).toEqual([1, 2]);
    // Lowering to the first level closes the warning and tells everyone told.
    await world.lower();
    const closed = await world.events('warning.closed');
    expect(closed).toMatchObject([{ reason: 'all-clear' }]);
    const clear = world.deliveredTo('d1').at(-1)!;
    expect(clear.body.type).toBe('warning.all-clear');
    expect(pBefore).toBeGreaterThan(0.5);
  });
});

describe('a restart mid-escalation', () => {
  it('resumes on schedule from the timer rows', async () => {
    const fresh = await STORES[0]!.fresh();
    const kept = { options: fresh.options, dispose: async () => undefined };
    const first = await startWorld(ESCALATE, { dataDir: kept });
    await first.raise();
    expect(first.deliveredTo('d1')).toHaveLength(1);
    // The process dies: the engine is not stopped, its store not closed cleanly (timers are rows).
    await first.close();

    const second = await startWorld(ESCALATE, { dataDir: { options: fresh.options, dispose: fresh.dispose } });
    try {
      await second.at(T0 + 10 * MIN - 1);
      expect(second.deliveredTo('h1')).toHaveLength(0);
      await second.at(T0 + 10 * MIN);
      expect(second.deliveredTo('h1')).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});

describe('the daily coverage check', () => {
  it('warns ahead of time, once a day, of a role with nobody reachable', async () => {
    const world = await startWorld(
      standardOrganisation([{ notify: ['role:duty-officer'] }], {
        absences: [
          { person: 'd1', from: '2023-10-09T00:00:00Z', to: '2023-10-12T00:00:00Z' },
          { person: 'd2', from: '2023-10-10T00:00:00Z', to: '2023-10-11T00:00:00Z' },
        ],
      }),
    );
    try {
      await world.at(T0);
      await world.at(T0 + 60 * MIN);
      const foreseen = await world.events('organisation.gaps-foreseen');
      expect(foreseen).toHaveLength(1);
      expect(foreseen[0]).toMatchObject({ day: '2023-10-07', gaps: [{ role: 'duty-officer', from: '2023-10-10T00:00:00.000Z', to: '2023-10-11T00:00:00.000Z' }] });
      // The next day's check warns again (the gap is still ahead).
      await world.at(T0 + 24 * 60 * MIN);
      expect(await world.events('organisation.gaps-foreseen')).toHaveLength(2);
    } finally {
      await world.close();
    }
  });
});
