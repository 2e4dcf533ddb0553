/**
 * Who answers for a role at an instant (src/warn/organisation.ts): overlapping absences route to
 * a delegate whenever one of them names one, and a person counts as reachable only through a
 * channel the server has. Exact, hand-checkable cases.
 */
import { describe, expect, it } from 'vitest';
import { EVERY_CHANNEL, reachable, resolveTarget, type Channel, type Organisation } from '../../src/warn/organisation.js';

const D = (day: number) => Date.UTC(2023, 9, day);
const iso = (ms: number) => new Date(ms).toISOString();
const WEBHOOK_ONLY: ReadonlySet<Channel> = new Set(['in-app', 'webhook']);

/** Control: c1 (no deputies); h1 and h2 may stand in for c1. */
const org = (absences: Organisation['absences'], people: Organisation['people'] = ['c1', 'h1', 'h2'].map((id) => ({ id, channels: ['webhook'] }))): Organisation => ({
  people,
  roles: [{ id: 'control', title: 'Control', holder: 'c1', deputies: [] }],
  absences,
  policies: [],
});
const MONTH_NO_DELEGATE = { person: 'c1', from: iso(D(1)), to: iso(D(31)) };
const WEEK_WITH_H1 = { person: 'c1', from: iso(D(5)), to: iso(D(10)), delegate: 'h1' };

describe('overlapping absences', () => {
  it.for([
    ['the long one listed first', [MONTH_NO_DELEGATE, WEEK_WITH_H1]],
    ['the long one listed last', [WEEK_WITH_H1, MONTH_NO_DELEGATE]],
  ] as const)('route to the delegate of a week inside a month-long absence without one (%s)', ([, absences]) => {
    const o = org([...absences]);
    expect(resolveTarget(o, 'role:control', D(7), 'control')).toEqual({ person: 'h1', reason: 'delegate', role: 'control', standingInFor: ['c1'] });
    expect(resolveTarget(o, 'person:c1', D(7), 'control')).toEqual({ person: 'h1', reason: 'delegate', standingInFor: ['c1'] });
    // Outside the week only the month-long absence covers: nobody stands in.
    expect(resolveTarget(o, 'role:control', D(3), 'control')).toBeUndefined();
    expect(resolveTarget(o, 'role:control', D(12), 'control')).toBeUndefined();
  });

  it("ask the most recently started absence's delegate first, and another covering absence's when that one is away", () => {
    const monthWithH2 = { person: 'c1', from: iso(D(1)), to: iso(D(31)), delegate: 'h2' };
    expect(resolveTarget(org([WEEK_WITH_H1, monthWithH2]), 'role:control', D(7), 'control')?.person).toBe('h1');
    expect(resolveTarget(org([monthWithH2, WEEK_WITH_H1]), 'role:control', D(7), 'control')?.person).toBe('h1');
    const h1Away = { person: 'h1', from: iso(D(6)), to: iso(D(8)) };
    expect(resolveTarget(org([monthWithH2, WEEK_WITH_H1, h1Away]), 'role:control', D(7), 'control')).toEqual({ person: 'h2', reason: 'delegate', role: 'control', standingInFor: ['c1'] });
  });
});

describe('reachable through the channels the server has', () => {
  const people: Organisation['people'] = [
    { id: 'c1', channels: ['email'] },
    { id: 'h1', user: 'user-h1', channels: ['in-app', 'email'] },
    { id: 'h2', channels: ['webhook'] },
  ];

  it('a person whose only channel is email is unreachable on a server without SMTP; an in-app user always is', () => {
    const o = org([], people);
    expect(reachable(o, 'c1', D(7), EVERY_CHANNEL)).toBe(true);
    expect(reachable(o, 'c1', D(7), WEBHOOK_ONLY)).toBe(false);
    expect(reachable(o, 'h1', D(7), WEBHOOK_ONLY)).toBe(true);
    expect(reachable(o, 'h2', D(7), WEBHOOK_ONLY)).toBe(true);
    expect(resolveTarget(o, 'role:control', D(7), 'control', WEBHOOK_ONLY)).toBeUndefined();
    expect(resolveTarget(o, 'role:control', D(7), 'control', EVERY_CHANNEL)).toEqual({ person: 'c1', reason: 'holder', role: 'control' });
  });

  it('a role goes on to a deputy, and a delegate is skipped, that no channel of the server reaches', () => {
    const o: Organisation = { ...org([{ person: 'h2', from: iso(D(1)), to: iso(D(31)), delegate: 'c1' }], people), roles: [{ id: 'duty', title: 'Duty', holder: 'h2', deputies: ['c1', 'h1'] }] };
    expect(resolveTarget(o, 'role:duty', D(7), 'duty', WEBHOOK_ONLY)).toEqual({ person: 'h1', reason: 'deputy', role: 'duty', standingInFor: ['h2', 'c1'] });
    expect(resolveTarget(o, 'role:duty', D(7), 'duty', EVERY_CHANNEL)).toEqual({ person: 'c1', reason: 'delegate', role: 'duty', standingInFor: ['h2'] });
  });
});
