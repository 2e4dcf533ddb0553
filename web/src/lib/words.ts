/**
 * ICD 203 estimative-probability words (assessment.md section 9), the same bands as the
 * server's src/core/words.ts (test/web/words.test.ts holds them equal). Every probability the
 * watch floor shows carries these words beside the number.
 */

export type EstimativeWords =
  | 'almost no chance'
  | 'very unlikely'
  | 'unlikely'
  | 'roughly even chance'
  | 'likely'
  | 'very likely'
  | 'almost certain';

/** Lower bounds of each band, highest first; a probability takes the first band it reaches. */
const BANDS: readonly [number, EstimativeWords][] = [
  [0.95, 'almost certain'],
  [0.8, 'very likely'],
  [0.55, 'likely'],
  [0.45, 'roughly even chance'],
  [0.2, 'unlikely'],
  [0.05, 'very unlikely'],
];

/** The words for a probability in [0, 1]; bands are closed below and open above. */
export function estimativeWords(p: number): EstimativeWords {
  for (const [lower, words] of BANDS) if (p >= lower) return words;
  return 'almost no chance';
}
