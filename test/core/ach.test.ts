/**
 * The classic ACH matrix (spec 8): hand-rated scores, and the matrix derived from the model.
 */
import { describe, expect, it } from 'vitest';
import { deriveAchMatrix, scoreAch, type AchMatrix } from '../../src/core/ach.js';
import { HOUR, T0, calmOrAttack, makeProblem, makeReports, sensor } from '../reference/build.js';

describe('ACH scores (spec 8)', () => {
  // weight(High) = √2, weight(Medium) = 1, weight(Low) = 1/√2; value(II) = -2, value(I) = -1, else 0
  const matrix: AchMatrix = {
    hypotheses: ['h1', 'h2', 'h3'],
    rows: [
      // weight √2 * √2 = 2
      { id: 'e1', credibility: 'High', relevance: 'High', ratings: { h1: 'CC', h2: 'I', h3: 'II' } },
      // weight 1 * 1/√2 = 0.707107
      { id: 'e2', credibility: 'Medium', relevance: 'Low', ratings: { h1: 'N', h2: 'I', h3: 'NA' } },
      // weight 1/√2 * 1/√2 = 0.5; C, C, NA: non-diagnostic
      { id: 'e3', credibility: 'Low', relevance: 'Low', ratings: { h1: 'C', h2: 'C', h3: 'NA' } },
      // weight 1
      { id: 'e4', credibility: 'Medium', relevance: 'Medium', ratings: { h1: 'II', h2: 'N', h3: 'N' } },
    ],
  };

  it('counts and weighs inconsistency', () => {
    // inconsistency: h1 = 0 + 0 + 0 + 2 = 2;  h2 = 1 + 1 + 0 + 0 = 2;  h3 = 2 + 0 + 0 + 0 = 2
    // weighted:      h1 = 2*0 + 0 + 0 + 1*(-2) = -2
    //                h2 = 2*(-1) + (1/√2)*(-1) + 0 + 0 = -2.707107
    //                h3 = 2*(-2) + 0 + 0 + 0 = -4
    const scores = scoreAch(matrix);
    expect(scores.hypotheses.map((h) => h.id)).toEqual(['h1', 'h2', 'h3']);
    expect(scores.hypotheses.map((h) => h.inconsistencyScore)).toEqual([2, 2, 2]);
    const weighted = scores.hypotheses.map((h) => h.weightedInconsistencyScore);
    expect(weighted[0]).toBeCloseTo(-2, 14);
    expect(weighted[1]).toBeCloseTo(-2 - Math.SQRT1_2, 14);
    expect(weighted[2]).toBeCloseTo(-4, 14);
    // equal counts, but the weights single out h1 as the least refuted
    expect(scores.leastInconsistent).toBe('h1');
  });

  it('finds the non-diagnostic rows (all ratings other than NA equal)', () => {
    expect(scoreAch(matrix).nonDiagnostic).toEqual(['e3']);
    const uniform: AchMatrix = {
      hypotheses: ['a', 'b'],
      rows: [
        { id: 'same', credibility: 'High', relevance: 'High', ratings: { a: 'I', b: 'I' } },
        { id: 'differs', credibility: 'High', relevance: 'High', ratings: { a: 'I', b: 'II' } },
        { id: 'cc-vs-c', credibility: 'Low', relevance: 'Medium', ratings: { a: 'CC', b: 'C' } },
      ],
    };
    expect(scoreAch(uniform).nonDiagnostic).toEqual(['same']);
  });

  it('a Low/Low II costs half of a Medium/Medium II', () => {
    // (1/√2)^2 * (-2) = -1 against 1 * 1 * (-2) = -2; the unweighted count is 2 for both
    const m: AchMatrix = {
      hypotheses: ['a', 'b'],
      rows: [
        { id: 'r1', credibility: 'Low', relevance: 'Low', ratings: { a: 'II', b: 'C' } },
        { id: 'r2', credibility: 'Medium', relevance: 'Medium', ratings: { a: 'C', b: 'II' } },
      ],
    };
    const scores = scoreAch(m);
    expect(scores.hypotheses.map((h) => h.inconsistencyScore)).toEqual([2, 2]);
    expect(scores.hypotheses[0]?.weightedInconsistencyScore).toBeCloseTo(-1, 14);
    expect(scores.hypotheses[1]?.weightedInconsistencyScore).toBeCloseTo(-2, 14);
    expect(scores.leastInconsistent).toBe('a');
  });
});

describe('ACH matrix derived from the model (spec 8)', () => {
  const problem = calmOrAttack();

  it('rates a present report on x', () => {
    // s' = 0.9, f' = 0.1: m_calm = 0.2*0.9 + 0.8*0.1 = 0.26, m_attack = 0.8*0.9 + 0.2*0.1 = 0.74
    // mean 0.5: ratios 0.52 (> 0.5: I) and 1.48 (>= 1.25: C); max(0.9, 1 - 0.1) = 0.9 >= 0.85: High
    const m = deriveAchMatrix(problem, makeReports([sensor('r1', 'x', 'present', 0)]), T0);
    expect(m.hypotheses).toEqual(['calm', 'attack']);
    expect(m.rows).toEqual([
      { id: 'r1', credibility: 'High', relevance: 'Medium', ratings: { calm: 'I', attack: 'C' } },
    ]);
  });

  it('rates an absent report the other way', () => {
    // m_calm = 0.2*0.1 + 0.8*0.9 = 0.74, m_attack = 0.8*0.1 + 0.2*0.9 = 0.26
    const m = deriveAchMatrix(problem, makeReports([sensor('r1', 'x', 'absent', 0)]), T0);
    expect(m.rows[0]?.ratings).toEqual({ calm: 'C', attack: 'I' });
  });

  it('rates N for a weakly diagnostic indicator', () => {
    // y: L = (0.3, 0.6), present, s = 0.7, f = 0.3:
    // m = (0.3*0.7 + 0.7*0.3, 0.6*0.7 + 0.4*0.3) = (0.42, 0.54), mean 0.48: ratios 0.875 (N), 1.125 (N)
    // max(0.7, 0.7) = 0.7: Medium
    const m = deriveAchMatrix(
      problem,
      makeReports([sensor('r1', 'y', 'present', 0, { sensitivity: 0.7, falseAlarmRate: 0.3 })]),
      T0,
    );
    expect(m.rows[0]).toEqual({
      id: 'r1',
      credibility: 'Medium',
      relevance: 'Medium',
      ratings: { calm: 'N', attack: 'N' },
    });
  });

  it('rates CC and II with three hypotheses', () => {
    const three = makeProblem({
      id: 'three',
      title: 'Three',
      hypotheses: [
        { id: 'a', title: 'A', prior: 0.4 },
        { id: 'b', title: 'B', prior: 0.4 },
        { id: 'c', title: 'C', prior: 0.2, dangerous: true },
      ],
      indicators: [{ id: 'k', title: 'K', likelihood: { a: 0.05, b: 0.05, c: 0.9 } }],
      warning: { levels: [{ id: 'normal', threshold: 0 }] },
    });
    // s = 0.99, f = 0.01, present: m_a = m_b = 0.05*0.99 + 0.95*0.01 = 0.059, m_c = 0.9*0.99 + 0.1*0.01 = 0.892
    // mean = 1.01/3 = 0.336667: ratios 0.1752 (II), 0.1752 (II), 2.6495 (CC)
    const reports = makeReports([
      sensor('r1', 'k', 'present', 0, { sensitivity: 0.99, falseAlarmRate: 0.01 }),
    ]);
    expect(deriveAchMatrix(three, reports, T0).rows[0]?.ratings).toEqual({ a: 'II', b: 'II', c: 'CC' });
  });

  it('grades credibility from the faded channel accuracy', () => {
    const graded = (id: string, reliability: string, credibility: string) => ({
      id,
      indicator: 'z',
      observed: 'present',
      at: '2023-10-01T00:00:00Z',
      source: id,
      reliability,
      credibility,
    });
    const reports = makeReports([graded('a1', 'A', '1'), graded('b2', 'B', '2'), graded('c3', 'C', '3')]);
    // fresh: A/1 q = 0.905 (High), B/2 q = 0.745 (Medium), C/3 q = 0.625 (Low)
    const fresh = Object.fromEntries(
      deriveAchMatrix(problem, reports, T0).rows.map((r) => [r.id, r.credibility]),
    );
    expect(fresh).toEqual({ a1: 'High', b2: 'Medium', c3: 'Low' });
    // one half-life later (z: 10 h): A/1 s' = 0.5 + 0.405/2 = 0.7025 (Medium); B/2 s' = 0.5 + 0.245/2 = 0.6225 (Low)
    const faded = Object.fromEntries(
      deriveAchMatrix(problem, reports, T0 + 10 * HOUR).rows.map((r) => [r.id, r.credibility]),
    );
    expect(faded).toEqual({ a1: 'Medium', b2: 'Low', c3: 'Low' });
  });

  it('has one row per counted report, and an E/5 report is non-diagnostic', () => {
    const reports = makeReports([
      sensor('old', 'x', 'present', 0, { source: 's' }),
      sensor('new', 'x', 'absent', 1, { source: 's' }),
      sensor('later', 'y', 'present', 5),
      {
        id: 'e5',
        indicator: 'x',
        observed: 'present',
        at: '2023-10-01T00:00:00Z',
        reliability: 'E',
        credibility: '5',
      },
    ]);
    // at 2h: "old" is superseded by "new", "later" is not yet received
    const m = deriveAchMatrix(problem, reports, T0 + 2 * HOUR);
    expect(m.rows.map((r) => r.id).sort()).toEqual(['e5', 'new']);
    // E/5: s' = f' = 0.5, m_i = 0.5 for every hypothesis, every ratio 1: N; accuracy 0.5: Low
    const e5 = m.rows.find((r) => r.id === 'e5');
    expect(e5).toEqual({
      id: 'e5',
      credibility: 'Low',
      relevance: 'Medium',
      ratings: { calm: 'N', attack: 'N' },
    });
    expect(scoreAch(m).nonDiagnostic).toEqual(['e5']);
  });
});
