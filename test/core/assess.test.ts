/**
 * Hand-computed posterior (spec 3), beliefs, sensitivity (spec 4), value of information (spec 5)
 * and the JSON of `vigil assess` (spec 7).
 */
import { describe, expect, it } from 'vitest';
import { assessJson } from '../../src/core/assess.js';
import { HOUR, T0, calmOrAttack, h2, makeProblem, makeReports, sensor } from '../reference/build.js';

describe('posterior and beliefs (spec 3)', () => {
  const problem = calmOrAttack();

  it('one sensor report', () => {
    // x present, s = 0.9, f = 0.1: A = 0.9, B = 0.1
    // Λ_calm = 0.2*0.9 + 0.8*0.1 = 0.26;  Λ_attack = 0.8*0.9 + 0.2*0.1 = 0.74
    // p = (0.5*0.26, 0.5*0.74) / 0.5 = (0.26, 0.74)
    const a = assessJson(problem, makeReports([sensor('r1', 'x', 'present', 0)]));
    expect(a.posterior.calm).toBeCloseTo(0.26, 14);
    expect(a.posterior.attack).toBeCloseTo(0.74, 14);
    expect(a.pDangerous).toBeCloseTo(0.74, 14);
    expect(a.leading).toBe('attack');
    // belief_x = 0.26 * (0.2*0.9/0.26) + 0.74 * (0.8*0.9/0.74) = 0.18 + 0.72 = 0.9
    // belief_y (unreported, u = L) = 0.26*0.3 + 0.74*0.6 = 0.078 + 0.444 = 0.522
    // belief_z (unreported) = 0.26*0.2 + 0.74*0.8 = 0.052 + 0.592 = 0.644
    expect(a.indicators.map((i) => i.id)).toEqual(['x', 'y', 'z']);
    expect(a.indicators[0]?.belief).toBeCloseTo(0.9, 14);
    expect(a.indicators[1]?.belief).toBeCloseTo(0.522, 14);
    expect(a.indicators[2]?.belief).toBeCloseTo(0.644, 14);
    expect(a.indicators.map((i) => i.reports)).toEqual([1, 0, 0]);
  });

  it('weighs the prior', () => {
    // priors calm 0.6, attack 0.4; same report: 0.6*0.26 = 0.156, 0.4*0.74 = 0.296, sum 0.452
    const a = assessJson(
      calmOrAttack({ calm: 0.6, attack: 0.4 }),
      makeReports([sensor('r1', 'x', 'present', 0)]),
    );
    expect(a.posterior.calm).toBeCloseTo(0.156 / 0.452, 14);
    expect(a.pDangerous).toBeCloseTo(0.296 / 0.452, 14);
  });

  it('breaks a tie for the lead by file order', () => {
    // x present and x absent from two sources: A = 0.9*0.1 = 0.09 = B, so every Λ_i = 0.09:
    // the posterior stays at the prior (0.5, 0.5) and calm, first in the file, leads.
    const a = assessJson(
      problem,
      makeReports([sensor('r1', 'x', 'present', 0), sensor('r2', 'x', 'absent', 0)]),
    );
    expect(a.posterior.calm).toBeCloseTo(0.5, 14);
    expect(a.pDangerous).toBeCloseTo(0.5, 14);
    expect(a.leading).toBe('calm');
  });

  it('three hypotheses, two dangerous, graded reports on two indicators', () => {
    const three = makeProblem({
      id: 'south',
      title: 'South',
      hypotheses: [
        { id: 'routine', title: 'Routine', prior: 0.6 },
        { id: 'raid', title: 'Raid', prior: 0.3, dangerous: true },
        { id: 'offensive', title: 'Offensive', prior: 0.1, dangerous: true },
      ],
      indicators: [
        { id: 'fence', title: 'Fence', likelihood: { routine: 0.1, raid: 0.5, offensive: 0.9 } },
        { id: 'sim', title: 'SIM', likelihood: { routine: 0.2, raid: 0.3, offensive: 0.8 } },
      ],
      warning: { levels: [{ id: 'normal', threshold: 0 }] },
    });
    const reports = makeReports([
      {
        id: 'f',
        indicator: 'fence',
        observed: 'present',
        at: '2023-10-01T00:00:00Z',
        reliability: 'A',
        credibility: '1',
      },
      {
        id: 's',
        indicator: 'sim',
        observed: 'absent',
        at: '2023-10-01T00:00:00Z',
        reliability: 'B',
        credibility: 2,
      },
    ]);
    // fence present, A/1: q = 0.905, A = 0.905, B = 0.095
    //   factors: routine 0.1*0.905 + 0.9*0.095 = 0.176; raid 0.5*0.905 + 0.5*0.095 = 0.5;
    //            offensive 0.9*0.905 + 0.1*0.095 = 0.824
    // sim absent, B/2: q = 0.745, A = 1 - 0.745 = 0.255, B = 1 - 0.255 = 0.745
    //   factors: routine 0.2*0.255 + 0.8*0.745 = 0.647; raid 0.3*0.255 + 0.7*0.745 = 0.598;
    //            offensive 0.8*0.255 + 0.2*0.745 = 0.353
    // π Λ: routine 0.6*0.176*0.647 = 0.0683232; raid 0.3*0.5*0.598 = 0.0897;
    //      offensive 0.1*0.824*0.353 = 0.0290872; sum 0.1871104
    const z = 0.1871104;
    const a = assessJson(three, reports);
    expect(a.posterior.routine).toBeCloseTo(0.0683232 / z, 13);
    expect(a.posterior.raid).toBeCloseTo(0.0897 / z, 13);
    expect(a.posterior.offensive).toBeCloseTo(0.0290872 / z, 13);
    expect(a.pDangerous).toBeCloseTo((0.0897 + 0.0290872) / z, 13);
    expect(a.leading).toBe('raid');
    // belief_fence = Σ π_i (L_i A)_fence factor_sim,i / z
    //   = (0.6*0.0905*0.647 + 0.3*0.4525*0.598 + 0.1*0.8145*0.353) / z
    //   = (0.0351321 + 0.0811785 + 0.02875185) / z = 0.14506245 / z = 0.775278...
    expect(a.indicators[0]?.belief).toBeCloseTo(0.14506245 / z, 13);
    // belief_sim = Σ π_i factor_fence,i (L_i A)_sim / z = (0.6*0.176*0.051 + 0.3*0.5*0.0765 + 0.1*0.824*0.204) / z
    //   = (0.0053856 + 0.011475 + 0.0168096) / z = 0.0336702 / z
    expect(a.indicators[1]?.belief).toBeCloseTo(0.0336702 / z, 13);
  });

  it('fades a report by its indicator half-life', () => {
    // z has a 10-hour half-life; assessed 10 hours after the observation, w = 0.5:
    // s' = 0.7, f' = 0.3; Λ_attack = 0.8*0.7 + 0.2*0.3 = 0.62, Λ_calm = 0.2*0.7 + 0.8*0.3 = 0.38
    const reports = makeReports([sensor('r1', 'z', 'present', 0)]);
    expect(assessJson(problem, reports, { at: T0 + 10 * HOUR }).pDangerous).toBeCloseTo(0.62, 14);
    // the same report on x (no half-life) does not fade: 0.74 ten days later
    const onX = makeReports([sensor('r1', 'x', 'present', 0)]);
    expect(assessJson(problem, onX, { at: T0 + 240 * HOUR }).pDangerous).toBeCloseTo(0.74, 14);
  });

  it('keeps full precision for a hypothesis that makes a strongly reported indicator nearly impossible', () => {
    // a: P(x present | a) = 1e-9; b: 0.5. One sensor with s = 0.9, f = 1e-9 says x is present:
    //   Λ_a = 1e-9 * 0.9 + (1 - 1e-9) * 1e-9 = 1.9e-9 (to 1e-18);  Λ_b = 0.5 * 0.9 + 0.5 * 1e-9
    //   p_a = Λ_a / (Λ_a + Λ_b) = 4.2222e-9
    // Λ_a is a sum of two positive terms; written as A (1 + (1 - L)(B/A - 1)) it becomes a
    // difference of numbers near 1 and keeps only about 7 digits. The spec asks for 1e-9 relative.
    const problem = makeProblem({
      id: 'precise',
      title: 'Precise',
      hypotheses: [
        { id: 'a', title: 'A', prior: 0.5 },
        { id: 'b', title: 'B', prior: 0.5, dangerous: true },
      ],
      indicators: [{ id: 'x', title: 'X', likelihood: { a: 1e-9, b: 0.5 } }],
      warning: { levels: [{ id: 'normal', threshold: 0 }] },
    });
    const reports = makeReports([
      sensor('r1', 'x', 'present', 0, { sensitivity: 0.9, falseAlarmRate: 1e-9 }),
    ]);
    const lambdaA = 1e-9 * 0.9 + (1 - 1e-9) * 1e-9;
    const lambdaB = 0.5 * 0.9 + 0.5 * 1e-9;
    const expected = lambdaA / (lambdaA + lambdaB);
    const a = assessJson(problem, reports);
    expect(Math.abs((a.posterior.a ?? NaN) - expected) / expected).toBeLessThan(1e-9);
    // and the mirror image: P(x present | a) = 1 - 1e-9, a sensor with s = 1 - 1e-9, f = 0.1 says absent
    const mirror = makeProblem({
      id: 'mirror',
      title: 'Mirror',
      hypotheses: [
        { id: 'a', title: 'A', prior: 0.5 },
        { id: 'b', title: 'B', prior: 0.5, dangerous: true },
      ],
      indicators: [{ id: 'x', title: 'X', likelihood: { a: 1 - 1e-9, b: 0.5 } }],
      warning: { levels: [{ id: 'normal', threshold: 0 }] },
    });
    const absent = makeReports([
      sensor('r1', 'x', 'absent', 0, { sensitivity: 1 - 1e-9, falseAlarmRate: 0.1 }),
    ]);
    // A = 1 - s = 1e-9 (to rounding), B = 1 - f = 0.9
    const notS = 1 - (1 - 1e-9);
    const mirrorA = (1 - 1e-9) * notS + (1 - (1 - 1e-9)) * 0.9;
    const mirrorB = 0.5 * notS + 0.5 * 0.9;
    const mirrorExpected = mirrorA / (mirrorA + mirrorB);
    const m = assessJson(mirror, absent);
    expect(Math.abs((m.posterior.a ?? NaN) - mirrorExpected) / mirrorExpected).toBeLessThan(1e-9);
  });

  it('keeps full precision when near-certain sensors have barely faded', () => {
    // Indicator x fades with a 1000-hour half-life; the assessment is 1 ms after two reports:
    //   1 - w = 1 - 2^(-1/(3.6e6 * 1000)) = 1.9254e-10
    //   r1 says absent, s = 1 - 1e-10, f = 0.5:  1 - s' = (1 - s) w + 0.5 (1 - w) = 1.9627e-10;  1 - f' = 0.5
    //   r2 says present, s = 0.9, f = 1e-12:     s' = 0.9 w + 0.5 (1 - w);  f' = 1e-12 w + 0.5 (1 - w) = 9.7270e-11
    //   A = (1 - s'1) s'2 = 1.7665e-10,  B = (1 - f'1) f'2 = 4.8635e-11
    //   Λ_a = 0.5 A + 0.5 B;  Λ_b = 0.9 A + 0.1 B;  p_a = Λ_a / (Λ_a + Λ_b)
    // Taking 1 - s' or f' = 0.5 + (f - 0.5) w as differences of doubles near 0.5 or 1 leaves A and B
    // (and so p_a) wrong in the 7th digit. Each is a sum of non-negative terms above.
    const problem = makeProblem({
      id: 'precise',
      title: 'Precise',
      hypotheses: [
        { id: 'a', title: 'A', prior: 0.5 },
        { id: 'b', title: 'B', prior: 0.5, dangerous: true },
      ],
      indicators: [{ id: 'x', title: 'X', halfLifeHours: 1000, likelihood: { a: 0.5, b: 0.9 } }],
      warning: { levels: [{ id: 'normal', threshold: 0 }] },
    });
    const reports = makeReports([
      sensor('r1', 'x', 'absent', 0, { sensitivity: 1 - 1e-10, falseAlarmRate: 0.5 }),
      sensor('r2', 'x', 'present', 0, { sensitivity: 0.9, falseAlarmRate: 1e-12 }),
    ]);
    const oneMinusW = -Math.expm1(-(1 / (HOUR * 1000)) * Math.LN2);
    const w = 1 - oneMinusW;
    const A = ((1 - (1 - 1e-10)) * w + 0.5 * oneMinusW) * (0.9 * w + 0.5 * oneMinusW);
    const B = 0.5 * (1e-12 * w + 0.5 * oneMinusW);
    const lambdaA = 0.5 * A + 0.5 * B;
    const lambdaB = 0.9 * A + 0.1 * B;
    const expected = lambdaA / (lambdaA + lambdaB);
    const actual = assessJson(problem, reports, { at: T0 + 1 }).posterior.a ?? NaN;
    expect(Math.abs(actual - expected) / expected).toBeLessThan(1e-9);
  });

  it('measures age from the observation, not from receipt', () => {
    // seen at 0h, received at 10h, assessed at 10h: one half-life already passed, pDangerous = 0.62
    const reports = makeReports([sensor('r1', 'z', 'present', 0, { received: '2023-10-01T10:00:00Z' })]);
    expect(assessJson(problem, reports).pDangerous).toBeCloseTo(0.62, 14);
  });
});

describe('sensitivity (spec 4)', () => {
  const problem = calmOrAttack();

  it('impact of a lone report, and a flip to the file-order tie-break', () => {
    // with r1: pDangerous 0.74; without: the prior 0.5 (tie, calm leads): impact 0.24, flips
    const a = assessJson(problem, makeReports([sensor('r1', 'x', 'present', 0)]));
    expect(a.sensitivity).toHaveLength(1);
    expect(a.sensitivity[0]?.report).toBe('r1');
    expect(a.sensitivity[0]?.impact).toBeCloseTo(0.24, 14);
    expect(a.sensitivity[0]?.flips).toBe(true);
  });

  it('flips when the lead changes without the report', () => {
    // priors 0.6/0.4: with r1 pDangerous = 0.296/0.452 = 0.654867 (attack leads); without, 0.4 (calm leads)
    const a = assessJson(
      calmOrAttack({ calm: 0.6, attack: 0.4 }),
      makeReports([sensor('r1', 'x', 'present', 0)]),
    );
    expect(a.sensitivity[0]?.impact).toBeCloseTo(0.296 / 0.452 - 0.4, 14);
    expect(a.sensitivity[0]?.flips).toBe(true);
  });

  it('does not flip when the lead holds; equal impacts rank by id', () => {
    // two sources, x present: with both 0.65/0.82 = 0.792683; without either, 0.74
    // impact = 0.65/0.82 - 0.74 = 0.052683 each; attack leads either way
    const a = assessJson(
      problem,
      makeReports([sensor('r-b', 'x', 'present', 0), sensor('r-a', 'x', 'present', 0)]),
    );
    expect(a.sensitivity.map((s) => s.report)).toEqual(['r-a', 'r-b']);
    for (const s of a.sensitivity) {
      expect(s.impact).toBeCloseTo(0.65 / 0.82 - 0.74, 14);
      expect(s.flips).toBe(false);
    }
  });

  it('is signed, and ranked by |impact|', () => {
    // r1: x present (a), r2: x absent (b), r3: y present (c).
    // y present: A = 0.9, B = 0.1; factor_calm = 0.3*0.9 + 0.7*0.1 = 0.34, factor_attack = 0.6*0.9 + 0.4*0.1 = 0.58
    // with all: x factors are 0.09 for both (A = B = 0.09), so pDangerous = 0.58 / (0.34 + 0.58) = 0.58/0.92
    // without r1 (x absent only): calm 0.74*0.34 = 0.2516, attack 0.26*0.58 = 0.1508 → 0.1508/0.4024
    // without r2 (x present only): calm 0.26*0.34 = 0.0884, attack 0.74*0.58 = 0.4292 → 0.4292/0.5176
    // without r3: 0.5
    const reports = makeReports([
      sensor('r1', 'x', 'present', 0, { source: 'a' }),
      sensor('r2', 'x', 'absent', 0, { source: 'b' }),
      sensor('r3', 'y', 'present', 0, { source: 'c' }),
    ]);
    const a = assessJson(problem, reports);
    const withAll = 0.58 / 0.92;
    const impact = Object.fromEntries(a.sensitivity.map((s) => [s.report, s.impact]));
    expect(impact.r1).toBeCloseTo(withAll - 0.1508 / 0.4024, 14); // +0.2553
    expect(impact.r2).toBeCloseTo(withAll - 0.4292 / 0.5176, 14); // -0.1987
    expect(impact.r3).toBeCloseTo(withAll - 0.5, 14); // +0.1304
    expect(a.sensitivity.map((s) => s.report)).toEqual(['r1', 'r2', 'r3']);
    // without r1 calm leads (0.2516 > 0.1508): flips; without r2 or r3 attack still leads (r3: tie → calm: flips)
    expect(a.sensitivity.map((s) => s.flips)).toEqual([true, false, true]);
  });

  it('does not bring back the superseded report', () => {
    // s repeats itself: r1 (present at 0h) is superseded by r2 (absent at 1h).
    // Leaving r2 out gives the prior 0.5, not r1's 0.74: impact = 0.26 - 0.5 = -0.24
    const reports = makeReports([
      sensor('r1', 'x', 'present', 0, { source: 's' }),
      sensor('r2', 'x', 'absent', 1, { source: 's' }),
    ]);
    const a = assessJson(problem, reports);
    expect(a.sensitivity).toHaveLength(1);
    expect(a.sensitivity[0]?.report).toBe('r2');
    expect(a.sensitivity[0]?.impact).toBeCloseTo(-0.24, 14);
  });
});

describe('value of information (spec 5)', () => {
  const problem = calmOrAttack();

  it('eig and pDangerous if present/absent, for a reported and an unreported indicator', () => {
    // p = (calm 0.26, attack 0.74) after r1 (x present).
    // x: u_calm = 0.18/0.26, u_attack = 0.72/0.74; P(S=1) = 0.18 + 0.72 = 0.9
    //    p | S=1 ∝ (0.18, 0.72) = (0.2, 0.8);  p | S=0 ∝ (0.08, 0.02) = (0.8, 0.2)
    //    eig = H(0.74) - [0.9 H(0.8) + 0.1 H(0.2)] = 0.826746 - 0.721928 = 0.104818 bits
    // y: u = L = (0.3, 0.6); P(S=1) = 0.078 + 0.444 = 0.522
    //    p | S=1 ∝ (0.078, 0.444): attack 0.444/0.522 = 0.850575
    //    p | S=0 ∝ (0.182, 0.296): attack 0.296/0.478 = 0.619247
    //    eig = H(0.74) - [0.522 H(0.078/0.522) + 0.478 H(0.182/0.478)] = 0.050964 bits
    // z: like x before any report (u = L = (0.2, 0.8)), P(S=1) = 0.052 + 0.592 = 0.644
    //    p | S=1 ∝ (0.052, 0.592): attack 0.592/0.644;  p | S=0 ∝ (0.208, 0.148): attack 0.148/0.356
    const a = assessJson(problem, makeReports([sensor('r1', 'x', 'present', 0)]));
    const byId = Object.fromEntries(a.collect.map((c) => [c.indicator, c]));
    expect(byId.x?.eig).toBeCloseTo(h2(0.74) - h2(0.8), 14);
    expect(byId.x?.eig).toBeCloseTo(0.104818, 6);
    expect(byId.x?.pDangerousIfPresent).toBeCloseTo(0.8, 14);
    expect(byId.x?.pDangerousIfAbsent).toBeCloseTo(0.2, 14);
    expect(byId.y?.eig).toBeCloseTo(h2(0.74) - (0.522 * h2(0.078 / 0.522) + 0.478 * h2(0.182 / 0.478)), 14);
    expect(byId.y?.eig).toBeCloseTo(0.050964, 6);
    expect(byId.y?.pDangerousIfPresent).toBeCloseTo(0.444 / 0.522, 14);
    expect(byId.y?.pDangerousIfAbsent).toBeCloseTo(0.296 / 0.478, 14);
    const eigZ = h2(0.74) - (0.644 * h2(0.592 / 0.644) + 0.356 * h2(0.148 / 0.356));
    expect(byId.z?.eig).toBeCloseTo(eigZ, 14);
    expect(byId.z?.pDangerousIfPresent).toBeCloseTo(0.592 / 0.644, 14);
    expect(byId.z?.pDangerousIfAbsent).toBeCloseTo(0.148 / 0.356, 14);
    // eig_z = 0.826746 - [0.644 H(0.080745) + 0.356 H(0.415730)] = 0.217385, so z ranks before x, then y
    expect(eigZ).toBeGreaterThan(h2(0.74) - h2(0.8));
    expect(a.collect.map((c) => c.indicator)).toEqual(['z', 'x', 'y']);
  });

  it('ranks equal eig by id', () => {
    // x and z have the same likelihoods and no reports: the same eig; x before z. y has less.
    const a = assessJson(problem, [], { at: T0 });
    expect(a.collect.map((c) => c.indicator)).toEqual(['x', 'z', 'y']);
    // before any report: eig_x = H(0.5) - [0.5 H(0.2) + 0.5 H(0.8)] = 1 - 0.721928 = 0.278072
    expect(a.collect[0]?.eig).toBeCloseTo(1 - h2(0.2), 14);
    expect(a.collect[0]?.pDangerousIfPresent).toBeCloseTo(0.8, 14);
    expect(a.collect[0]?.pDangerousIfAbsent).toBeCloseTo(0.2, 14);
  });

  it('stays accurate when one outcome is nearly impossible', () => {
    // 40 independent sources say x is present (s = 0.9, f = 0.1): A = 0.9^40, B = 0.1^40.
    // u_calm = 0.2 A / (0.2 A + 0.8 B) and 1 - u_calm = 0.8 B / (0.2 A + 0.8 B) ≈ 4 * 9^-40 ≈ 2.7e-38,
    // so pDangerousIfAbsent = p_attack (1 - u_attack) / Σ p_i (1 - u_i) must be computed from
    // (1 - u) directly, not as 1 minus something near 1. Here
    //   p_i (1 - u_i) ∝ π_i (1 - L_i) B  → pDangerousIfAbsent = 0.2 / (0.2 + 0.8) = 0.2 exactly in the limit,
    //   p_i u_i ∝ π_i L_i A             → pDangerousIfPresent = 0.8.
    const many = makeReports(Array.from({ length: 40 }, (_, k) => sensor(`r${k}`, 'x', 'present', 0)));
    const a = assessJson(problem, many);
    const x = a.collect.find((c) => c.indicator === 'x');
    expect(x?.pDangerousIfPresent).toBeCloseTo(0.8, 14);
    expect(x?.pDangerousIfAbsent).toBeCloseTo(0.2, 14);
    // eig_x ≈ 0: the state of x is all but known.
    expect(Math.abs(x?.eig ?? NaN)).toBeLessThan(1e-12);
    // p_attack = 0.8 A + 0.2 B over (0.8 A + 0.2 B) + (0.2 A + 0.8 B) → 0.8
    expect(a.pDangerous).toBeCloseTo(0.8, 14);
  });
});

describe('the JSON of vigil assess (spec 7)', () => {
  it('has exactly the fields of section 7', () => {
    const problem = calmOrAttack();
    const reports = makeReports([
      sensor('r1', 'x', 'present', 0, { source: 's' }),
      sensor('r2', 'x', 'present', 1, { source: 's' }),
      sensor('r3', 'y', 'present', 2, { received: '2023-10-01T05:00:00Z' }),
    ]);
    const a = assessJson(problem, reports, { at: T0 + 4 * HOUR });
    expect(Object.keys(a).sort()).toEqual(
      [
        'at',
        'collect',
        'counted',
        'ignored',
        'indicators',
        'leading',
        'level',
        'pDangerous',
        'posterior',
        'problem',
        'sensitivity',
      ].sort(),
    );
    expect(a.problem).toBe('calm-or-attack');
    expect(a.at).toBe('2023-10-01T04:00:00.000Z');
    expect(a.counted).toBe(1);
    expect([...a.ignored].sort((p, q) => (p.report < q.report ? -1 : 1))).toEqual([
      { report: 'r1', why: 'superseded by r2' },
      { report: 'r3', why: 'not yet received' },
    ]);
    expect(a.indicators).toEqual([
      { id: 'x', belief: expect.any(Number) as unknown, reports: 1 },
      { id: 'y', belief: expect.any(Number) as unknown, reports: 0 },
      { id: 'z', belief: expect.any(Number) as unknown, reports: 0 },
    ]);
    // pDangerous 0.74 at the only instant: quiet → warning (threshold 0.7)
    expect(a.level).toBe('warning');
    expect(a.collect).toHaveLength(3);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
  });
});
