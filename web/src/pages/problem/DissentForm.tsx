/**
 * Filing a dissent (analysts): your own probability for every hypothesis, checked as you type
 * (each between 0 and 1, summing to 1, with one button to scale them), the P(dangerous) and the
 * level they reach beside the official ones, and the rationale. The server's objections land on
 * the fields they name.
 */
import { useMemo, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, seg } from '../../api/client.js';
import type { Assessment, Problem, WarningLevel } from '../../api/types.js';
import { describe, Field, FieldErrors } from '../../components/Field.js';
import { LevelBadge } from '../../components/LevelBadge.js';
import { Probability } from '../../components/Probability.js';
import { dissentBody, dissentLevel, draftFromOfficial, draftSum, posteriorOf, scaleToOne, sumsToOne, validateDissent, type DissentDraft } from './dissent-draft.js';

interface Props {
  readonly problem: Problem;
  readonly assessment: Assessment;
  readonly levels: readonly WarningLevel[];
  readonly onFiled: () => void;
  readonly onCancel: () => void;
}

export function DissentForm({ problem, assessment, levels, onFiled, onCancel }: Props) {
  const [draft, setDraft] = useState<DissentDraft>(() => draftFromOfficial(problem, assessment.posterior));
  const [serverIssues, setServerIssues] = useState<Map<string, string[]>>(new Map());
  const [failure, setFailure] = useState<ApiError | undefined>(undefined);
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const summary = useRef<HTMLDivElement>(null);

  const local = useMemo(() => validateDissent(problem, draft), [problem, draft]);
  const issues = useMemo(() => {
    const merged = new Map(local);
    for (const [path, messages] of serverIssues) merged.set(path, [...(merged.get(path) ?? []), ...messages]);
    return merged;
  }, [local, serverIssues]);
  // The rationale's emptiness is said only after a try: an empty box is where everyone starts.
  const shown = (path: string) => (path === '/rationale' && !tried && !serverIssues.has(path) ? [] : (issues.get(path) ?? []));
  const sum = draftSum(problem, draft);
  const reached = dissentLevel(problem, posteriorOf(problem, draft));
  const count = [...issues.entries()].filter(([path]) => shown(path).length > 0).reduce((n, [path]) => n + shown(path).length, 0);

  const edit = (next: DissentDraft) => {
    setDraft(next);
    if (serverIssues.size > 0) setServerIssues(new Map());
    setFailure(undefined);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (local.size > 0) {
      requestAnimationFrame(() => summary.current?.focus());
      return;
    }
    setBusy(true);
    try {
      await api.post(`/api/v1/problems/${seg(problem.id)}/dissents`, dissentBody(problem, draft));
      onFiled();
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError(0, 'NETWORK', String(error), undefined, []);
      setFailure(apiError);
      const byPath = new Map<string, string[]>();
      for (const issue of apiError.issues) byPath.set(issue.path, [...(byPath.get(issue.path) ?? []), issue.message]);
      setServerIssues(byPath);
      requestAnimationFrame(() => summary.current?.focus());
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="dissent-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="dissent-form-title">
      <h3 id="dissent-form-title">File a dissent</h3>
      <p className="muted small">
        Your own probability for every hypothesis, and why. It goes to the control role, outside your own chain, and is shown beside the official assessment; if it reaches a higher level than the official
        one, it raises a warning of its own.
      </p>
      <div ref={summary} tabIndex={-1} className="error-summary-anchor">
        {failure !== undefined && (
          <p className="note note-error" role="alert">
            The dissent was not filed ({failure.code}): {failure.message}
          </p>
        )}
      </div>
      <table className="data-table dissent-grid">
        <caption className="visually-hidden">Your probability for each hypothesis, beside the official one</caption>
        <thead>
          <tr>
            <th scope="col">Hypothesis</th>
            <th scope="col">Official</th>
            <th scope="col">Yours</th>
          </tr>
        </thead>
        <tbody>
          {problem.hypotheses.map((h) => {
            const id = `dissent-p-${h.id}`;
            const errors = shown(`/posterior/${h.id}`);
            const value = Number(draft.values[h.id]);
            return (
              <tr key={h.id}>
                <th scope="row">
                  {h.title} <span className="muted small">{h.id}</span>
                  {h.dangerous === true && <span className="tag tag-danger">dangerous</span>}
                </th>
                <td className="prob-cell">
                  <Probability p={assessment.posterior[h.id] ?? 0} />
                </td>
                <td>
                  <div className="cell">
                    <input
                      className="num-input"
                      inputMode="decimal"
                      aria-label={`Your probability of ${h.id}`}
                      value={draft.values[h.id] ?? ''}
                      onChange={(e) => edit({ ...draft, values: { ...draft.values, [h.id]: e.target.value } })}
                      {...describe(id, errors)}
                    />
                    {errors.length === 0 && Number.isFinite(value) && <Probability p={value} />}
                    <FieldErrors id={`${id}-error`} errors={errors} />
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="editor-foot">
        <span className={sumsToOne(sum) ? 'sum-ok' : 'sum-bad'} role="status" id="dissent-sum">
          Your probabilities sum to {Number.isFinite(sum) ? Number(sum.toFixed(9)) : '—'} {sumsToOne(sum) ? '✓' : '(must be 1)'}
        </span>
        {!sumsToOne(sum) && Number.isFinite(sum) && sum > 0 && (
          <button type="button" className="button-quiet" onClick={() => edit(scaleToOne(problem, draft))}>
            Scale to sum to 1
          </button>
        )}
      </div>
      <FieldErrors id="dissent-posterior-error" errors={shown('/posterior')} />
      {Number.isFinite(reached.pDangerous) && (
        <p className="dissent-implied" data-testid="dissent-reach">
          Your P(dangerous): <Probability p={Math.min(1, Math.max(0, reached.pDangerous))} /> · level <LevelBadge level={reached.level} levels={levels} /> (official: {assessment.level})
          {reached.levelIndex > Math.max(0, levels.findIndex((l) => l.id === assessment.level)) && <strong> · above the official level: it will raise a warning to the control role</strong>}
        </p>
      )}
      <Field id="dissent-rationale" label="Rationale" errors={shown('/rationale')} hint="Why you judge otherwise: the evidence you weigh differently, what the official assessment misses.">
        <textarea
          rows={4}
          value={draft.rationale}
          onChange={(e) => edit({ ...draft, rationale: e.target.value })}
          {...describe('dissent-rationale', shown('/rationale'), 'Why you judge otherwise: the evidence you weigh differently, what the official assessment misses.')}
        />
      </Field>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy} aria-describedby="dissent-status">
          {busy ? 'Filing…' : 'File dissent'}
        </button>
        <span id="dissent-status" className={count > 0 ? 'sum-bad' : 'sum-ok'}>
          {count > 0 ? `${count} ${count === 1 ? 'issue' : 'issues'} to fix before filing` : local.size > 0 ? 'Say why, then file' : 'Ready to file'}
        </span>
        <button type="button" className="button-quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
