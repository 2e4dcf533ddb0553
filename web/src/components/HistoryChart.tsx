/**
 * The course of P(dangerous) over time, drawn over the problem's warning levels as bands
 * (thresholds from the model), with a tick for every report the reader may see and a line at
 * every level change. Hand-drawn SVG: a few hundred points need no chart library. Clicking
 * the chart asks for the page as of that instant (the slider does the same from the keyboard).
 */
import type { LevelChange, StoredReport, WarningLevel } from '../api/types.js';
import { percent, utc, utcTime } from '../lib/format.js';
import { toneOf } from '../lib/levels.js';
import { estimativeWords } from '../lib/words.js';
import type { TrendPoint } from './Sparkline.js';
import { useWidth } from './use-width.js';

const HEIGHT = 250;
const MARGIN = { top: 10, right: 78, bottom: 40, left: 44 };

interface Props {
  readonly points: readonly TrendPoint[];
  readonly levels: readonly WarningLevel[];
  readonly changes: readonly LevelChange[];
  readonly reports: readonly StoredReport[];
  /** The instant the chart ends at (now, or the inquiry instant). */
  readonly end: number;
  readonly onPick?: (instant: number) => void;
}

/** Ticks for a time axis from `from` to `to`: about `count` round instants. */
function timeTicks(from: number, to: number, count: number): number[] {
  const span = Math.max(1, to - from);
  const steps = [1e3, 5e3, 15e3, 60e3, 5 * 60e3, 15 * 60e3, 3600e3, 3 * 3600e3, 6 * 3600e3, 12 * 3600e3, 86400e3, 2 * 86400e3, 7 * 86400e3, 30 * 86400e3];
  const step = steps.find((s) => span / s <= count) ?? steps[steps.length - 1]!;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) ticks.push(t);
  return ticks;
}

export function HistoryChart({ points, levels, changes, reports, end, onPick }: Props) {
  const [ref, width] = useWidth<HTMLDivElement>(720);
  const first = points[0]?.t ?? end - 3600e3;
  const start = Math.min(first, end - 1000);
  const plotW = Math.max(100, width - MARGIN.left - MARGIN.right);
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (t: number) => MARGIN.left + ((t - start) / Math.max(1, end - start)) * plotW;
  const y = (p: number) => MARGIN.top + (1 - p) * plotH;
  const line = points.map((pt, i) => `${i === 0 ? 'M' : 'L'}${x(pt.t).toFixed(1)},${y(pt.p).toFixed(1)}`).join(' ');
  const last = points[points.length - 1];
  const spanDays = (end - start) / 86400e3;
  const ticks = timeTicks(start, end, Math.max(2, Math.floor(plotW / 110)));
  const visible = reports.filter((r) => {
    const t = Date.parse(r.received);
    return t >= start && t <= end;
  });

  const summary =
    last === undefined
      ? 'No evaluations yet.'
      : `P(dangerous) from ${utc(start)} to ${utc(end)}: now ${percent(last.p)} (${estimativeWords(last.p)}), ${points.length} evaluations, ${changes.length} level changes, ${visible.length} reports shown.`;

  const pick = (clientX: number, element: SVGSVGElement) => {
    if (onPick === undefined) return;
    const box = element.getBoundingClientRect();
    const fraction = (clientX - box.left - MARGIN.left) / plotW;
    if (fraction < 0 || fraction > 1) return;
    onPick(Math.round(start + fraction * (end - start)));
  };

  return (
    <div className="chart" ref={ref}>
      <svg
        width={width}
        height={HEIGHT}
        role="img"
        aria-label={summary}
        data-points={points.length}
        data-last-p={last?.p ?? ''}
        className={onPick !== undefined ? 'chart-svg chart-pickable' : 'chart-svg'}
        onClick={(event) => pick(event.clientX, event.currentTarget)}
      >
        {levels.map((level, i) => {
          const top = levels[i + 1]?.threshold ?? 1;
          const tone = toneOf(i, levels.length);
          return (
            <g key={level.id}>
              <rect className={`band band-${tone}`} x={MARGIN.left} width={plotW} y={y(top)} height={Math.max(0, y(level.threshold) - y(top))} />
              {level.threshold > 0 && <line className="band-edge" x1={MARGIN.left} x2={MARGIN.left + plotW} y1={y(level.threshold)} y2={y(level.threshold)} />}
              <text className="band-label" x={MARGIN.left + plotW + 6} y={(y(top) + y(level.threshold)) / 2 + 4}>
                {level.id}
              </text>
            </g>
          );
        })}
        {[0, 0.25, 0.5, 0.75, 1].map((p) => (
          <text key={p} className="axis-label" x={MARGIN.left - 6} y={y(p) + 4} textAnchor="end">
            {Math.round(p * 100)} %
          </text>
        ))}
        {ticks.map((t) => (
          <g key={t}>
            <line className="axis-tick" x1={x(t)} x2={x(t)} y1={MARGIN.top + plotH} y2={MARGIN.top + plotH + 4} />
            <text className="axis-label" x={x(t)} y={MARGIN.top + plotH + 16} textAnchor="middle">
              {spanDays > 2 ? utc(t).slice(5, 16) : utcTime(t).slice(0, 8)}
            </text>
          </g>
        ))}
        {changes.map((change) => (
          <line key={`${change.at}-${change.to}`} className="change-line" x1={x(Date.parse(change.at))} x2={x(Date.parse(change.at))} y1={MARGIN.top} y2={MARGIN.top + plotH}>
            <title>{`${utc(change.at)}: ${change.from} → ${change.to} at ${percent(change.pDangerous)} (${estimativeWords(change.pDangerous)})`}</title>
          </line>
        ))}
        <path className="history-line" d={line} />
        {last !== undefined && <circle className="history-dot" cx={x(last.t)} cy={y(last.p)} r={3.5} />}
        <g className="report-marks">
          {visible.map((r) => {
            const cx = x(Date.parse(r.received));
            const base = MARGIN.top + plotH + 28;
            const d = r.observed === 'present' ? `M${cx - 4},${base + 3} L${cx},${base - 4} L${cx + 4},${base + 3} Z` : `M${cx - 4},${base - 3} L${cx},${base + 4} L${cx + 4},${base - 3} Z`;
            return (
              <path key={r.id} className={`report-mark report-${r.observed}`} d={d}>
                <title>{`${r.id} ${r.indicator} ${r.observed} (received ${utc(r.received)})`}</title>
              </path>
            );
          })}
        </g>
      </svg>
      <p className="chart-legend">
        <span className="legend-item">
          <span className="legend-line" aria-hidden="true" /> P(dangerous)
        </span>
        <span className="legend-item">
          <span className="legend-up" aria-hidden="true">▲</span> report: present
        </span>
        <span className="legend-item">
          <span className="legend-down" aria-hidden="true">▽</span> report: absent
        </span>
        <span className="legend-item">
          <span className="legend-change" aria-hidden="true">┆</span> level change
        </span>
        {onPick !== undefined && <span className="legend-item muted">Click the chart to see the problem as of that instant.</span>}
      </p>
    </div>
  );
}
