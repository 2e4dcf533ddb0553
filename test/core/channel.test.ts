/**
 * Hand-computed channels (spec 2.1) and fading (spec 2.2).
 */
import { describe, expect, it } from 'vitest';
import { fadeChannel, reportChannel } from '../../src/core/channel.js';
import { makeReport } from '../reference/build.js';
import { refChannel, refFade } from '../reference/spec-reference.js';

const graded = (reliability?: string, credibility?: string) =>
  makeReport({
    id: 'r',
    indicator: 'x',
    observed: 'present',
    at: '2023-10-01T00:00:00Z',
    ...(reliability !== undefined ? { reliability } : {}),
    ...(credibility !== undefined ? { credibility } : {}),
  });

describe('channel from Admiralty grades (spec 2.1)', () => {
  // q = r c + (1 - r)(1 - c); s = q; f = 1 - q.
  it.each([
    // A/1: 0.95 * 0.95 + 0.05 * 0.05 = 0.9025 + 0.0025 = 0.905
    ['A', '1', 0.905],
    // B/2: 0.85 * 0.85 + 0.15 * 0.15 = 0.7225 + 0.0225 = 0.745
    ['B', '2', 0.745],
    // C/3: 0.75 * 0.75 + 0.25 * 0.25 = 0.5625 + 0.0625 = 0.625
    ['C', '3', 0.625],
    // D/4: 0.6 * 0.6 + 0.4 * 0.4 = 0.36 + 0.16 = 0.52
    ['D', '4', 0.52],
    // F/6: 0.65 * 0.65 + 0.35 * 0.35 = 0.4225 + 0.1225 = 0.545
    ['F', '6', 0.545],
    // A/6: 0.95 * 0.65 + 0.05 * 0.35 = 0.6175 + 0.0175 = 0.635
    ['A', '6', 0.635],
    // D/1: 0.6 * 0.95 + 0.4 * 0.05 = 0.57 + 0.02 = 0.59
    ['D', '1', 0.59],
    // C/2: 0.75 * 0.85 + 0.25 * 0.15 = 0.6375 + 0.0375 = 0.675
    ['C', '2', 0.675],
  ])('%s/%s gives s = q = %f and f = 1 - q', (reliability, credibility, q) => {
    const channel = reportChannel(graded(reliability, credibility));
    expect(channel.s).toBeCloseTo(q, 14);
    expect(channel.f).toBeCloseTo(1 - q, 14);
  });

  it('defaults to F/6 (q = 0.545) when the grades are not given', () => {
    const channel = reportChannel(graded());
    expect(channel.s).toBeCloseTo(0.545, 14);
    expect(channel.f).toBeCloseTo(0.455, 14);
  });

  // E (r = 0.5): q = 0.5 c + 0.5 (1 - c) = 0.5 for every c; 5 (c = 0.5) likewise for every r.
  it.each(['1', '2', '3', '4', '5', '6'])('E/%s is uninformative: s = f = 0.5', (credibility) => {
    const channel = reportChannel(graded('E', credibility));
    expect(channel.s).toBeCloseTo(0.5, 15);
    expect(channel.f).toBeCloseTo(0.5, 15);
  });

  it.each(['A', 'B', 'C', 'D', 'E', 'F'])('%s/5 is uninformative: s = f = 0.5', (reliability) => {
    const channel = reportChannel(graded(reliability, '5'));
    expect(channel.s).toBeCloseTo(0.5, 15);
    expect(channel.f).toBeCloseTo(0.5, 15);
  });

  it('takes the credibility grade as a number too (CSV and JSON may give 3 for "3")', () => {
    const report = makeReport({
      id: 'r',
      indicator: 'x',
      observed: 'absent',
      at: '2023-10-01T00:00:00Z',
      reliability: 'C',
      credibility: 3,
    });
    expect(reportChannel(report).s).toBeCloseTo(0.625, 14);
  });

  it('uses measured sensor rates instead of the grades when given', () => {
    // A/1 would give 0.905 / 0.095; the sensor's own rates replace them exactly.
    const report = makeReport({
      id: 'r',
      indicator: 'x',
      observed: 'present',
      at: '2023-10-01T00:00:00Z',
      reliability: 'A',
      credibility: '1',
      sensitivity: 0.7,
      falseAlarmRate: 0.2,
    });
    expect(reportChannel(report)).toEqual({ s: 0.7, f: 0.2 });
  });

  it('agrees with the reference on all 36 grade pairs', () => {
    for (const r of ['A', 'B', 'C', 'D', 'E', 'F']) {
      for (const c of ['1', '2', '3', '4', '5', '6']) {
        const report = graded(r, c);
        const actual = reportChannel(report);
        const expected = refChannel(report);
        expect(actual.s).toBeCloseTo(expected.s, 15);
        expect(actual.f).toBeCloseTo(expected.f, 15);
      }
    }
  });
});

describe('fading (spec 2.2)', () => {
  const channel = { s: 0.9, f: 0.1 };

  it('leaves a fresh report alone', () => {
    // w = 2^0 = 1
    const faded = fadeChannel(channel, 0, 10);
    expect(faded.s).toBeCloseTo(0.9, 15);
    expect(faded.f).toBeCloseTo(0.1, 15);
  });

  it('halves the distance to 0.5 after one half-life', () => {
    // w = 2^(-10/10) = 0.5; s' = 0.5 + 0.4 * 0.5 = 0.7; f' = 0.5 - 0.4 * 0.5 = 0.3
    const faded = fadeChannel(channel, 10, 10);
    expect(faded.s).toBeCloseTo(0.7, 14);
    expect(faded.f).toBeCloseTo(0.3, 14);
  });

  it('quarters it after two half-lives', () => {
    // w = 2^(-20/10) = 0.25; s' = 0.5 + 0.4 * 0.25 = 0.6; f' = 0.4
    const faded = fadeChannel(channel, 20, 10);
    expect(faded.s).toBeCloseTo(0.6, 14);
    expect(faded.f).toBeCloseTo(0.4, 14);
  });

  it('fades continuously between half-lives', () => {
    // w = 2^(-5/10) = 1/√2; s' = 0.5 + 0.4/√2 = 0.78284271247..., f' = 0.5 - 0.4/√2 = 0.21715728752...
    const faded = fadeChannel(channel, 5, 10);
    expect(faded.s).toBeCloseTo(0.5 + 0.4 / Math.SQRT2, 14);
    expect(faded.f).toBeCloseTo(0.5 - 0.4 / Math.SQRT2, 14);
  });

  it('fades a channel whose f is above 0.5 toward 0.5 from above', () => {
    // s = 0.3, f = 0.8 (a contrary sensor), one half-life: s' = 0.5 - 0.2/2 = 0.4, f' = 0.5 + 0.3/2 = 0.65
    const faded = fadeChannel({ s: 0.3, f: 0.8 }, 3, 3);
    expect(faded.s).toBeCloseTo(0.4, 14);
    expect(faded.f).toBeCloseTo(0.65, 14);
  });

  it('never fades without a half-life', () => {
    const faded = fadeChannel(channel, 1e6, undefined);
    expect(faded.s).toBe(0.9);
    expect(faded.f).toBe(0.1);
  });

  it('reaches uninformative in the limit', () => {
    // w = 2^(-100000) underflows to 0: s' = f' = 0.5
    const faded = fadeChannel(channel, 1e6, 10);
    expect(faded.s).toBeCloseTo(0.5, 15);
    expect(faded.f).toBeCloseTo(0.5, 15);
  });

  it('agrees with the reference on a grid of ages and half-lives', () => {
    for (const age of [0, 0.1, 1, 7.5, 24, 1000]) {
      for (const h of [undefined, 0.5, 1, 12, 240]) {
        const actual = fadeChannel({ s: 0.83, f: 0.27 }, age, h);
        const expected = refFade({ s: 0.83, f: 0.27 }, age, h);
        expect(actual.s).toBeCloseTo(expected.s, 15);
        expect(actual.f).toBeCloseTo(expected.f, 15);
      }
    }
  });
});
