/**
 * The indicators of a model and their likelihood grid: for every indicator and hypothesis,
 * P(indicator truly present | hypothesis), strictly between 0 and 1, checked as typed.
 */
import { FieldErrors } from '../../components/Field.js';
import { CellInput } from './CellInput.js';
import { rowKey, type IndicatorRow, type Issues, type ModelDraft } from './model-draft.js';

export function LikelihoodGrid({ draft, issues, onChange }: { draft: ModelDraft; issues: Issues; onChange: (draft: ModelDraft) => void }) {
  const setRow = (index: number, row: Partial<IndicatorRow>) => onChange({ ...draft, indicators: draft.indicators.map((r, i) => (i === index ? { ...r, ...row } : r)) });
  const setCell = (index: number, hypothesisKey: string, value: string) => {
    const row = draft.indicators[index]!;
    setRow(index, { likelihood: { ...row.likelihood, [hypothesisKey]: value } });
  };
  const remove = (index: number) => onChange({ ...draft, indicators: draft.indicators.filter((_, i) => i !== index) });
  const add = () =>
    onChange({ ...draft, indicators: [...draft.indicators, { key: rowKey(), id: '', title: '', halfLifeHours: '', likelihood: Object.fromEntries(draft.hypotheses.map((h) => [h.key, '0.5'])) }] });

  return (
    <>
      <div className="table-scroll">
        <table className="data-table editor-table grid-table">
          <caption className="visually-hidden">Indicators and their likelihoods under each hypothesis</caption>
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Title</th>
              <th scope="col">Half-life (h)</th>
              {draft.hypotheses.map((h) => (
                <th scope="col" key={h.key} className="num">
                  P(present | {h.id || '?'})
                </th>
              ))}
              <th scope="col">
                <span className="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {draft.indicators.map((ind, j) => (
              <tr key={ind.key}>
                <td>
                  <CellInput id={`ind-${ind.key}-id`} label={`Indicator ${j + 1} id`} value={ind.id} issues={issues.get(`/indicators/${j}/id`)} onValue={(id) => setRow(j, { id })} />
                </td>
                <td className="wide">
                  <CellInput id={`ind-${ind.key}-title`} label={`Indicator ${j + 1} title`} value={ind.title} issues={issues.get(`/indicators/${j}/title`)} onValue={(title) => setRow(j, { title })} />
                </td>
                <td>
                  <CellInput
                    id={`ind-${ind.key}-half`}
                    label={`Half-life in hours of ${ind.id || `indicator ${j + 1}`} (empty: never fades)`}
                    inputMode="decimal"
                    className="num-input"
                    placeholder="never"
                    value={ind.halfLifeHours}
                    issues={issues.get(`/indicators/${j}/halfLifeHours`)}
                    onValue={(halfLifeHours) => setRow(j, { halfLifeHours })}
                  />
                </td>
                {draft.hypotheses.map((h) => (
                  <td key={h.key}>
                    <CellInput
                      id={`ind-${ind.key}-lik-${h.key}`}
                      label={`P(${ind.id || `indicator ${j + 1}`} present | ${h.id || 'hypothesis'})`}
                      inputMode="decimal"
                      className="num-input"
                      value={ind.likelihood[h.key] ?? ''}
                      issues={issues.get(`/indicators/${j}/likelihood/${h.id}`)}
                      onValue={(value) => setCell(j, h.key, value)}
                    />
                  </td>
                ))}
                <td>
                  <button type="button" className="button-quiet" onClick={() => remove(j)} aria-label={`Remove indicator ${ind.id || j + 1}`}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="editor-foot">
        <button type="button" className="button" onClick={add}>
          Add indicator
        </button>
      </div>
      <FieldErrors id="indicators-error" errors={issues.get('/indicators') ?? []} />
    </>
  );
}
