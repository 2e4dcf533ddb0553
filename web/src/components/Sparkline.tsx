/**
 * A problem's recent course of pDangerous, small enough for a row of the watch floor, drawn from
 * 0 up to the next level's threshold (dotted) above its highest point.
 */
import type { WarningLevel } from '../api/types.js';
import { percent } from '../lib/format.js';
import { estimativeWords } from '../lib/words.js';

export interface TrendPoint {
  readonly t: number;
  readonly p: number;
}

const WIDTH = 132;
const HEIGHT = 30;
const PAD = 2;

export function Sparkline({ points, levels }: { points: readonly TrendPoint[]; levels: readonly WarningLevel[] | undefined }) {
  if (points.length === 0) return <span className="muted">no reports yet</span>;
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const span = Math.max(1, last.t - first.t);
  const x = (t: number) => PAD + ((t - first.t) / span) * (WIDTH - 2 * PAD);
  // Up to the next level above the highest point (or 100 %): low probabilities still show
  // their course, and the dotted line above is the threshold they would cross.
  const highest = Math.max(...points.map((pt) => pt.p));
  const top = (levels ?? []).map((l) => l.threshold).find((t) => t > highest) ?? 1;
  const y = (p: number) => HEIGHT - PAD - (Math.min(p, top) / top) * (HEIGHT - 2 * PAD);
  const path = points.map((pt, i) => `${i === 0 ? 'M' : 'L'}${x(pt.t).toFixed(1)},${y(pt.p).toFixed(1)}`).join(' ');
  const label = `Trend of P(dangerous): from ${percent(first.p)} (${estimativeWords(first.p)}) to ${percent(last.p)} (${estimativeWords(last.p)}) over ${points.length} evaluations`;
  return (
    <svg className="sparkline" width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label} data-points={points.length}>
      <title>{label}</title>
      {(levels ?? [])
        .filter((l) => l.threshold > 0 && l.threshold <= top)
        .map((l) => (
          <line key={l.id} className="spark-threshold" x1={0} x2={WIDTH} y1={y(l.threshold)} y2={y(l.threshold)} />
        ))}
      <path className="spark-line" d={points.length === 1 ? `M${PAD},${y(last.p)} L${WIDTH - PAD},${y(last.p)}` : path} />
      <circle className="spark-dot" cx={points.length === 1 ? WIDTH - PAD : x(last.t)} cy={y(last.p)} r={2.5} />
    </svg>
  );
}
