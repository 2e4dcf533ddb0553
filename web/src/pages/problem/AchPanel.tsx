/**
 * The ACH matrix derived from the model (assessment.md section 8): one row per counted report
 * the reader may see, one column per hypothesis, Heuer's ratings, and the inconsistency scores.
 * Ratings carry their letters; colour only repeats them.
 */
import { useState } from 'react';
import type { AchMatrix, AchRating, Problem, StoredReport } from '../../api/types.js';

const MEANING: Readonly<Record<AchRating, string>> = {
  CC: 'very consistent',
  C: 'consistent',
  N: 'neutral',
  NA: 'not applicable',
  I: 'inconsistent',
  II: 'very inconsistent',
};

export function AchPanel({ problem, matrix, reports }: { problem: Problem; matrix: AchMatrix; reports: ReadonlyMap<string, StoredReport> }) {
  const indicatorTitles = new Map(problem.indicators.map((i) => [i.id, i.title]));
  const nonDiagnostic = new Set(matrix.scores.nonDiagnostic);
  const scores = new Map(matrix.scores.hypotheses.map((h) => [h.id, h]));
  // Rows that cannot tell the hypotheses apart are noise for the eye: hidden until asked for.
  const [quiet, setQuiet] = useState(false);
  const quietCount = matrix.rows.filter((row) => nonDiagnostic.has(row.id)).length;
  const rows = quiet ? matrix.rows : matrix.rows.filter((row) => !nonDiagnostic.has(row.id));
  if (matrix.rows.length === 0) {
    return <p className="note">No counted reports{matrix.withheld > 0 ? ` you may see (${matrix.withheld} withheld)` : ''}.</p>;
  }
  return (
    <div className="table-scroll">
      <table className="data-table ach">
        <caption className="visually-hidden">Analysis of competing hypotheses: how consistent each report is with each hypothesis</caption>
        <thead>
          <tr>
            <th scope="col">Report</th>
            <th scope="col">Credibility</th>
            {matrix.hypotheses.map((h) => (
              <th scope="col" key={h} className={h === matrix.scores.leastInconsistent ? 'ach-best' : undefined}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const report = reports.get(row.id);
            return (
              <tr key={row.id} className={nonDiagnostic.has(row.id) ? 'row-quiet' : undefined}>
                <th scope="row">
                  {report !== undefined ? `${indicatorTitles.get(report.indicator) ?? report.indicator}: ${report.observed}` : row.id}{' '}
                  <span className="muted small">{row.id}</span>
                  {nonDiagnostic.has(row.id) && <span className="muted small"> · non-diagnostic</span>}
                </th>
                <td className="small">{row.credibility}</td>
                {matrix.hypotheses.map((h) => {
                  const rating = row.ratings[h] ?? 'NA';
                  return (
                    <td key={h} className={`ach-cell ach-${rating}`} title={MEANING[rating]}>
                      {rating}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={2}>
              Inconsistency (weighted)
            </th>
            {matrix.hypotheses.map((h) => {
              const score = scores.get(h);
              return (
                <td key={h} className={h === matrix.scores.leastInconsistent ? 'ach-best num' : 'num'}>
                  {score === undefined ? '—' : `${score.inconsistencyScore} (${score.weightedInconsistencyScore.toFixed(2)})`}
                </td>
              );
            })}
          </tr>
        </tfoot>
      </table>
      {quietCount > 0 && (
        <button type="button" className="button-quiet" onClick={() => setQuiet((q) => !q)} aria-expanded={quiet}>
          {quiet ? `Hide the ${quietCount} non-diagnostic rows` : `Show ${quietCount} non-diagnostic rows`}
        </button>
      )}
      <p className="muted small">
        Least inconsistent: <strong>{matrix.scores.leastInconsistent}</strong>. Scores count every counted report
        {matrix.withheld > 0 ? `, including ${matrix.withheld} rows withheld from you` : ''}. CC very consistent, C consistent, N neutral, I inconsistent, II very inconsistent.
      </p>
    </div>
  );
}
