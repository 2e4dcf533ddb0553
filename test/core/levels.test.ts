/**
 * Warning levels with hysteresis (spec 6): one evaluation step, and the replay of a report file.
 */
import { describe, expect, it } from 'vitest';
import { nextLevelIndex } from '../../src/core/levels.js';
import type { WarningPolicy } from '../../src/core/model.js';
import { replayLevels } from '../../src/core/replay.js';
import { HOUR, T0, calmOrAttack, makeReports, sensor } from '../reference/build.js';

describe('one evaluation (spec 6)', () => {
  // levels 0: routine 0, 1: watch 0.2, 2: warning 0.5, 3: alert 0.8; hysteresis 0.2 →
  // lowering bars: watch 0.2*0.8 = 0.16, warning 0.5*0.8 = 0.4, alert 0.8*0.8 = 0.64
  const policy: WarningPolicy = {
    levels: [
      { id: 'routine', threshold: 0 },
      { id: 'watch', threshold: 0.2 },
      { id: 'warning', threshold: 0.5 },
      { id: 'alert', threshold: 0.8 },
    ],
    hysteresis: 0.2,
  };

  it.each([
    // [from, pDangerous, to, why]
    [0, 0.1, 0, 'below every threshold above routine'],
    [0, 0.2, 1, 'threshold <= pDangerous raises (0.2 <= 0.2)'],
    [0, 0.55, 2, 'raises straight to the highest level reached, skipping watch'],
    [0, 0.95, 3, 'raises to the top'],
    [2, 0.85, 3, 'raises from warning to alert'],
    [3, 0.7, 3, 'alert holds: 0.7 >= 0.64'],
    [3, 0.6, 2, 'alert → warning (0.6 < 0.64), and warning holds (0.6 >= 0.4)'],
    [3, 0.3, 1, 'alert → warning → watch (0.3 < 0.4), watch holds (0.3 >= 0.16)'],
    [3, 0.1, 0, 'alert → warning → watch → routine (0.1 < 0.16)'],
    [1, 0.19, 1, 'watch holds inside its band: 0.16 <= 0.19 < 0.2'],
    [1, 0.15, 0, 'watch → routine below 0.16'],
    [2, 0.45, 2, 'warning holds at 0.45 (>= 0.4) though below its threshold 0.5'],
    [2, 0.79, 2, 'no raise below alert, no lowering above 0.4'],
    [0, 0, 0, 'the first level is never lowered'],
  ])('from %i at pDangerous %f to %i: %s', (from, p, to) => {
    expect(nextLevelIndex(policy, from, p)).toBe(to);
  });

  it('uses hysteresis 0.2 when the policy gives none', () => {
    const noHysteresis: WarningPolicy = { levels: policy.levels };
    // warning's lowering bar is 0.5 * 0.8 = 0.4
    expect(nextLevelIndex(noHysteresis, 2, 0.41)).toBe(2);
    expect(nextLevelIndex(noHysteresis, 2, 0.39)).toBe(1);
  });

  it('lowers as soon as pDangerous is below the threshold with hysteresis 0', () => {
    const sharp: WarningPolicy = { levels: policy.levels, hysteresis: 0 };
    expect(nextLevelIndex(sharp, 1, 0.1999)).toBe(0);
    expect(nextLevelIndex(sharp, 3, 0.5)).toBe(2);
  });

  it('a single level never moves', () => {
    const single: WarningPolicy = { levels: [{ id: 'only', threshold: 0 }] };
    expect(nextLevelIndex(single, 0, 1)).toBe(0);
    expect(nextLevelIndex(single, 0, 0)).toBe(0);
  });
});

describe('replay (spec 6)', () => {
  // calmOrAttack: levels quiet 0, watch 0.3, warning 0.7; hysteresis 0.2 →
  // lowering bars: watch 0.24, warning 0.56.
  const problem = calmOrAttack();

  it('rises, then comes down one step at a time', () => {
    // 1h: r1 (source a, x present)                    → pDangerous 0.74: quiet → warning (0.7 <= 0.74)
    // 2h: r2 (source a, x absent) supersedes r1      → 0.26: below 0.56, warning → watch; 0.26 >= 0.24, watch holds
    //     (0.26 is below watch's own threshold 0.3, but within its hysteresis band)
    // 3h: r3 (source b, x absent): A = 0.01, B = 0.81 → Λ_attack = 0.8*0.01 + 0.2*0.81 = 0.17,
    //     Λ_calm = 0.2*0.01 + 0.8*0.81 = 0.65 → 0.17/0.82 = 0.2073 < 0.24: watch → quiet
    const reports = makeReports([
      sensor('r1', 'x', 'present', 1, { source: 'a' }),
      sensor('r2', 'x', 'absent', 2, { source: 'a' }),
      sensor('r3', 'x', 'absent', 3, { source: 'b' }),
    ]);
    const changes = replayLevels(problem, reports);
    expect(changes.map((c) => [c.at, c.from, c.to])).toEqual([
      ['2023-10-01T01:00:00.000Z', 'quiet', 'warning'],
      ['2023-10-01T02:00:00.000Z', 'warning', 'watch'],
      ['2023-10-01T03:00:00.000Z', 'watch', 'quiet'],
    ]);
    expect(changes.map((c) => c.pDangerous)).toEqual([
      expect.closeTo(0.74, 14),
      expect.closeTo(0.26, 14),
      expect.closeTo(0.17 / 0.82, 14),
    ]);
    expect(changes.map((c) => c.leading)).toEqual(['attack', 'calm', 'calm']);
    // at 1h the only evidence is r1: impact 0.74 - 0.5 = 0.24; without it the prior ties and calm leads: flips
    expect(changes[0]?.evidence).toEqual([
      { report: 'r1', impact: expect.closeTo(0.24, 14) as unknown, flips: true },
    ]);
    // at 3h: r2 and r3 both count; leaving either out leaves one absent report (0.26): impact 0.17/0.82 - 0.26
    expect(changes[2]?.evidence.map((e) => e.report)).toEqual(['r2', 'r3']);
    for (const e of changes[2]?.evidence ?? []) expect(e.impact).toBeCloseTo(0.17 / 0.82 - 0.26, 14);
    // top three collection advice out of three indicators: all of them
    expect(changes[0]?.collect).toHaveLength(3);
  });

  it('keeps the top three evidence items only', () => {
    // four sources on x: quiet → warning at 0h with four counted reports
    const reports = makeReports(
      ['a', 'b', 'c', 'd'].map((s) => sensor(`r-${s}`, 'x', 'present', 0, { source: s })),
    );
    const changes = replayLevels(problem, reports);
    expect(changes).toHaveLength(1);
    // all four impacts are equal: the first three by id
    expect(changes[0]?.evidence.map((e) => e.report)).toEqual(['r-a', 'r-b', 'r-c']);
    expect(changes[0]?.collect).toHaveLength(3);
  });

  it('evaluates at each distinct received instant, all reports received then counted', () => {
    // r1 and r2 (two sources, x present) both arrive at 5h, though seen at 1h and 2h: one evaluation at 5h
    // with both counted: 0.65/0.82 = 0.7927 → quiet → warning
    const reports = makeReports([
      sensor('r1', 'x', 'present', 1, { source: 'a', received: '2023-10-01T05:00:00Z' }),
      sensor('r2', 'x', 'present', 2, { source: 'b', received: '2023-10-01T05:00:00Z' }),
    ]);
    const changes = replayLevels(problem, reports);
    expect(changes).toHaveLength(1);
    expect(changes[0]?.at).toBe('2023-10-01T05:00:00.000Z');
    expect(changes[0]?.pDangerous).toBeCloseTo(0.65 / 0.82, 14);
  });

  it('evaluates at the given instant too, where fading can lower the level', () => {
    // z fades with a 10-hour half-life. r1 (z present) at 0h: 0.74 → warning.
    // at 10h: w = 1/2, s' = 0.7, f' = 0.3 → 0.62 ≥ 0.56: warning holds (no change at 10h)
    // at 30h: w = 1/8, s' = 0.55, f' = 0.45 → Λ_attack = 0.8*0.55 + 0.2*0.45 = 0.53, Λ_calm = 0.47
    //         → 0.53 < 0.56: warning → watch; 0.53 ≥ 0.24: watch holds
    const reports = makeReports([sensor('r1', 'z', 'present', 0)]);
    expect(replayLevels(problem, reports, { at: T0 + 10 * HOUR }).map((c) => c.to)).toEqual(['warning']);
    const changes = replayLevels(problem, reports, { at: T0 + 30 * HOUR });
    expect(changes.map((c) => [c.at, c.from, c.to])).toEqual([
      ['2023-10-01T00:00:00.000Z', 'quiet', 'warning'],
      ['2023-10-02T06:00:00.000Z', 'warning', 'watch'],
    ]);
    expect(changes[1]?.pDangerous).toBeCloseTo(0.53, 14);
  });

  it('stops at the given instant', () => {
    // r2 arrives at 2h; replaying up to 1h sees only r1
    const reports = makeReports([
      sensor('r1', 'x', 'present', 1, { source: 'a' }),
      sensor('r2', 'x', 'absent', 2, { source: 'a' }),
    ]);
    const changes = replayLevels(problem, reports, { at: T0 + 1.5 * HOUR });
    expect(changes.map((c) => c.to)).toEqual(['warning']);
  });

  it('has no change when the level never leaves the first', () => {
    // x absent: 0.26 < 0.3
    expect(replayLevels(problem, makeReports([sensor('r1', 'x', 'absent', 0)]))).toEqual([]);
  });
});
