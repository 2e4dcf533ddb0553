/** The fields of a report: what was seen, by whom and how good, its marking and its text. */
import { CLEARANCES, type Problem } from '../../api/types.js';
import { describe, Field, FieldErrors } from '../../components/Field.js';
import { gradeMeaning } from '../../lib/format.js';
import type { ReportDraft } from './report-draft.js';

interface Props {
  readonly problem: Problem;
  readonly draft: ReportDraft;
  readonly onChange: (draft: ReportDraft) => void;
  readonly errorsOf: (field: string) => string[];
}

const RELIABILITY = ['A', 'B', 'C', 'D', 'E', 'F'];
const CREDIBILITY = ['1', '2', '3', '4', '5', '6'];

export function ReportFields({ problem, draft, onChange, errorsOf }: Props) {
  const set = <K extends keyof ReportDraft>(key: K, value: ReportDraft[K]) => onChange({ ...draft, [key]: value });
  return (
    <>
      <Field id="report-indicator" label="Indicator" errors={errorsOf('indicator')}>
        <select value={draft.indicator} onChange={(e) => set('indicator', e.target.value)} required {...describe('report-indicator', errorsOf('indicator'))}>
          <option value="">Choose the indicator…</option>
          {problem.indicators.map((i) => (
            <option key={i.id} value={i.id}>
              {i.title} ({i.id})
            </option>
          ))}
        </select>
      </Field>

      <fieldset className="field" aria-describedby={errorsOf('observed').length > 0 ? 'report-observed-error' : undefined}>
        <legend>Observed</legend>
        <div className="radio-row">
          {(['present', 'absent'] as const).map((value) => (
            <label key={value} className="radio">
              <input type="radio" name="observed" value={value} checked={draft.observed === value} onChange={() => set('observed', value)} />
              {value === 'present' ? 'Present: it was seen' : 'Absent: looked for, not seen'}
            </label>
          ))}
        </div>
        <FieldErrors id="report-observed-error" errors={errorsOf('observed')} />
      </fieldset>

      <Field id="report-source" label="Source (optional)" errors={errorsOf('source')} hint="A source's new word on an indicator replaces its old one.">
        <input value={draft.source} onChange={(e) => set('source', e.target.value)} {...describe('report-source', errorsOf('source'), "A source's new word on an indicator replaces its old one.")} />
      </Field>

      <fieldset className="field">
        <legend>Grading</legend>
        <div className="radio-row">
          <label className="radio">
            <input type="radio" name="grading" checked={draft.grading === 'admiralty'} onChange={() => set('grading', 'admiralty')} />
            Admiralty grade
          </label>
          <label className="radio">
            <input type="radio" name="grading" checked={draft.grading === 'sensor'} onChange={() => set('grading', 'sensor')} />
            Measured source (sensor)
          </label>
        </div>
      </fieldset>

      {draft.grading === 'admiralty' ? (
        <div className="field-pair">
          <Field id="report-reliability" label="Source reliability" errors={errorsOf('reliability')}>
            <select value={draft.reliability} onChange={(e) => set('reliability', e.target.value)} {...describe('report-reliability', errorsOf('reliability'))}>
              {RELIABILITY.map((r) => (
                <option key={r} value={r}>
                  {r}: {gradeMeaning({ reliability: r, credibility: '6' }).replace(/^source (.*), information .*$/, '$1')}
                </option>
              ))}
            </select>
          </Field>
          <Field id="report-credibility" label="Information credibility" errors={errorsOf('credibility')}>
            <select value={draft.credibility} onChange={(e) => set('credibility', e.target.value)} {...describe('report-credibility', errorsOf('credibility'))}>
              {CREDIBILITY.map((c) => (
                <option key={c} value={c}>
                  {c}: {gradeMeaning({ reliability: 'F', credibility: c }).replace(/^.*, information /, '')}
                </option>
              ))}
            </select>
          </Field>
        </div>
      ) : (
        <div className="field-pair">
          <Field id="report-sensitivity" label="Hit rate (sensitivity)" errors={errorsOf('sensitivity')} hint="Between 0 and 1, e.g. 0.9">
            <input inputMode="decimal" value={draft.sensitivity} onChange={(e) => set('sensitivity', e.target.value)} {...describe('report-sensitivity', errorsOf('sensitivity'), 'Between 0 and 1, e.g. 0.9')} />
          </Field>
          <Field id="report-far" label="False-alarm rate" errors={errorsOf('falseAlarmRate')} hint="Between 0 and 1, e.g. 0.05">
            <input inputMode="decimal" value={draft.falseAlarmRate} onChange={(e) => set('falseAlarmRate', e.target.value)} {...describe('report-far', errorsOf('falseAlarmRate'), 'Between 0 and 1, e.g. 0.05')} />
          </Field>
        </div>
      )}

      <div className="field-pair">
        <Field id="report-classification" label="Classification" errors={errorsOf('classification')}>
          <select value={draft.classification} onChange={(e) => set('classification', e.target.value)} {...describe('report-classification', errorsOf('classification'))}>
            {CLEARANCES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </Field>
        <Field id="report-compartments" label="Compartments (optional)" errors={errorsOf('compartments')} hint="Names separated by commas">
          <input value={draft.compartments} onChange={(e) => set('compartments', e.target.value)} {...describe('report-compartments', errorsOf('compartments'), 'Names separated by commas')} />
        </Field>
      </div>

      <Field id="report-text" label="Text (optional)" errors={errorsOf('text')} hint="What was seen, in the reporter's words. Never used in the math.">
        <textarea rows={4} value={draft.text} onChange={(e) => set('text', e.target.value)} {...describe('report-text', errorsOf('text'), "What was seen, in the reporter's words. Never used in the math.")} />
      </Field>

      <Field id="report-id" label="Report id" errors={errorsOf('id')} hint="Unique; sending the same report again is safe.">
        <input value={draft.id} onChange={(e) => set('id', e.target.value)} {...describe('report-id', errorsOf('id'), 'Unique; sending the same report again is safe.')} />
      </Field>
    </>
  );
}
