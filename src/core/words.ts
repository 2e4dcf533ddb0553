/** ICD 203 estimative-probability words (spec section 9). */

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

/**
 * The ICD 203 words for a probability in [0, 1]. Bands are closed below and open above:
 * 0.05 is "very unlikely", 0.95 "almost certain".
 */
export function estimativeWords(p: number): EstimativeWords {
  for (const [lower, words] of BANDS) if (p >= lower) return words;
  return 'almost no chance';
}

/** "62 % (likely)": a percentage with its words, for people. */
export function percentWithWords(p: number, digits = 0): string {
  return `${(p * 100).toFixed(digits)} % (${estimativeWords(p)})`;
}
