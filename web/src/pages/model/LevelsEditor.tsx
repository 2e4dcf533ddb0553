/** The warning levels of a model (lowest first, the first at 0, thresholds increasing) and the hysteresis. */
import { describe, Field, FieldErrors } from '../../components/Field.js';
import { CellInput } from './CellInput.js';
import { rowKey, type Issues, type LevelRow, type ModelDraft } from './model-draft.js';

export function LevelsEditor({ draft, issues, onChange }: { draft: ModelDraft; issues: Issues; onChange: (draft: ModelDraft) => void }) {
  const setRow = (index: number, row: Partial<LevelRow>) => onChange({ ...draft, levels: draft.levels.map((l, i) => (i === index ? { ...l, ...row } : l)) });
  const remove = (index: number) => onChange({ ...draft, levels: draft.levels.filter((_, i) => i !== index) });
  const add = () => onChange({ ...draft, levels: [...draft.levels, { key: rowKey(), id: '', threshold: '' }] });
  const hysteresisIssues = issues.get('/warning/hysteresis') ?? [];
  const hint = 'A level is left only when P(dangerous) falls below its threshold times (1 − hysteresis). Empty: 0.2.';

  return (
    <>
      <table className="data-table editor-table levels-table">
        <caption className="visually-hidden">Warning levels, lowest first</caption>
        <thead>
          <tr>
            <th scope="col">Level id</th>
            <th scope="col">Reached when P(dangerous) ≥</th>
            <th scope="col">
              <span className="visually-hidden">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {draft.levels.map((level, k) => (
            <tr key={level.key}>
              <td>
                <CellInput id={`level-${level.key}-id`} label={`Level ${k + 1} id`} value={level.id} issues={issues.get(`/warning/levels/${k}/id`)} onValue={(id) => setRow(k, { id })} />
              </td>
              <td>
                <CellInput
                  id={`level-${level.key}-threshold`}
                  label={`Threshold of ${level.id || `level ${k + 1}`}`}
                  inputMode="decimal"
                  className="num-input"
                  value={level.threshold}
                  issues={issues.get(`/warning/levels/${k}/threshold`)}
                  onValue={(threshold) => setRow(k, { threshold })}
                />
              </td>
              <td>
                <button type="button" className="button-quiet" onClick={() => remove(k)} aria-label={`Remove level ${level.id || k + 1}`}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="editor-foot">
        <button type="button" className="button" onClick={add}>
          Add level
        </button>
      </div>
      <FieldErrors id="levels-error" errors={issues.get('/warning/levels') ?? []} />
      <Field id="model-hysteresis" label="Hysteresis" errors={hysteresisIssues} hint={hint} className="field-narrow">
        <input inputMode="decimal" value={draft.hysteresis} onChange={(e) => onChange({ ...draft, hysteresis: e.target.value })} {...describe('model-hysteresis', hysteresisIssues, hint)} />
      </Field>
    </>
  );
}
