/** A probability as people read it: the number and, always beside it, its ICD 203 words. */
import { percent } from '../lib/format.js';
import { estimativeWords } from '../lib/words.js';

export function Probability({ p, size = 'normal' }: { p: number; size?: 'normal' | 'large' }) {
  const words = estimativeWords(p);
  return (
    <span className={`prob prob-${size}`}>
      <span className="prob-number">{percent(p)}</span> <span className="prob-words">{words}</span>
    </span>
  );
}

/** A horizontal bar for a probability (decoration: the number and words go beside it). */
export function ProbabilityBar({ p, tone = 'neutral' }: { p: number; tone?: 'neutral' | 'danger' | 'lead' }) {
  return (
    <span className={`pbar pbar-${tone}`} aria-hidden="true">
      <span className="pbar-fill" style={{ width: `${Math.max(0, Math.min(1, p)) * 100}%` }} />
    </span>
  );
}
