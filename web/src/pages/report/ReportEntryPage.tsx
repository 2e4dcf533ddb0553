/**
 * Report entry for analysts: one report on one indicator, graded (Admiralty reliability and
 * credibility, or a sensor's measured rates), marked (classification, compartments), sent with
 * POST .../reports. The server's objections appear beside the fields they name.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, seg } from '../../api/client.js';
import type { ProblemAnswer } from '../../api/types.js';
import { describe, Field, issuesByField } from '../../components/Field.js';
import { ErrorNote, Loading } from '../../components/Panel.js';
import { fromInputValue, toInputValue } from '../../lib/format.js';
import { useResource } from '../../lib/use-resource.js';
import { Link } from '../../router.js';
import { abilities, useUser } from '../../session.js';
import { emptyReport, reportBody, REPORT_FIELDS, type ReportDraft } from './report-draft.js';
import { ReportFields } from './ReportFields.js';

export function ReportEntryPage({ problemId }: { problemId: string }) {
  const user = useUser();
  const base = `/api/v1/problems/${seg(problemId)}`;
  const model = useResource((signal) => api.get<ProblemAnswer>(base, signal), problemId);
  const [draft, setDraft] = useState<ReportDraft>(() => emptyReport(Date.now()));
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [sent, setSent] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const summary = useRef<HTMLDivElement>(null);

  useEffect(() => {
    document.title = `Enter a report · ${problemId} · Vigil`;
  }, [problemId]);

  if (!abilities(user).postReports) {
    return (
      <main id="main" className="page">
        <h1>Enter a report</h1>
        <p className="note">Your roles ({user.roles.join(', ')}) do not include posting reports: that takes an analyst.</p>
      </main>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setSent(undefined);
    try {
      await api.post(`${base}/reports`, reportBody(draft));
      setSent(draft.id);
      setError(undefined);
      setDraft(emptyReport(Date.now(), draft));
    } catch (failure) {
      setError(failure instanceof ApiError ? failure : new ApiError(0, 'NETWORK', String(failure), undefined, []));
      requestAnimationFrame(() => summary.current?.focus());
    } finally {
      setBusy(false);
    }
  };

  const { byField, other } = issuesByField(error, (pointer) => {
    const name = pointer.split('/')[1];
    return name !== undefined && (REPORT_FIELDS as readonly string[]).includes(name) ? name : undefined;
  });
  const errorsOf = (field: string) => byField.get(field) ?? [];
  const problem = model.value?.problem;

  return (
    <main id="main" className="page page-form">
      <p className="crumbs">
        <Link to="/">Watch floor</Link> › <Link to={`/problems/${seg(problemId)}`}>{problem?.title ?? problemId}</Link> › Enter a report
      </p>
      <h1>Enter a report</h1>
      {model.error !== undefined && <ErrorNote error={model.error} what="the problem" />}
      {problem === undefined && model.error === undefined && <Loading what="the indicators" />}
      {sent !== undefined && (
        <p className="note note-ok" role="status">
          Report {sent} recorded. <Link to={`/problems/${seg(problemId)}`}>See the problem</Link>, or enter another below.
        </p>
      )}
      <div ref={summary} tabIndex={-1} className="error-summary-anchor">
        {error !== undefined && (
          <div className="note note-error" role="alert">
            <p>
              The report was not recorded ({error.code}). {byField.size > 0 ? 'See the fields marked below.' : ''}
            </p>
            {other.length > 0 && (
              <ul>
                {other.map((message) => (
                  <li key={message}>{message}</li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
      {problem !== undefined && (
        <form className="form-grid" onSubmit={(e) => void submit(e)} noValidate>
          <ReportFields problem={problem} draft={draft} onChange={setDraft} errorsOf={errorsOf} />
          <Field id="report-at" label="Observed at (UTC)" errors={errorsOf('at')} hint="When the thing was seen; the server records when it arrived.">
            <input
              type="datetime-local"
              step={1}
              value={toInputValue(draft.at)}
              onChange={(e) => setDraft({ ...draft, at: fromInputValue(e.target.value) ?? draft.at })}
              {...describe('report-at', errorsOf('at'), 'When the thing was seen; the server records when it arrived.')}
            />
          </Field>
          <div className="form-actions">
            <button type="submit" className="button-primary" disabled={busy}>
              {busy ? 'Recording…' : 'Record report'}
            </button>
            <Link to={`/problems/${seg(problemId)}`}>Cancel</Link>
          </div>
        </form>
      )}
    </main>
  );
}
