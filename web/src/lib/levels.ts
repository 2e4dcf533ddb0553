/**
 * Colours of warning levels. Levels are the model's own (ids and thresholds vary by problem),
 * so a colour is chosen by a level's rank among its problem's levels, from a sequence that
 * colour-blind readers tell apart by lightness as well as hue (Paul Tol's palettes: blue, sand,
 * orange, red, purple). A level is never shown by colour alone: its name goes with it, and its
 * rank as pips. The same rule as the server's src/core/level-colours.ts (CAP alerts carry its
 * colour), which test/web/levels.test.ts holds equal; the UI does not import the server's code.
 */
import type { WarningLevel } from '../api/types.js';

const TONES = ['calm', 'raised', 'elevated', 'high', 'extreme'] as const;
/** A level's tone: a CSS class suffix (`level-high`); the stylesheets define the colours. */
export type LevelTone = (typeof TONES)[number];

/** The name of each tone's colour, for text ("red"), as the server names it. */
export const TONE_COLOUR_NAMES: Readonly<Record<LevelTone, string>> = { calm: 'blue', raised: 'sand', elevated: 'orange', high: 'red', extreme: 'purple' };

/** Palettes by number of levels, lowest first. */
const PALETTES: Readonly<Record<number, readonly LevelTone[]>> = {
  1: ['calm'],
  2: ['calm', 'high'],
  3: ['calm', 'raised', 'high'],
  4: ['calm', 'raised', 'elevated', 'high'],
  5: ['calm', 'raised', 'elevated', 'high', 'extreme'],
};

/**
 * The tone of the level at `rank` (0 = lowest) among `count` levels. With more than five
 * levels only the lowest (the all clear) is calm and the others spread over the four alarm
 * tones; a rank outside 0 to count - 1 is clamped.
 */
export function toneOf(rank: number, count: number): LevelTone {
  const levels = Math.max(1, Math.floor(count));
  const at = Math.min(levels - 1, Math.max(0, Math.floor(rank)));
  const palette = PALETTES[levels];
  if (palette !== undefined) return palette[at] ?? 'calm';
  if (at === 0) return 'calm';
  return TONES[1 + Math.round(((at - 1) / (levels - 2)) * (TONES.length - 2))] ?? 'extreme';
}

/** The rank of `level` among `levels` (lowest 0), or 0 when unknown. */
export function rankOf(level: string, levels: readonly WarningLevel[] | undefined): number {
  const rank = levels?.findIndex((l) => l.id === level) ?? -1;
  return rank < 0 ? 0 : rank;
}
