/** The watch floor's ICD 203 words are the server's: the same band for every probability. */
import { describe, expect, it } from 'vitest';
import { estimativeWords as serverWords } from '../../src/core/words.js';
import { percent, points } from '../../web/src/lib/format.js';
import { estimativeWords as uiWords } from '../../web/src/lib/words.js';

describe('estimative words in the UI', () => {
  it('agree with the server at every band edge and on a fine grid', () => {
    const edges = [0, 0.05, 0.2, 0.45, 0.55, 0.8, 0.95, 1].flatMap((p) => [p - 1e-12, p, p + 1e-12]).filter((p) => p >= 0 && p <= 1);
    const grid = Array.from({ length: 10_001 }, (_, i) => i / 10_000);
    for (const p of [...edges, ...grid]) expect(uiWords(p), `p = ${p}`).toBe(serverWords(p));
  });
});

describe('numbers as the watch floor writes them', () => {
  it('never rounds a probability that is neither 0 nor 1 to "0 %" or "100 %"', () => {
    expect(percent(0)).toBe('0 %');
    expect(percent(0.004)).toBe('0.4 %');
    expect(percent(0.62)).toBe('62 %');
    expect(percent(0.9996)).toBe('> 99.9 %');
    expect(percent(0.0001)).toBe('< 0.1 %');
    expect(percent(0.996)).toBe('99.6 %');
    expect(percent(1)).toBe('100 %');
  });

  it('signs changes in percentage points', () => {
    expect(points(0.031)).toBe('+3.1 pp');
    expect(points(-0.002)).toBe('−0.2 pp');
    expect(points(0.25)).toBe('+25 pp');
    expect(points(1e-9)).toBe('±0 pp');
  });
});
