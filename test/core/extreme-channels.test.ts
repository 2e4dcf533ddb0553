/**
 * The math at its edges: channel rates the spec allows down to denormals, and a report retracted
 * more than once.
 */
import { describe, expect, it } from 'vitest';
import { assess } from '../../src/core/assess.js';
import type { Problem, Report } from '../../src/core/model.js';
import { replay } from '../../src/core/replay.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2023, 9, 1);

describe('sensitivity with a channel rate near the smallest double', () => {
  const problem: Problem = {
    id: 'p',
    title: 'p',
    hypotheses: [
      { id: 'routine', title: 'r', prior: 0.7 },
      { id: 'attack', title: 'a', prior: 0.3, dangerous: true },
    ],
    indicators: [{ id: 'x', title: 'x', likelihood: { routine: 0.2, attack: 0.8 } }],
    warning: { levels: [{ id: 'calm', threshold: 0 }, { id: 'alert', threshold: 0.6 }] },
  };
  const sensor = (id: string, sensitivity: number, falseAlarmRate: number): Report => ({
    id,
    indicator: 'x',
    observed: 'present',
    at: T0,
    received: T0,
    source: id,
    reliability: 'F',
    credibility: '6',
    sensitivity,
    falseAlarmRate,
  });

  for (const tiny of [5e-309, 1e-320, 1e-300]) {
    it(`gives each report its leave-one-out impact and flip (sensitivity ${tiny})`, () => {
      const reports = [sensor('r1', tiny, 0.5), sensor('r2', 0.9, 0.1)];
      const all = assess(problem, reports, { at: T0 });
      expect(all.sensitivity).toHaveLength(2);
      for (const impact of all.sensitivity) {
        const without = assess(problem, reports.filter((r) => r.id !== impact.report), { at: T0 });
        expect(Number.isFinite(impact.impact), impact.report).toBe(true);
        expect(impact.impact).toBeCloseTo(all.pDangerous - without.pDangerous, 9);
        expect(impact.flips).toBe(without.leading !== all.leading);
      }
      // By hand: without r1, attack leads at 0.3 x 0.74 / (0.3 x 0.74 + 0.7 x 0.26) = 0.5495.
      expect(assess(problem, [reports[1]!], { at: T0 }).pDangerous).toBeCloseTo(0.222 / 0.404, 9);
    });
  }
});

describe('a report retracted twice', () => {
  const problem: Problem = {
    id: 'p',
    title: 'p',
    hypotheses: [
      { id: 'routine', title: 'r', prior: 0.9 },
      { id: 'attack', title: 'a', prior: 0.1, dangerous: true },
    ],
    indicators: [{ id: 'y', title: 'y', halfLifeHours: 2, likelihood: { routine: 0.01, attack: 0.9 } }],
    warning: { levels: [{ id: 'calm', threshold: 0 }, { id: 'watch', threshold: 0.3 }] },
  };
  const report = (id: string, hours: number): Report => ({ id, indicator: 'y', observed: 'present', at: T0 + hours * HOUR, received: T0 + hours * HOUR, source: id, reliability: 'A', credibility: '1' });

  it('replays as retracted once: its first retraction, before it was received, keeps it from being an instant', () => {
    const reports = [report('a', 0), report('b', 12)];
    const once = [{ kind: 'retracted' as const, report: 'b', at: T0 + 3 * HOUR }];
    const twice = [...once, { kind: 'retracted' as const, report: 'b', at: T0 + 27 * HOUR }];
    const first = replay(problem, reports, { corrections: once, details: false });
    const second = replay(problem, reports, { corrections: twice, details: false });
    expect(second.points.map((p) => p.at)).toEqual(first.points.map((p) => p.at));
    expect(second.finalLevel).toBe(first.finalLevel);
    expect(first.points.map((p) => p.at)).not.toContain(T0 + 12 * HOUR);
  });
});
