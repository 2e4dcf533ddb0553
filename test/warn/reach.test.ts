/**
 * Who a warning reaches: a delegate named by one of several overlapping absences stands in, and
 * a person whose only channel the server lacks (email without SMTP) is unreachable, so the
 * escalation goes on to the next person instead of "telling" someone nobody tells.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OrganisationDocument } from '../../src/warn/organisation.js';
import { standardOrganisation, startWorld, T0, type World } from './warn-fixture.js';

/** Makes person `id` reachable by email only (no Vigil user, no webhook). */
const emailOnly = (doc: OrganisationDocument, id: string): OrganisationDocument => ({
  ...doc,
  people: doc.people.map((p) => (p.id === id ? { id, name: `Person ${id}`, email: `${id}@example.org` } : p)),
});

describe('who a warning reaches', () => {
  let world: World | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it("reaches the delegate of a week's absence inside a month-long one without a delegate", async () => {
    world = await startWorld((collector) => ({
      ...standardOrganisation([{ notify: ['role:control'] }])(collector),
      absences: [
        { person: 'c1', from: '2023-10-01T00:00:00Z', to: '2023-10-31T00:00:00Z' },
        { person: 'c1', from: '2023-10-05T00:00:00Z', to: '2023-10-10T00:00:00Z', delegate: 'h1' },
      ],
    }));
    await world.raise();
    expect(await world.events('warning.notified')).toMatchObject([{ person: 'h1', reason: 'delegate', role: 'control', standingInFor: ['c1'] }]);
    expect(await world.events('escalation.unreachable')).toEqual([]);
    expect(world.deliveredTo('h1')).toHaveLength(1);
  });

  it('goes on to the deputy when the holder has only email and the server no SMTP; records only channels it has', async () => {
    // The world's engine has a webhook channel only, like a server without smtpUrl.
    world = await startWorld((collector) => emailOnly(standardOrganisation([{ notify: ['role:duty-officer'] }, { wait: 600 }, { notify: ['role:head-of-research'] }])(collector), 'd1'));
    await world.raise();
    expect(await world.events('warning.notified')).toMatchObject([{ person: 'd2', reason: 'deputy', standingInFor: ['d1'], channels: ['in-app', 'webhook'] }]);
    expect(world.deliveredTo('d2')).toHaveLength(1);
  });

  it('records the step as unreachable and escalates at once when nobody the server can reach holds the role', async () => {
    world = await startWorld((collector) => emailOnly(standardOrganisation([{ notify: ['role:head-of-research'] }, { wait: 600 }, { notify: ['role:control'] }])(collector), 'h1'));
    await world.raise();
    expect(await world.events('escalation.unreachable')).toMatchObject([{ step: 0, target: 'role:head-of-research' }]);
    // The wait is skipped: control is told at once.
    expect(await world.events('warning.notified')).toMatchObject([{ person: 'c1', step: 2 }]);
    expect(world.deliveredTo('c1')).toHaveLength(1);
    // The daily coverage check judges reachability by the same channels.
    await world.at(T0 + 1_000);
    const [foreseen] = await world.events('organisation.gaps-foreseen');
    expect((foreseen?.gaps as { role: string }[]).map((g) => g.role)).toEqual(['head-of-research']);
  });
});
