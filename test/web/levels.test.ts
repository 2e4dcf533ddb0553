/** The watch floor colours a level as the server does (CAP alerts carry the server's colour). */
import { describe, expect, it } from 'vitest';
import { LEVEL_COLOURS, levelTone } from '../../src/core/level-colours.js';
import { TONE_COLOUR_NAMES, toneOf } from '../../web/src/lib/levels.js';

describe('level tones in the UI', () => {
  it('agree with the server for every rank of 1 to 12 levels, and clamp the same way', () => {
    for (let count = 1; count <= 12; count++) {
      for (let rank = -1; rank <= count; rank++) expect(toneOf(rank, count), `rank ${rank} of ${count}`).toBe(levelTone(rank, count));
    }
  });

  it('name each colour as the server does', () => {
    for (const [tone, { name }] of Object.entries(LEVEL_COLOURS)) expect(TONE_COLOUR_NAMES[tone as keyof typeof TONE_COLOUR_NAMES]).toBe(name);
  });
});
