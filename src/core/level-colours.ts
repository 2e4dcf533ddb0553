/**
 * The colours of warning levels, in one place for every output that shows them (CAP alerts,
 * the UI). A problem's levels are its own (ids and thresholds vary), so a colour goes by a
 * level's rank among its problem's levels: the lowest is always `calm`, the highest always
 * `high` or, from five levels up, `extreme`. The colours are Paul Tol's (blue, sand, orange,
 * red, purple): colour-blind readers tell them apart by lightness as well as hue. A level is
 * never shown by its colour alone: its name goes with it.
 */

export const LEVEL_TONES = ['calm', 'raised', 'elevated', 'high', 'extreme'] as const;
export type LevelTone = (typeof LEVEL_TONES)[number];

/** Each tone's colour (`#RRGGBB`) and the name of that colour, for text. */
export const LEVEL_COLOURS: Readonly<Record<LevelTone, { readonly hex: string; readonly name: string }>> = {
  calm: { hex: '#4477AA', name: 'blue' },
  raised: { hex: '#DDCC77', name: 'sand' },
  elevated: { hex: '#EE7733', name: 'orange' },
  high: { hex: '#CC3311', name: 'red' },
  extreme: { hex: '#AA3377', name: 'purple' },
};

/** The tones of a problem with 1 to 5 levels, lowest first. */
const PALETTES: Readonly<Record<number, readonly LevelTone[]>> = {
  1: ['calm'],
  2: ['calm', 'high'],
  3: ['calm', 'raised', 'high'],
  4: ['calm', 'raised', 'elevated', 'high'],
  5: ['calm', 'raised', 'elevated', 'high', 'extreme'],
};

/**
 * The tone of the level at `rank` (0 = the lowest) among `count` levels. With more than five
 * levels, the lowest is calm and the others spread over the four other tones; a rank outside
 * 0 to count - 1 is clamped.
 */
export function levelTone(rank: number, count: number): LevelTone {
  const levels = Math.max(1, Math.floor(count));
  const at = Math.min(levels - 1, Math.max(0, Math.floor(rank)));
  const palette = PALETTES[levels];
  if (palette !== undefined) return palette[at] ?? 'calm';
  // Only the lowest level (the all clear) is calm; the others spread over the four alarm tones.
  if (at === 0) return 'calm';
  return LEVEL_TONES[1 + Math.round(((at - 1) / (levels - 2)) * (LEVEL_TONES.length - 2))] ?? 'extreme';
}

/** The colour (`#RRGGBB`) of the level at `rank` among `count` levels. */
export function levelColour(rank: number, count: number): string {
  return LEVEL_COLOURS[levelTone(rank, count)].hex;
}
