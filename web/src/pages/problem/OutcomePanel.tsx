/**
 * How the problem resolved (senior analysts and admins): which hypothesis came true and when,
 * recorded as a `problem.resolved` event (a correction is a newer one), then the official
 * assessment's scores against it: Brier and log score, and how long before the outcome each
 * level was reached. The server's objections land on the fields they name.
 */
import { useState, type FormEvent } from 'react';
import { api, ApiError, seg } from '../../api/client.js';
import type { Problem } from '../../api/types.js';
import { describe, Field, FieldErrors, issuesByField } from '../../components/Field.js';
import { ErrorNote, Loading } from '../../components/Panel.js';
import { fromInputValue, toInputValue, utc } from '../../lib/format.js';
import { useResource } from '../../lib/use-resource.js';

/** What GET /api/v1/problems/{id}/scores answers, as far as this panel shows it. */
interface Scores {
  readonly outcome: { readonly hypothesis: string; readonly at: string; readonly dangerous: boolean; readonly note?: string } | null;
  readonly official: { readonly brier: number; readonly logScore: number } | null;
  readonly leadTimes: readonly { readonly level: string; readonly leadText: string | null }[];
}

const FIELDS: Readonly<Record<string, string>> = { '/hypothesis': 'hypothesis', '/at': 'at', '/note': 'note' };

export function OutcomePanel({ problem, mayRecord, now }: { problem: Problem; mayRecord: boolean; now: number }) {
  // Scoring replays the assessment at many instants: done when asked for (or just recorded), not on every visit.
  const [version, setVersion] = useState(0);
  const scores = useResource(
    (signal) => (version === 0 ? Promise.resolve(undefined) : api.get<Scores>(`/api/v1/problems/${seg(problem.id)}/scores`, signal)),
    `${problem.id}#${version}`,
  );
  const [hypothesis, setHypothesis] = useState(problem.hypotheses[0]?.id ?? '');
  const [at, setAt] = useState(() => toInputValue(now));
  const [note, setNote] = useState('');
  const [failure, setFailure] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const titleOf = (id: string) => problem.hypotheses.find((h) => h.id === id)?.title ?? id;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setFailure(undefined);
    try {
      const when = fromInputValue(at);
      await api.post(`/api/v1/problems/${seg(problem.id)}/outcome`, {
        hypothesis,
        // An unreadable time goes as typed: the server names the field.
        at: when === undefined ? at : new Date(when).toISOString(),
        ...(note.trim() !== '' ? { note: note.trim() } : {}),
      });
      setNote('');
      setVersion((v) => v + 1);
    } catch (error) {
      setFailure(error instanceof ApiError ? error : new ApiError(0, 'NETWORK', String(error), undefined, []));
    } finally {
      setBusy(false);
    }
  };

  const { byField, other } = issuesByField(failure, (pointer) => FIELDS[pointer]);
  const errors = (field: string) => byField.get(field) ?? [];
  const outcome = scores.value?.outcome ?? null;

  return (
    <div className="outcome-panel">
      {version === 0 ? (
        <button type="button" className="button-quiet" onClick={() => setVersion(1)}>
          Show the outcome and the scores
        </button>
      ) : scores.value === undefined ? (
        scores.error !== undefined ? <ErrorNote error={scores.error} what="the scores" /> : <Loading what="the scores" />
      ) : outcome === null ? (
        <p className="muted small" data-testid="outcome-none">
          No outcome recorded: the assessments are not scored yet.
        </p>
      ) : (
        <div data-testid="outcome-recorded">
          <p>
            Came true: <strong>{titleOf(outcome.hypothesis)}</strong> ({outcome.dangerous ? 'dangerous' : 'not dangerous'}) at {utc(outcome.at)}
            {outcome.note !== undefined && <span className="muted"> — “{outcome.note}”</span>}
          </p>
          {scores.value?.official !== null && scores.value?.official !== undefined && (
            <p className="small" data-testid="outcome-scores">
              Official assessment: Brier {scores.value.official.brier.toFixed(3)} · log score {scores.value.official.logScore.toFixed(2)} bits
            </p>
          )}
          <ul className="plain-list small">
            {(scores.value?.leadTimes ?? []).map((l) => (
              <li key={l.level}>
                {l.level}: {l.leadText ?? 'never reached'}
              </li>
            ))}
          </ul>
        </div>
      )}
      {mayRecord && (
        <form className="outcome-form" onSubmit={(e) => void submit(e)} aria-label="Record the outcome" noValidate>
          <Field id="outcome-hypothesis" label="What came true" errors={errors('hypothesis')}>
            <select {...describe('outcome-hypothesis', errors('hypothesis'))} value={hypothesis} onChange={(e) => setHypothesis(e.target.value)}>
              {problem.hypotheses.map((h) => (
                <option key={h.id} value={h.id}>
                  {h.title}
                </option>
              ))}
            </select>
          </Field>
          <Field id="outcome-at" label="When (UTC)" errors={errors('at')}>
            <input type="datetime-local" step={1} {...describe('outcome-at', errors('at'))} value={at} onChange={(e) => setAt(e.target.value)} />
          </Field>
          <Field id="outcome-note" label="Note (optional)" errors={errors('note')}>
            <textarea {...describe('outcome-note', errors('note'))} rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
          </Field>
          <FieldErrors id="outcome-other" errors={other} />
          <button type="submit" disabled={busy}>
            {outcome === null ? 'Record the outcome' : 'Record a correction of the outcome'}
          </button>
        </form>
      )}
    </div>
  );
}
