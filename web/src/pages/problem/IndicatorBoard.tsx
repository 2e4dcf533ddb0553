/**
 * The indicator board: for every indicator, how sure we are it is really present (belief, with
 * words), how many reports count on it, and how many of those the reader may not see.
 */
import type { Assessment, Problem } from '../../api/types.js';
import { Probability, ProbabilityBar } from '../../components/Probability.js';

function halfLife(hours: number | undefined): string {
  if (hours === undefined) return 'never fades';
  if (hours < 1 / 60) return `${Number((hours * 3600).toPrecision(2))} s`;
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${Number(hours.toFixed(1))} h`;
  return `${Number((hours / 24).toFixed(1))} d`;
}

export function IndicatorBoard({ problem, assessment }: { problem: Problem; assessment: Assessment }) {
  const titles = new Map(problem.indicators.map((i) => [i.id, i]));
  return (
    <table className="data-table indicators">
      <caption className="visually-hidden">Indicators: belief that each is truly present, and the reports on it</caption>
      <thead>
        <tr>
          <th scope="col">Indicator</th>
          <th scope="col">Belief it is present</th>
          <th scope="col" className="num">
            Reports
          </th>
          <th scope="col" className="num">
            Withheld
          </th>
          <th scope="col">Half-life</th>
        </tr>
      </thead>
      <tbody>
        {assessment.indicators.map((row) => {
          const indicator = titles.get(row.id);
          const reported = row.reports > 0;
          return (
            <tr key={row.id} className={reported ? undefined : 'row-quiet'}>
              <th scope="row">
                <span className="ind-title">{indicator?.title ?? row.id}</span> <span className="muted small">{row.id}</span>
              </th>
              <td className="prob-cell">
                <ProbabilityBar p={row.belief} />
                <Probability p={row.belief} />
                {!reported && <span className="muted small"> (no reports: prior)</span>}
              </td>
              <td className="num">{row.reports}</td>
              <td className="num">{(row.withheld ?? 0) > 0 ? <span className="withheld-inline">{row.withheld} withheld</span> : <span className="muted">0</span>}</td>
              <td className="muted small">{halfLife(indicator?.halfLifeHours)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
