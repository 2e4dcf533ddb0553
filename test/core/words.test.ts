/**
 * ICD 203 words (spec 9): each band includes its lower edge, >= 95 % is almost certain.
 */
import { describe, expect, it } from 'vitest';
import { estimativeWords } from '../../src/core/words.js';

/** The largest double below x (for x > 0). */
function justBelow(x: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigUint64(0, view.getBigUint64(0) - 1n);
  return view.getFloat64(0);
}

describe('estimative words (spec 9)', () => {
  const bands: [number, string][] = [
    [0.05, 'very unlikely'],
    [0.2, 'unlikely'],
    [0.45, 'roughly even chance'],
    [0.55, 'likely'],
    [0.8, 'very likely'],
    [0.95, 'almost certain'],
  ];
  const below = [
    'almost no chance',
    'very unlikely',
    'unlikely',
    'roughly even chance',
    'likely',
    'very likely',
  ];

  it.each(bands)('%f starts "%s"', (edge, words) => {
    expect(estimativeWords(edge)).toBe(words);
  });

  it.each(bands.map(([edge], k) => [edge, below[k]] as const))('just below %f is "%s"', (edge, words) => {
    expect(estimativeWords(justBelow(edge))).toBe(words);
  });

  it.each([
    [0, 'almost no chance'],
    [0.01, 'almost no chance'],
    [0.1, 'very unlikely'],
    [0.3, 'unlikely'],
    [0.5, 'roughly even chance'],
    [0.7, 'likely'],
    [0.9, 'very likely'],
    [0.99, 'almost certain'],
    [1, 'almost certain'],
  ])('%f is "%s"', (p, words) => {
    expect(estimativeWords(p)).toBe(words);
  });
});
