/**
 * Which reports count at time T (spec 2.3), hand-checked through `assessJson`.
 *
 * All cases use the problem `calmOrAttack` (priors 0.5/0.5; indicator x: P(present | calm) =
 * 0.2, P(present | attack) = 0.8) and sensor reports with s = 0.9, f = 0.1, so that:
 *   one "present" on x:   A = 0.9, B = 0.1;  Λ_attack = 0.8*0.9 + 0.2*0.1 = 0.74,
 *                         Λ_calm = 0.2*0.9 + 0.8*0.1 = 0.26;  pDangerous = 0.74 / (0.74 + 0.26) = 0.74
 *   one "absent" on x:    A = 0.1, B = 0.9;  Λ_attack = 0.08 + 0.18 = 0.26, Λ_calm = 0.02 + 0.72 = 0.74;
 *                         pDangerous = 0.26
 *   two "present" on x:   A = 0.81, B = 0.01; Λ_attack = 0.648 + 0.002 = 0.65,
 *                         Λ_calm = 0.162 + 0.008 = 0.17; pDangerous = 0.65 / 0.82 = 0.792682926...
 */
import { describe, expect, it } from 'vitest';
import { assessJson } from '../../src/core/assess.js';
import { HOUR, T0, calmOrAttack, iso, makeReports, sensor } from '../reference/build.js';

const problem = calmOrAttack();
const ONE_PRESENT = 0.74;
const ONE_ABSENT = 0.26;
const TWO_PRESENT = 0.65 / 0.82;

const sortedIgnored = (xs: readonly { report: string; why: string }[]) =>
  [...xs].sort((a, b) => (a.report < b.report ? -1 : 1));

describe('supersession per (indicator, source) (spec 2.3)', () => {
  it('counts only the latest `at` of a source on an indicator', () => {
    const reports = makeReports([
      sensor('r1', 'x', 'present', 1, { source: 's', received: iso(3) }),
      sensor('r2', 'x', 'absent', 2, { source: 's', received: iso(3) }),
    ]);
    const a = assessJson(problem, reports);
    expect(a.counted).toBe(1);
    expect(a.ignored).toEqual([{ report: 'r1', why: 'superseded by r2' }]);
    expect(a.pDangerous).toBeCloseTo(ONE_ABSENT, 12);
    expect(a.indicators.find((i) => i.id === 'x')?.reports).toBe(1);
  });

  it('orders by `at` first, even when the older observation arrived later', () => {
    // r1 was seen at 2h (arrived 5h); r2 was seen at 1h (arrived 6h): r1 is the source's latest word.
    const reports = makeReports([
      sensor('r1', 'x', 'present', 2, { source: 's', received: iso(5) }),
      sensor('r2', 'x', 'absent', 1, { source: 's', received: iso(6) }),
    ]);
    const a = assessJson(problem, reports);
    expect(a.ignored).toEqual([{ report: 'r2', why: 'superseded by r1' }]);
    expect(a.pDangerous).toBeCloseTo(ONE_PRESENT, 12);
  });

  it('breaks a tie on `at` by the latest `received`', () => {
    const reports = makeReports([
      sensor('r1', 'x', 'absent', 1, { source: 's', received: iso(4) }),
      sensor('r2', 'x', 'present', 1, { source: 's', received: iso(2) }),
    ]);
    const a = assessJson(problem, reports);
    expect(a.ignored).toEqual([{ report: 'r2', why: 'superseded by r1' }]);
    expect(a.pDangerous).toBeCloseTo(ONE_ABSENT, 12);
  });

  it('breaks a tie on `at` and `received` by the greatest id in string order', () => {
    // "r9" > "r10" in string order (the character "9" > "1"), whatever the numbers say.
    const reports = makeReports([
      sensor('r10', 'x', 'absent', 1, { source: 's' }),
      sensor('r9', 'x', 'present', 1, { source: 's' }),
    ]);
    const a = assessJson(problem, reports);
    expect(a.ignored).toEqual([{ report: 'r10', why: 'superseded by r9' }]);
    expect(a.pDangerous).toBeCloseTo(ONE_PRESENT, 12);
  });

  it('compares ids by code unit, not by locale ("x-a" > "x-B")', () => {
    // "a" is 0x61 and "B" is 0x42, so "x-a" is the greater id (a locale comparison would say the opposite).
    const reports = makeReports([
      sensor('x-a', 'x', 'absent', 1, { source: 's' }),
      sensor('x-B', 'x', 'present', 1, { source: 's' }),
    ]);
    const a = assessJson(problem, reports);
    expect(a.ignored).toEqual([{ report: 'x-B', why: 'superseded by x-a' }]);
    expect(a.pDangerous).toBeCloseTo(ONE_ABSENT, 12);
  });

  it('names the report that counts when several are superseded', () => {
    const reports = makeReports([
      sensor('r1', 'x', 'present', 1, { source: 's' }),
      sensor('r2', 'x', 'present', 2, { source: 's' }),
      sensor('r3', 'x', 'absent', 3, { source: 's' }),
    ]);
    const a = assessJson(problem, reports);
    expect(a.counted).toBe(1);
    expect(sortedIgnored(a.ignored)).toEqual([
      { report: 'r1', why: 'superseded by r3' },
      { report: 'r2', why: 'superseded by r3' },
    ]);
    expect(a.pDangerous).toBeCloseTo(ONE_ABSENT, 12);
  });

  it('counts two sources on the same indicator (corroboration)', () => {
    const reports = makeReports([
      sensor('r1', 'x', 'present', 1, { source: 'a' }),
      sensor('r2', 'x', 'present', 2, { source: 'b' }),
    ]);
    const a = assessJson(problem, reports);
    expect(a.counted).toBe(2);
    expect(a.ignored).toEqual([]);
    expect(a.pDangerous).toBeCloseTo(TWO_PRESENT, 12);
  });

  it('treats an unnamed source as its own source', () => {
    // No `source`: each report is its own source, so both count.
    const reports = makeReports([sensor('r1', 'x', 'present', 1), sensor('r2', 'x', 'present', 2)]);
    const a = assessJson(problem, reports);
    expect(a.counted).toBe(2);
    expect(a.pDangerous).toBeCloseTo(TWO_PRESENT, 12);
  });

  it('does not supersede across indicators', () => {
    // r1 on x (present) and r2 on y (absent) from one source both count.
    // y: P(present | calm) = 0.3, P(present | attack) = 0.6; absent: A = 0.1, B = 0.9
    //   factor_attack = 0.6*0.1 + 0.4*0.9 = 0.42, factor_calm = 0.3*0.1 + 0.7*0.9 = 0.66
    // Λ_attack = 0.74 * 0.42 = 0.3108, Λ_calm = 0.26 * 0.66 = 0.1716; pDangerous = 0.3108 / 0.4824
    const reports = makeReports([
      sensor('r1', 'x', 'present', 1, { source: 's' }),
      sensor('r2', 'y', 'absent', 2, { source: 's' }),
    ]);
    const a = assessJson(problem, reports);
    expect(a.counted).toBe(2);
    expect(a.pDangerous).toBeCloseTo(0.3108 / 0.4824, 12);
  });

  it('does not count a source repeating itself', () => {
    // Three identical words from one source are one report: pDangerous = 0.74, not 0.79.
    const reports = makeReports([
      sensor('r1', 'x', 'present', 1, { source: 's' }),
      sensor('r2', 'x', 'present', 2, { source: 's' }),
      sensor('r3', 'x', 'present', 3, { source: 's' }),
    ]);
    const a = assessJson(problem, reports);
    expect(a.counted).toBe(1);
    expect(a.pDangerous).toBeCloseTo(ONE_PRESENT, 12);
  });
});

describe('what the system knew at T (spec 2.3, 7)', () => {
  it('ignores reports received after T, and they supersede nothing', () => {
    // At T = 3h, r2 (seen at 2h, received 5h) is not yet known: r1 still counts.
    const reports = makeReports([
      sensor('r1', 'x', 'present', 1, { source: 's' }),
      sensor('r2', 'x', 'absent', 2, { source: 's', received: iso(5) }),
    ]);
    const a = assessJson(problem, reports, { at: T0 + 3 * HOUR });
    expect(a.counted).toBe(1);
    expect(a.ignored).toEqual([{ report: 'r2', why: 'not yet received' }]);
    expect(a.pDangerous).toBeCloseTo(ONE_PRESENT, 12);
  });

  it('counts a report received exactly at T', () => {
    const reports = makeReports([sensor('r1', 'x', 'present', 1, { received: iso(3) })]);
    const a = assessJson(problem, reports, { at: T0 + 3 * HOUR });
    expect(a.counted).toBe(1);
    expect(a.pDangerous).toBeCloseTo(ONE_PRESENT, 12);
  });

  it('defaults T to the latest received instant, not the latest observation', () => {
    const reports = makeReports([
      sensor('r1', 'x', 'present', 1, { received: iso(7) }),
      sensor('r2', 'y', 'present', 4),
    ]);
    const a = assessJson(problem, reports);
    expect(a.at).toBe('2023-10-01T07:00:00.000Z');
    expect(a.counted).toBe(2);
  });

  it('with nothing received yet, the posterior is the prior', () => {
    const reports = makeReports([sensor('r1', 'x', 'present', 5)]);
    const a = assessJson(problem, reports, { at: T0 });
    expect(a.counted).toBe(0);
    expect(a.ignored).toEqual([{ report: 'r1', why: 'not yet received' }]);
    expect(Object.keys(a.posterior)).toEqual(['calm', 'attack']);
    expect(a.posterior.calm).toBeCloseTo(0.5, 15);
    expect(a.posterior.attack).toBeCloseTo(0.5, 15);
    expect(a.indicators.map((i) => i.reports)).toEqual([0, 0, 0]);
  });

  it('ignores a retracted report', () => {
    // r2 (source b, present) is retracted: only r1 counts, pDangerous = 0.74 instead of 0.79.
    const reports = makeReports([
      sensor('r1', 'x', 'present', 1, { source: 'a' }),
      sensor('r2', 'x', 'present', 2, { source: 'b' }),
    ]);
    const a = assessJson(problem, reports, { retracted: new Set(['r2']) });
    expect(a.counted).toBe(1);
    expect(a.ignored).toEqual([{ report: 'r2', why: 'retracted' }]);
    expect(a.pDangerous).toBeCloseTo(ONE_PRESENT, 12);
  });

  it('lets the previous word of a source stand when its latest is retracted', () => {
    // A retracted report does not count, so it supersedes nothing: r1 (present) counts again.
    const reports = makeReports([
      sensor('r1', 'x', 'present', 1, { source: 's' }),
      sensor('r2', 'x', 'absent', 2, { source: 's' }),
    ]);
    const a = assessJson(problem, reports, { retracted: new Set(['r2']) });
    expect(a.counted).toBe(1);
    expect(a.ignored).toEqual([{ report: 'r2', why: 'retracted' }]);
    expect(a.pDangerous).toBeCloseTo(ONE_PRESENT, 12);
  });
});
