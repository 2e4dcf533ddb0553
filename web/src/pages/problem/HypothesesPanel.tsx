/** The competing hypotheses with their probabilities now (or as of the inquiry instant). */
import type { Assessment, Problem } from '../../api/types.js';
import { Probability, ProbabilityBar } from '../../components/Probability.js';

export function HypothesesPanel({ problem, assessment }: { problem: Problem; assessment: Assessment }) {
  const known = new Set(problem.hypotheses.map((h) => h.id));
  // Hypotheses of the model as of the instant that the current model no longer has.
  const extra = Object.keys(assessment.posterior).filter((id) => !known.has(id));
  const rows = [...problem.hypotheses.map((h) => ({ id: h.id, title: h.title, prior: h.prior, dangerous: h.dangerous === true })), ...extra.map((id) => ({ id, title: id, prior: undefined, dangerous: false }))];
  return (
    <table className="data-table hypotheses">
      <caption className="visually-hidden">Hypotheses and their probabilities</caption>
      <thead>
        <tr>
          <th scope="col">Hypothesis</th>
          <th scope="col">Probability</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((h) => {
          const p = assessment.posterior[h.id] ?? 0;
          const leading = h.id === assessment.leading;
          return (
            <tr key={h.id} className={leading ? 'row-lead' : undefined}>
              <th scope="row">
                <span className="hyp-title">{h.title}</span>
                <span className="hyp-tags">
                  <span className="muted small">
                    {h.id}
                    {h.prior !== undefined && (
                      <>
                        {' '}
                        · prior <Probability p={h.prior} />
                      </>
                    )}
                  </span>
                  {h.dangerous && <span className="tag tag-danger">dangerous</span>}
                  {leading && <span className="tag tag-lead">leading</span>}
                </span>
              </th>
              <td className="prob-cell">
                <ProbabilityBar p={p} tone={h.dangerous ? 'danger' : leading ? 'lead' : 'neutral'} />
                <Probability p={p} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
