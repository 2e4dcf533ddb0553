/**
 * Collect next (assessment.md section 5): which indicator's true state would tell us most, in
 * bits, and where P(dangerous) would go if it were found present or absent.
 */
import type { Assessment, Problem } from '../../api/types.js';
import { Probability } from '../../components/Probability.js';

export function CollectPanel({ problem, assessment, limit = 5 }: { problem: Problem; assessment: Assessment; limit?: number }) {
  const titles = new Map(problem.indicators.map((i) => [i.id, i.title]));
  const top = assessment.collect.slice(0, limit);
  if (top.length === 0) return <p className="note">Nothing left to learn from these indicators.</p>;
  return (
    <table className="data-table collect">
      <caption className="visually-hidden">Indicators worth collecting next, by expected information gain</caption>
      <thead>
        <tr>
          <th scope="col">Indicator</th>
          <th scope="col" className="num">
            Gain
          </th>
          <th scope="col">P(dangerous) if present</th>
          <th scope="col">if absent</th>
        </tr>
      </thead>
      <tbody>
        {top.map((c) => (
          <tr key={c.indicator}>
            <th scope="row">
              {titles.get(c.indicator) ?? c.indicator} <span className="muted small">{c.indicator}</span>
            </th>
            <td className="num" title="expected information gain">
              {c.eig.toFixed(2)} bits
            </td>
            <td>
              <Probability p={c.pDangerousIfPresent} />
            </td>
            <td>
              <Probability p={c.pDangerousIfAbsent} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
