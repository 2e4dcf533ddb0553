/**
 * A warning level: its name in its colour, with pips for its rank, so neither colour vision nor
 * a glance at a monochrome screen is needed to read it.
 */
import type { WarningLevel } from '../api/types.js';
import { rankOf, TONE_COLOUR_NAMES, toneOf } from '../lib/levels.js';

export function LevelBadge({ level, levels, size = 'normal' }: { level: string; levels: readonly WarningLevel[] | undefined; size?: 'normal' | 'large' }) {
  const count = levels?.length ?? 1;
  const rank = rankOf(level, levels);
  const tone = toneOf(rank, count);
  const known = levels === undefined || levels.some((l) => l.id === level);
  return (
    <span className={`level level-${tone} level-${size}`} data-tone={tone} title={levels !== undefined ? `level ${rank + 1} of ${count} (${TONE_COLOUR_NAMES[tone]})` : undefined}>
      {levels !== undefined && count > 1 && (
        <span className="level-pips" aria-hidden="true">
          {levels.map((l, i) => (
            <span key={l.id} className={i <= rank ? 'pip pip-on' : 'pip'} />
          ))}
        </span>
      )}
      <span className="level-name">{level}</span>
      {levels !== undefined && count > 1 && known && (
        <span className="visually-hidden">
          {' '}
          (level {rank + 1} of {count})
        </span>
      )}
    </span>
  );
}
