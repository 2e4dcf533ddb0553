import { describe, expect, it } from 'vitest';
import { coverageGaps } from '../../src/warn/coverage.js';
import type { Channel, Organisation } from '../../src/warn/organisation.js';

const base = (absences: Organisation['absences']): Organisation => ({
  people: ['a', 'b', 'c'].map((id) => ({ id, channels: ['email'] })),
  roles: [
    { id: 'duty', title: 'Duty', holder: 'a', deputies: ['b'] },
    { id: 'head', title: 'Head', holder: 'c', deputies: [] },
  ],
  absences,
  policies: [],
});
const D = (day: number, hour = 0) => Date.UTC(2026, 2, day, hour);
const iso = (ms: number) => new Date(ms).toISOString();

describe('coverage ahead', () => {
  it('finds no gap when a deputy covers the holder', () => {
    expect(coverageGaps(base([{ person: 'a', from: iso(D(2)), to: iso(D(4)) }]), D(1), D(8))).toEqual([]);
  });

  it('finds the stretch where holder and deputies overlap their absences, and only that', () => {
    const org = base([
      { person: 'a', from: iso(D(2)), to: iso(D(5)) },
      { person: 'b', from: iso(D(3)), to: iso(D(6)) },
    ]);
    expect(coverageGaps(org, D(1), D(8))).toEqual([{ role: 'duty', from: iso(D(3)), to: iso(D(5)) }]);
  });

  it('counts a reachable delegate as cover, and a role without deputies as a gap for its holder’s whole absence', () => {
    const covered = base([{ person: 'c', from: iso(D(2)), to: iso(D(3)), delegate: 'a' }]);
    expect(coverageGaps(covered, D(1), D(8))).toEqual([]);
    const bare = base([{ person: 'c', from: iso(D(2)), to: iso(D(3)) }]);
    expect(coverageGaps(bare, D(1), D(8))).toEqual([{ role: 'head', from: iso(D(2)), to: iso(D(3)) }]);
  });

  it('counts the delegate of an absence inside a longer one without a delegate as cover (no false gap)', () => {
    const org = base([
      { person: 'c', from: iso(D(1)), to: iso(D(30)) },
      { person: 'c', from: iso(D(3)), to: iso(D(5)), delegate: 'a' },
    ]);
    expect(coverageGaps(org, D(2), D(9))).toEqual([
      { role: 'head', from: iso(D(2)), to: iso(D(3)) },
      { role: 'head', from: iso(D(5)), to: iso(D(9)) },
    ]);
  });

  it('finds a gap where the only people are reached by a channel the server lacks', () => {
    const withoutSmtp: ReadonlySet<Channel> = new Set(['in-app', 'webhook']);
    expect(coverageGaps(base([]), D(1), D(2), withoutSmtp)).toEqual([
      { role: 'duty', from: iso(D(1)), to: iso(D(2)) },
      { role: 'head', from: iso(D(1)), to: iso(D(2)) },
    ]);
  });

  it('clips gaps to the window and reports one running to its end', () => {
    const org = base([{ person: 'c', from: iso(D(0)), to: iso(D(30)) }]);
    expect(coverageGaps(org, D(1), D(8))).toEqual([{ role: 'head', from: iso(D(1)), to: iso(D(8)) }]);
  });
});
