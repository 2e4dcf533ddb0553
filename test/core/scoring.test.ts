/**
 * Calibration scores (src/core/scoring.ts): hand-checked tables, then properties that hold for
 * any forecast (ranges, perfect forecasts score 0, the binary score is half the two-class one).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  binaryBrier,
  binaryLogScore,
  leadTimes,
  LOG_SCORE_EPSILON,
  logScore,
  meanScores,
  multiClassBrier,
  multiClassLogScore,
  reliabilityBins,
  WORST_LOG_SCORE,
} from '../../src/core/scoring.js';

const HOUR = 3_600_000;

describe('multi-class Brier and log scores, by hand', () => {
  const forecast = { routine: 0.7, raid: 0.2, attack: 0.1 };
  it.each([
    // truth, Brier = Σ (p - o)², log score = -log2 p_truth
    ['routine', 0.3 ** 2 + 0.2 ** 2 + 0.1 ** 2, -Math.log2(0.7)], // 0.14, 0.515 bits
    ['raid', 0.7 ** 2 + 0.8 ** 2 + 0.1 ** 2, -Math.log2(0.2)], // 1.14, 2.322 bits
    ['attack', 0.7 ** 2 + 0.2 ** 2 + 0.9 ** 2, -Math.log2(0.1)], // 1.34, 3.322 bits
  ])('{0.7, 0.2, 0.1} when %s came true: Brier %f, log score %f bits', (truth, brier, log) => {
    expect(multiClassBrier(forecast, truth)).toBeCloseTo(brier, 12);
    expect(multiClassLogScore(forecast, truth)).toBeCloseTo(log, 12);
  });

  it('scores 0 for a certain, right forecast and 2 (and ~19.93 bits) for a certain, wrong one', () => {
    expect(multiClassBrier({ a: 1, b: 0 }, 'a')).toBe(0);
    expect(multiClassLogScore({ a: 1, b: 0 }, 'a')).toBe(0);
    expect(multiClassBrier({ a: 1, b: 0 }, 'b')).toBe(2);
    expect(multiClassLogScore({ a: 1, b: 0 }, 'b')).toBeCloseTo(19.931568569324174, 12);
    expect(WORST_LOG_SCORE).toBeCloseTo(-Math.log2(LOG_SCORE_EPSILON), 12);
  });

  it('gives a hypothesis the posterior does not name probability 0', () => {
    expect(multiClassBrier({ a: 0.5, b: 0.5 }, 'c')).toBeCloseTo(0.25 + 0.25 + 1, 12);
    expect(multiClassLogScore({ a: 0.5, b: 0.5 }, 'c')).toBe(WORST_LOG_SCORE);
  });

  it('scores the uniform forecast over 4 hypotheses 1 - 1/4 = 0.75 and 2 bits', () => {
    const uniform = { a: 0.25, b: 0.25, c: 0.25, d: 0.25 };
    expect(multiClassBrier(uniform, 'c')).toBeCloseTo(0.75, 12);
    expect(multiClassLogScore(uniform, 'c')).toBeCloseTo(2, 12);
  });
});

describe('binary scores of pDangerous, by hand', () => {
  it.each([
    // p, happened, Brier, log score
    [0.8, true, 0.04, -Math.log2(0.8)], // 0.322 bits
    [0.8, false, 0.64, -Math.log2(0.2)], // 2.322 bits
    [0.5, true, 0.25, 1],
    [0.5, false, 0.25, 1],
    [0, true, 1, -Math.log2(1e-6)], // clamped: 19.93 bits, not infinity
    [1, true, 0, 0],
    [0, false, 0, 0],
  ])('p = %f, happened %s: Brier %f, log score %f bits', (p, happened, brier, log) => {
    expect(binaryBrier(p, happened)).toBeCloseTo(brier, 12);
    expect(binaryLogScore(p, happened)).toBeCloseTo(log, 12);
  });

  it('refuses what is not a number', () => {
    expect(() => logScore(Number.NaN)).toThrow(RangeError);
    expect(() => binaryBrier(Number.POSITIVE_INFINITY, true)).toThrow(/finite/);
  });
});

describe('mean scores of a sequence of forecasts', () => {
  it('weighs every forecast the same', () => {
    const truth = { hypothesis: 'raid', dangerous: true };
    const forecasts = [
      { at: 0, posterior: { calm: 0.9, raid: 0.1 }, pDangerous: 0.1 },
      { at: HOUR, posterior: { calm: 0.5, raid: 0.5 }, pDangerous: 0.5 },
      { at: 2 * HOUR, posterior: { calm: 0.2, raid: 0.8 }, pDangerous: 0.8 },
    ];
    const mean = meanScores(forecasts, truth);
    expect(mean.count).toBe(3);
    // Brier: 2 * 0.81, 2 * 0.25, 2 * 0.04 → mean 2 * 1.1 / 3
    expect(mean.brier).toBeCloseTo((2 * 0.81 + 2 * 0.25 + 2 * 0.04) / 3, 12);
    expect(mean.dangerBrier).toBeCloseTo((0.81 + 0.25 + 0.04) / 3, 12);
    expect(mean.logScore).toBeCloseTo((-Math.log2(0.1) - Math.log2(0.5) - Math.log2(0.8)) / 3, 12);
    expect(mean.dangerLogScore).toBeCloseTo(mean.logScore!, 12);
  });

  it('is null over no forecasts', () => {
    expect(meanScores([], { hypothesis: 'a', dangerous: false })).toEqual({ count: 0, brier: null, logScore: null, dangerBrier: null, dangerLogScore: null });
  });
});

describe('lead times', () => {
  const levels = ['normal', 'watch', 'warning', 'alert'];
  const outcome = 100 * HOUR;

  it('counts a level as reached when it or a higher one is in force; lead = outcome - first reached', () => {
    const path = [
      { at: 0, level: 'normal' },
      { at: 10 * HOUR, level: 'watch' },
      { at: 20 * HOUR, level: 'normal' },
      { at: 30 * HOUR, level: 'watch' },
      { at: 90 * HOUR, level: 'alert' }, // straight over warning
      { at: 99 * HOUR, level: 'warning' },
    ];
    expect(leadTimes(path, levels, outcome)).toEqual([
      { level: 'watch', firstReached: 10 * HOUR, leadMs: 90 * HOUR },
      { level: 'warning', firstReached: 90 * HOUR, leadMs: 10 * HOUR },
      { level: 'alert', firstReached: 90 * HOUR, leadMs: 10 * HOUR },
    ]);
  });

  it('is negative for a level reached only after the outcome, null for one never reached', () => {
    const path = [
      { at: 0, level: 'normal' },
      { at: 101 * HOUR, level: 'warning' },
      { at: 102 * HOUR, level: 'no-such-level' },
    ];
    expect(leadTimes(path, levels, outcome)).toEqual([
      { level: 'watch', firstReached: 101 * HOUR, leadMs: -HOUR },
      { level: 'warning', firstReached: 101 * HOUR, leadMs: -HOUR },
      { level: 'alert', firstReached: null, leadMs: null },
    ]);
  });
});

describe('reliability bins', () => {
  it('bins forecasts by probability, with their mean and how often the event happened', () => {
    const bins = reliabilityBins(
      [
        { p: 0.05, happened: false },
        { p: 0.15, happened: true },
        { p: 0.15, happened: false },
        { p: 0.95, happened: true },
        { p: 1, happened: true }, // the last bin is closed above
      ],
      10,
    );
    expect(bins).toHaveLength(10);
    expect(bins[0]).toEqual({ lower: 0, upper: 0.1, count: 1, meanForecast: 0.05, observedFrequency: 0 });
    expect(bins[1]).toMatchObject({ count: 2, observedFrequency: 0.5 });
    expect(bins[1]!.meanForecast).toBeCloseTo(0.15, 12);
    expect(bins[5]).toMatchObject({ count: 0, meanForecast: null, observedFrequency: null });
    expect(bins[9]).toMatchObject({ count: 2, observedFrequency: 1 });
    expect(bins[9]!.meanForecast).toBeCloseTo(0.975, 12);
  });

  it('puts every forecast in the bin whose reported bounds hold it, lower <= p < upper', () => {
    // 0.29 * 100 is 28.999...: a plain floor put 0.29 in [0.28, 0.29).
    expect(reliabilityBins([{ p: 0.29, happened: true }], 100)[29]).toMatchObject({ lower: 0.29, count: 1 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 100 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, k, x) => {
        // Bin edges themselves (k/n) and any other probability.
        for (const p of [Math.min(1, k / n), x]) {
          const bins = reliabilityBins([{ p, happened: false }], n);
          const bin = bins.find((b) => b.count === 1)!;
          expect(bin.lower <= p && (p < bin.upper || (p === 1 && bin.upper === 1)), `p ${p} in [${bin.lower}, ${bin.upper})`).toBe(true);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses a bin count that is not 1 to 100', () => {
    expect(() => reliabilityBins([], 0)).toThrow(RangeError);
    expect(() => reliabilityBins([], 2.5)).toThrow(/whole number/);
  });
});

/** A posterior over 2 to 6 hypotheses h0..hn, summing to 1. */
const posteriorArb = fc
  .array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 6 })
  .filter((xs) => xs.reduce((a, b) => a + b, 0) > 1e-9)
  .map((xs) => {
    const sum = xs.reduce((a, b) => a + b, 0);
    return Object.fromEntries(xs.map((x, k) => [`h${k}`, x / sum]));
  });

describe('properties', () => {
  it('multi-class Brier is in [0, 2] and the log score in [0, 19.94] bits, for any posterior and truth', () => {
    fc.assert(
      fc.property(posteriorArb, fc.nat(5), (posterior, t) => {
        const truth = `h${t}`;
        const brier = multiClassBrier(posterior, truth);
        const log = multiClassLogScore(posterior, truth);
        expect(brier).toBeGreaterThanOrEqual(0);
        expect(brier).toBeLessThanOrEqual(2);
        expect(log).toBeGreaterThanOrEqual(0);
        expect(log).toBeLessThanOrEqual(WORST_LOG_SCORE);
      }),
    );
  });

  it('a perfect forecast scores 0 on both scores, multi-class and binary', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8 }), fc.nat(7), fc.boolean(), (n, t, happened) => {
        const truth = `h${t % n}`;
        const certain = Object.fromEntries(Array.from({ length: n }, (_, k) => [`h${k}`, `h${k}` === truth ? 1 : 0]));
        expect(multiClassBrier(certain, truth)).toBe(0);
        expect(multiClassLogScore(certain, truth)).toBe(0);
        expect(binaryBrier(happened ? 1 : 0, happened)).toBe(0);
        expect(binaryLogScore(happened ? 1 : 0, happened)).toBe(0);
      }),
    );
  });

  it('the binary Brier score of p is half the two-class Brier score of {p, 1 - p}', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(), (p, happened) => {
        const twoClass = multiClassBrier({ danger: p, calm: 1 - p }, happened ? 'danger' : 'calm');
        expect(binaryBrier(p, happened)).toBeCloseTo(twoClass / 2, 12);
        expect(binaryLogScore(p, happened)).toBeCloseTo(multiClassLogScore({ danger: p, calm: 1 - p }, happened ? 'danger' : 'calm'), 9);
      }),
    );
  });

  it('more probability on the truth never scores worse (both scores are proper and monotone in p_truth)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (a, b) => {
        const [lo, hi] = a < b ? [a, b] : [b, a];
        expect(binaryBrier(hi, true)).toBeLessThanOrEqual(binaryBrier(lo, true));
        expect(binaryLogScore(hi, true)).toBeLessThanOrEqual(binaryLogScore(lo, true));
      }),
    );
  });

  it('reliability bins hold every forecast once, each in its bin, with frequencies in [0, 1]', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ p: fc.double({ min: 0, max: 1, noNaN: true }), happened: fc.boolean() }), { maxLength: 200 }), fc.integer({ min: 1, max: 20 }), (outcomes, n) => {
        const bins = reliabilityBins(outcomes, n);
        expect(bins.reduce((s, b) => s + b.count, 0)).toBe(outcomes.length);
        for (const bin of bins) {
          if (bin.count === 0) continue;
          expect(bin.observedFrequency!).toBeGreaterThanOrEqual(0);
          expect(bin.observedFrequency!).toBeLessThanOrEqual(1);
          expect(bin.meanForecast!).toBeGreaterThanOrEqual(bin.lower - 1e-12);
          expect(bin.meanForecast!).toBeLessThanOrEqual(bin.upper + 1e-12);
        }
      }),
    );
  });
});
