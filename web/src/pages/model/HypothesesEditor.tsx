/** The hypotheses of a model: ids, titles, priors (which must sum to 1) and which are dangerous. */
import { FieldErrors } from '../../components/Field.js';
import { CellInput } from './CellInput.js';
import { num, priorSum, rowKey, type HypothesisRow, type Issues, type ModelDraft } from './model-draft.js';

export function HypothesesEditor({ draft, issues, onChange }: { draft: ModelDraft; issues: Issues; onChange: (draft: ModelDraft) => void }) {
  const setRow = (index: number, row: Partial<HypothesisRow>) => onChange({ ...draft, hypotheses: draft.hypotheses.map((h, i) => (i === index ? { ...h, ...row } : h)) });
  const remove = (index: number) => onChange({ ...draft, hypotheses: draft.hypotheses.filter((_, i) => i !== index) });
  const add = () => onChange({ ...draft, hypotheses: [...draft.hypotheses, { key: rowKey(), id: '', title: '', prior: '', dangerous: false }] });
  const sum = priorSum(draft);
  const sumOk = Number.isFinite(sum) && Math.abs(sum - 1) <= 1e-9;
  const scale = () => onChange({ ...draft, hypotheses: draft.hypotheses.map((h) => ({ ...h, prior: String(Number((num(h.prior) / sum).toPrecision(12))) })) });
  const listIssues = issues.get('/hypotheses') ?? [];

  return (
    <>
      <table className="data-table editor-table">
        <caption className="visually-hidden">Hypotheses</caption>
        <thead>
          <tr>
            <th scope="col">Id</th>
            <th scope="col">Title</th>
            <th scope="col">Prior</th>
            <th scope="col">Dangerous</th>
            <th scope="col">
              <span className="visually-hidden">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {draft.hypotheses.map((h, i) => (
            <tr key={h.key}>
              <td>
                <CellInput id={`hyp-${h.key}-id`} label={`Hypothesis ${i + 1} id`} value={h.id} issues={issues.get(`/hypotheses/${i}/id`)} onValue={(id) => setRow(i, { id })} />
              </td>
              <td className="wide">
                <CellInput id={`hyp-${h.key}-title`} label={`Hypothesis ${i + 1} title`} value={h.title} issues={issues.get(`/hypotheses/${i}/title`)} onValue={(title) => setRow(i, { title })} />
              </td>
              <td>
                <CellInput id={`hyp-${h.key}-prior`} label={`Prior of ${h.id || `hypothesis ${i + 1}`}`} inputMode="decimal" className="num-input" value={h.prior} issues={issues.get(`/hypotheses/${i}/prior`)} onValue={(prior) => setRow(i, { prior })} />
              </td>
              <td>
                <input type="checkbox" aria-label={`${h.id || `Hypothesis ${i + 1}`} is dangerous`} checked={h.dangerous} onChange={(e) => setRow(i, { dangerous: e.target.checked })} />
              </td>
              <td>
                <button type="button" className="button-quiet" onClick={() => remove(i)} aria-label={`Remove hypothesis ${h.id || i + 1}`}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="editor-foot">
        <button type="button" className="button" onClick={add}>
          Add hypothesis
        </button>
        <span className={sumOk ? 'sum-ok' : 'sum-bad'} role="status">
          Priors sum to {Number.isFinite(sum) ? Number(sum.toFixed(9)) : '—'} {sumOk ? '✓' : '(must be 1)'}
        </span>
        {!sumOk && Number.isFinite(sum) && sum > 0 && (
          <button type="button" className="button-quiet" onClick={scale}>
            Scale priors to sum to 1
          </button>
        )}
      </div>
      <FieldErrors id="hypotheses-error" errors={listIssues} />
    </>
  );
}
