/**
 * Colours of warning levels. Levels are the model's own (ids and thresholds vary by problem),
 * so a colour is chosen by a level's rank among its problem's levels, from a sequence that
 * colour-blind readers tell apart by lightness as well as hue (Paul Tol's palettes: blue, sand,
 * orange, red, purple). A level is never shown by colour alone: its name goes with it, and its
 * rank as pips.
 */
import type { WarningLevel } from '../api/types.js';

/** Palettes by number of levels; each entry is a CSS class suffix (styles define the colours). */
const PALETTES: Readonly<Record<number, readonly string[]>> = {
  1: ['calm'],
  2: ['calm', 'high'],
  3: ['calm', 'raised', 'high'],
  4: ['calm', 'raised', 'elevated', 'high'],
  5: ['calm', 'raised', 'elevated', 'high', 'extreme'],
};

const TONES = ['calm', 'raised', 'elevated', 'high', 'extreme'] as const;
export type LevelTone = (typeof TONES)[number];

/** The tone of the level at `rank` (0 = lowest) among `count` levels. */
export function toneOf(rank: number, count: number): LevelTone {
  const palette = PALETTES[count];
  if (palette !== undefined) return (palette[rank] ?? 'calm') as LevelTone;
  // More than five levels: spread them over the five tones.
  const index = Math.round((rank / Math.max(1, count - 1)) * (TONES.length - 1));
  return TONES[index] ?? 'calm';
}

/** The rank of `level` among `levels` (lowest 0), or 0 when unknown. */
export function rankOf(level: string, levels: readonly WarningLevel[] | undefined): number {
  const rank = levels?.findIndex((l) => l.id === level) ?? -1;
  return rank < 0 ? 0 : rank;
}
